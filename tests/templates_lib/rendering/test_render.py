import subprocess
from pathlib import Path

from django.core.files.base import ContentFile

import pytest

from approvals.services import document_create
from templates_lib.rendering.html import render_collateral_html
from templates_lib.rendering.pdf import render_collateral_pdf
from templates_lib.rendering.profile import Profile
from templates_lib.tokens import TokenContext

from ... import pdf as pdfread
from ...factories.templates_lib import HEADLINE

pytestmark = pytest.mark.slow


def _pdf(template, user, profile=Profile.PRINT, **values):
    return render_collateral_pdf(
        template=template.live_revision.as_object(),
        values=values,
        token_context=TokenContext(user=user),
        profile=profile,
    )


def test_pdf_has_one_a4_page_with_locked_user_and_token_text(onepager, rep):
    pdf = _pdf(onepager, rep, subheadline="Made for Fjord Maritime")

    text = pdfread.text(pdf)
    assert len(pdfread.reader(pdf).pages) == 1
    assert pdfread.page_size_mm(pdf) == (210.0, 297.0)
    assert HEADLINE in text
    assert "Made for Fjord Maritime" in text
    assert rep.get_full_name() in text
    assert rep.email in text
    assert "Legal footer: Example Corp Ltd" in text


def test_print_bleed_adds_three_millimetres_each_side_and_keeps_the_trim_box(db, brand_kit, rep):
    from ...factories.templates_lib import make_template

    template = make_template(print_bleed=True)

    pdf = _pdf(template, rep)

    assert pdfread.page_size_mm(pdf) == (216.0, 303.0)
    assert pdfread.trim_size_mm(pdf) == (210.0, 297.0)


def test_digital_profile_has_no_bleed_even_when_the_template_asks(db, brand_kit, rep):
    from ...factories.templates_lib import make_template

    template = make_template(print_bleed=True)

    pdf = _pdf(template, rep, profile=Profile.DIGITAL)

    assert pdfread.page_size_mm(pdf) == (210.0, 297.0)


def test_us_letter_page_format_keeps_the_one_pager_on_one_page(db, brand_kit, rep):
    from ...factories.templates_lib import make_template

    template = make_template(page_size="letter")

    pdf = _pdf(template, rep, profile=Profile.DIGITAL)

    assert pdfread.page_size_mm(pdf)[0] == pytest.approx(215.9, abs=0.2)
    assert pdfread.page_size_mm(pdf)[1] == pytest.approx(279.4, abs=0.2)
    assert len(pdfread.reader(pdf).pages) == 1


def test_every_font_is_embedded_and_the_brand_font_is_used(onepager, rep):
    pdf = _pdf(onepager, rep)

    fonts = pdfread.fonts(pdf)
    assert fonts
    assert all(pdfread.is_embedded(font) for font in fonts.values())
    # The brand kit's font files are loaded through @font-face under the family "LM Body".
    assert any("LM-Body" in name for name in fonts)
    assert not any("DejaVu" in name for name in fonts)


def test_pdf_metadata_has_title_author_subject_and_keywords(db, brand_kit, rep):
    from ...factories.templates_lib import make_template

    template = make_template(title="Harbour flyer", keywords="maritime, logistics")

    pdf = render_collateral_pdf(
        template=template.live_revision.as_object(),
        values={},
        token_context=TokenContext(user=rep),
        title="Flyer for Fjord",
        author="Dana Whitfield",
    )

    meta = pdfread.reader(pdf).metadata
    assert meta.title == "Flyer for Fjord"
    assert meta.author == "Dana Whitfield"
    assert meta.subject == "A template for tests."
    assert "maritime" in meta.get("/Keywords", "")


def test_print_profile_declares_a_pdfx_output_intent(onepager, rep):
    pdf = _pdf(onepager, rep, profile=Profile.PRINT)

    catalog = pdfread.reader(pdf).trailer["/Root"]
    intent = catalog["/OutputIntents"][0].get_object()
    assert intent["/S"] == "/GTS_PDFX"
    assert b"PDF/X-4" in pdf


def test_digital_profile_is_tagged(onepager, rep):
    pdf = _pdf(onepager, rep, profile=Profile.DIGITAL)

    catalog = pdfread.reader(pdf).trailer["/Root"]
    assert "/StructTreeRoot" in catalog
    assert bool(catalog["/MarkInfo"]["/Marked"])


def test_html_uses_brand_colour_as_a_custom_property(onepager):
    html = render_collateral_html(template=onepager.live_revision.as_object(), values={})

    assert "--brand-primary: #1B2F4E;" in html


def test_values_rendered_against_a_revision_survive_a_newer_revision(onepager, rep):
    from ...factories.templates_lib import publish_change

    document = document_create(template=onepager, owner=rep, values={}, check_fit=False)
    before = pdfread.text(_render_document(document))

    publish_change(onepager, headline="A completely different headline.")

    after = pdfread.text(_render_document(document))
    assert after == before
    assert HEADLINE in after


def _render_document(document):
    return render_collateral_pdf(
        template=document.pinned_template(),
        values=document.values,
        token_context=TokenContext(user=document.owner),
        title=document.title,
    )


CMYK_PROFILE = Path("/usr/share/color/icc/ghostscript/default_cmyk.icc")


def test_print_profile_with_a_printer_icc_profile_writes_cmyk_colours(onepager, rep, brand_kit):
    from brand.models import BrandColour

    brand_kit.print_icc_profile.save("printer.icc", ContentFile(CMYK_PROFILE.read_bytes()))
    BrandColour.objects.filter(brand_kit=brand_kit, role="primary").update(cmyk="100, 78, 30, 35")

    pdf = _pdf(onepager, rep, profile=Profile.PRINT)

    intent = pdfread.reader(pdf).trailer["/Root"]["/OutputIntents"][0].get_object()
    assert intent["/DestOutputProfile"].get_object()["/N"] == 4
    content = pdfread.reader(pdf).pages[0].get_contents().get_data()
    assert b"1 0.78 0.3 0.35 scn" in content


@pytest.mark.parametrize("profile", [Profile.PRINT, Profile.DIGITAL])
def test_pdf_passes_qpdf_check(onepager, rep, profile, tmp_path):
    path = tmp_path / "out.pdf"
    path.write_bytes(_pdf(onepager, rep, profile=profile))

    result = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True, check=False)  # noqa: S603, S607

    assert result.returncode == 0, result.stdout + result.stderr
    assert "No syntax or stream encoding errors found" in result.stdout


def test_digital_pdf_links_use_only_https_mailto_and_tel(db, brand_kit, rep):
    from ...factories.templates_lib import changed_fields, make_template

    template = make_template(fields=changed_fields({"body": {"allow_links": True}}))
    body = '<p><a href="https://example.com/x">site</a> <a href="mailto:a@example.com">mail</a></p>'

    pdf = render_collateral_pdf(
        template=template.live_revision.as_object(),
        values={"body": body},
        token_context=TokenContext(user=rep),
        profile=Profile.DIGITAL,
    )

    uris = [
        str(annotation.get_object()["/A"]["/URI"])
        for page in pdfread.reader(pdf).pages
        for annotation in page.get("/Annots") or []
        if "/A" in annotation.get_object() and "/URI" in annotation.get_object()["/A"]
    ]
    assert "https://example.com/x" in uris
    assert all(uri.split(":", 1)[0] in {"https", "mailto", "tel"} for uri in uris)


def _image_widths(pdf: bytes) -> list[int]:
    widths = []
    for page in pdfread.reader(pdf).pages:
        for obj in (page["/Resources"].get("/XObject") or {}).values():
            obj = obj.get_object()
            if obj.get("/Subtype") == "/Image":
                widths.append(int(obj["/Width"]))
    return sorted(widths)


def test_an_image_drawn_small_in_one_render_is_not_degraded_in_the_next(db, brand_kit, rep):
    from ...factories.brand import ImageFactory, collection
    from ...factories.templates_lib import changed_fields, default_fields, make_template

    big = ImageFactory(collection=collection("Hero images"), file=_image_file(2400, 1200))
    as_hero = make_template(title="Big", fields=default_fields(hero_image=big))
    as_side = make_template(
        title="Small", fields=changed_fields({"side_image": {"lock_mode": "locked", "default_image": big}})
    )

    first = _image_widths(_pdf(as_hero, rep))
    _pdf(as_side, rep)
    again = _image_widths(_pdf(as_hero, rep))

    assert again == first


def _image_file(width: int, height: int):
    import io

    from django.core.files.images import ImageFile

    from PIL import Image

    out = io.BytesIO()
    Image.radial_gradient("L").resize((width, height)).convert("RGB").save(out, format="JPEG")
    return ImageFile(io.BytesIO(out.getvalue()), name="big.jpg")


def test_links_with_unsafe_schemes_in_the_html_never_reach_the_pdf(brand_kit):
    from brand.services import brand_snapshot
    from templates_lib.rendering.engine import layout_pdf_document, write_pdf

    html = (
        '<html><body><a href="javascript:app.alert(1)">js</a> <a href="file:///etc/passwd">file</a> '
        '<a href="data:text/html,x">data</a> <a href="https://example.com/ok">ok</a> '
        '<a href="tel:+442079460000">tel</a></body></html>'
    )
    brand = brand_snapshot()

    pdf = write_pdf(
        layout_pdf_document(html, profile=Profile.DIGITAL, brand=brand), profile=Profile.DIGITAL, brand=brand
    )

    uris = [
        str(a.get_object()["/A"]["/URI"])
        for page in pdfread.reader(pdf).pages
        for a in page.get("/Annots") or []
        if "/URI" in a.get_object().get("/A", {})
    ]
    assert sorted(uris) == ["https://example.com/ok", "tel:+442079460000"]


def test_a_pinned_revision_is_deserialised_once_and_follows_content_changes(
    onepager, rep, django_assert_max_num_queries
):
    from templates_lib.revisions import clear_cache, template_at_revision

    clear_cache()
    revision = onepager.live_revision
    first = template_at_revision(revision)

    with django_assert_max_num_queries(0):
        assert template_at_revision(revision) is first

    revision.content["title"] = "Rewritten in place"
    assert template_at_revision(revision).title == "Rewritten in place"


def test_renders_from_several_threads_at_once_all_succeed(onepager, rep):
    """WeasyPrint and fontconfig crash the process when used from two threads at once (seen as a
    segfault in libfontconfig); the engine lock serialises them."""
    import threading

    from brand.services import brand_snapshot
    from templates_lib.rendering.engine import layout_pdf_document, write_pdf
    from templates_lib.rendering.html import render_collateral_html

    brand = brand_snapshot()
    html = render_collateral_html(template=onepager.live_revision.as_object(), values={}, brand=brand)
    sizes, barrier = [], threading.Barrier(4)

    def work():
        barrier.wait()
        for _ in range(2):
            document = layout_pdf_document(html, profile=Profile.DIGITAL, brand=brand)
            sizes.append(len(write_pdf(document, profile=Profile.DIGITAL, brand=brand)))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(sizes) == 8
    assert all(size > 10_000 for size in sizes)
