"""Output that honours the brand: logos keep their shape, charts are shown whole, photos are cropped
around their focal point, and every figure in the digital PDF carries its alternative text.

The PDFs are read back independently of the renderer: PDFium reports where each image is drawn,
pypdf reads the tagged PDF's structure tree."""

import io
import re

from django.core.files.images import ImageFile

import pytest

from brand.models import BrandKit
from templates_lib.models import CollateralTemplate, TemplateField
from templates_lib.rendering.html import render_collateral_html
from templates_lib.rendering.pdf import render_collateral_pdf
from templates_lib.rendering.profile import Profile
from templates_lib.tokens import TokenContext

from .. import pdf as pdfread
from ..factories.accounts import OrganisationFactory, partner_member
from ..factories.brand import ImageFactory, collection, png_bytes
from ..factories.templates_lib import changed_fields, default_fields, make_template

pytestmark = pytest.mark.slow

HOST = (200, 30, 30)
PARTNER = (30, 150, 60)
CHART = (240, 160, 20)
PHOTO = (90, 40, 140)
SHAPES = {"wide": (600, 100), "tall": (90, 270), "square": (240, 240)}


def _image(size: tuple[int, int], colour: tuple[int, int, int], **attrs):
    width, height = size
    file = ImageFile(io.BytesIO(png_bytes(width, height, colour)), name="picture.png")
    return ImageFactory(file=file, **attrs)


def _close(colour, expected, tolerance=12) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(colour, expected, strict=True))


def _drawn(pdf: bytes, colour) -> list[dict]:
    return [placed for placed in pdfread.placed_images(pdf) if _close(placed["colour"], colour)]


def _host_logo(brand_kit, shape: str):
    logo = _image(SHAPES[shape], HOST, title="Example Corp logo", alt_text="Example Corp")
    brand_kit.primary_logo = logo
    brand_kit.monochrome_logo = logo
    brand_kit.save()
    return logo


def _cobranded_onepager(**changes) -> CollateralTemplate:
    partner_logo = {
        "key": "partner_logo",
        "label": "Partner logo",
        "slot": "partner_logo",
        "lock_mode": "token",
        "token_source": "organisation.logo",
    }
    return make_template(fields=[*changed_fields(changes), partner_logo])


def _partner(shape: str):
    logo = _image(SHAPES[shape], PARTNER, title="Brightpath logo", alt_text="Brightpath Partners")
    organisation = OrganisationFactory(name="Brightpath Partners", logo=logo, is_logo_approved=True)
    return partner_member(organisation, username=f"partner-{shape}")


def _on_layout(layout: str, fields: list[dict]) -> CollateralTemplate:
    """A published template on any layout (the factory's templates are one-pagers)."""
    template = CollateralTemplate(title=f"A {layout}", description="For tests.", layout=layout, live=False)
    template.fields = [TemplateField(sort_order=i, **spec) for i, spec in enumerate(fields)]
    template.save()
    template.save_revision().publish()
    template.refresh_from_db()
    return template


def _pdf(template, user, profile=Profile.DIGITAL) -> bytes:
    return render_collateral_pdf(
        template=template.live_revision.as_object(),
        values={},
        token_context=TokenContext(user=user),
        profile=profile,
    )


# Logos keep their aspect ratio -------------------------------------------------------------------


@pytest.mark.parametrize(("host_shape", "partner_shape"), [("wide", "tall"), ("tall", "square"), ("square", "wide")])
def test_cobranded_one_pager_draws_both_logos_in_their_own_shape(brand_kit, host_shape, partner_shape):
    _host_logo(brand_kit, host_shape)
    member = _partner(partner_shape)

    pdf = _pdf(_cobranded_onepager(), member)

    host, partner = _drawn(pdf, HOST), _drawn(pdf, PARTNER)
    assert len(host) == 2  # masthead and call-to-action band
    assert len(partner) == 1
    host_w, host_h = SHAPES[host_shape]
    partner_w, partner_h = SHAPES[partner_shape]
    for placed in host:
        assert placed["ratio"] == pytest.approx(host_w / host_h, rel=0.02)
    assert partner[0]["ratio"] == pytest.approx(partner_w / partner_h, rel=0.02)


@pytest.mark.parametrize("shape", ["wide", "tall", "square"])
def test_cobranded_chips_stay_the_same_size_whatever_the_partner_logo(brand_kit, shape):
    _host_logo(brand_kit, "wide")
    member = _partner(shape)

    pdf = _pdf(_cobranded_onepager(), member)

    cta_host = min(_drawn(pdf, HOST), key=lambda placed: placed["bottom"])
    partner = _drawn(pdf, PARTNER)[0]
    for placed in (cta_host, partner):
        assert placed["width"] <= 16.5 + 0.2
        assert placed["height"] <= 10 + 0.2
    # Side by side in the band, the partner's chip first, neither overlapping the other.
    assert partner["left"] + partner["width"] < cta_host["left"]
    assert cta_host["left"] + cta_host["width"] <= 210 - 14 - 6 + 0.5


@pytest.mark.parametrize("layout", ["onepager", "datasheet", "casestudy", "eventflyer", "brochure"])
@pytest.mark.parametrize("shape", ["wide", "tall"])
def test_a_logo_in_every_layout_keeps_its_shape(brand_kit, rep, layout, shape):
    _host_logo(brand_kit, shape)
    eyebrow = {"key": "eyebrow", "label": "Eyebrow", "slot": "eyebrow", "lock_mode": "locked", "default_text": "New"}
    template = _on_layout(layout, [eyebrow]) if layout != "onepager" else make_template()
    width, height = SHAPES[shape]

    drawn = _drawn(_pdf(template, rep), HOST)

    assert drawn
    assert all(placed["ratio"] == pytest.approx(width / height, rel=0.02) for placed in drawn)


# Charts are contained, photos cropped around their focal point -----------------------------------


def test_the_one_pagers_chart_is_shown_whole_inside_its_box(brand_kit, rep):
    chart = _image((1200, 800), CHART, collection=collection("Illustrations"), alt_text="Bar chart")
    template = make_template(fields=changed_fields({"side_image": {"lock_mode": "locked", "default_image": chart}}))

    drawn = _drawn(_pdf(template, rep), CHART)

    assert len(drawn) == 1
    assert drawn[0]["ratio"] == pytest.approx(1.5, rel=0.01)
    # The proof column is 81 mm wide and the figure 60 mm tall: the whole chart fits inside it,
    # where `cover` drew it 90 mm wide and cut its sides off.
    assert drawn[0]["width"] <= 81.5
    assert drawn[0]["height"] <= 60.2
    assert drawn[0]["left"] >= 210 - 14 - 81.5


def test_a_chart_slot_is_contained_and_a_photo_slot_cropped(brand_kit, rep):
    chart = _image((1200, 800), CHART, collection=collection("Illustrations"))
    template = make_template(fields=changed_fields({"side_image": {"lock_mode": "locked", "default_image": chart}}))

    html = render_collateral_html(
        template=template.live_revision.as_object(), values={}, token_context=TokenContext(user=rep)
    )

    assert re.search(r'<img class="img-box img-contain" src="[^"]*/original_images/picture[^"]*" alt="Image', html)
    assert html.count("img-box img-cover") == 1  # the hero photo


def _hero_style(template, rep) -> str:
    html = render_collateral_html(
        template=template.live_revision.as_object(), values={}, token_context=TokenContext(user=rep)
    )
    match = re.search(r'<img class="img-box img-cover"[^>]* style="([^"]*)"', html)
    assert match
    return match.group(1)


def test_a_photo_is_cropped_around_the_focal_point_the_brand_manager_set(brand_kit, rep):
    photo = _image((2000, 1000), PHOTO, collection=collection("Hero images"))
    photo.focal_point_x, photo.focal_point_y, photo.focal_point_width, photo.focal_point_height = 500, 800, 200, 100
    photo.save()
    template = make_template(fields=default_fields(hero_image=photo))

    assert _hero_style(template, rep) == "object-position: 25.00% 80.00%"


def test_a_photo_without_a_focal_point_is_cropped_around_its_centre(brand_kit, rep):
    photo = _image((2000, 1000), PHOTO, collection=collection("Hero images"))
    template = make_template(fields=default_fields(hero_image=photo))

    assert _hero_style(template, rep) == "object-position: 50.00% 50.00%"


def test_the_focal_point_moves_the_photo_in_the_pdf(brand_kit, rep):
    photo = _image((2000, 500), PHOTO, collection=collection("Hero images"))
    template = make_template(fields=default_fields(hero_image=photo))
    centred = _drawn(_pdf(template, rep), PHOTO)[0]
    photo.focal_point_x, photo.focal_point_y, photo.focal_point_width, photo.focal_point_height = 1900, 250, 100, 100
    photo.save()

    right = _drawn(_pdf(template, rep), PHOTO)[0]

    # Cropped at its right-hand end: drawn further left than the centred crop, same size.
    assert right["width"] == pytest.approx(centred["width"], abs=0.1)
    assert right["left"] < centred["left"] - 20


# Alternative text in the tagged PDF --------------------------------------------------------------


def _without_alt(pdf: bytes) -> list:
    return [f for f in pdfread.structure_elements(pdf, "/Figure") if "/Alt" not in f and "/ActualText" not in f]


def test_every_figure_in_the_cobranded_one_pager_has_alternative_text(brand_kit):
    _host_logo(brand_kit, "wide")
    chart = _image((1200, 800), CHART, collection=collection("Illustrations"), alt_text="Win rate by quarter")
    template = _cobranded_onepager(side_image={"lock_mode": "locked", "default_image": chart})

    pdf = _pdf(template, _partner("square"))

    figures = pdfread.structure_elements(pdf, "/Figure")
    assert len(figures) == 5  # two host logos, the hero, the chart, the partner's logo
    assert _without_alt(pdf) == []
    alts = {str(figure["/Alt"]) for figure in figures}
    assert {"Example Corp", "Win rate by quarter", "Brightpath Partners"} <= alts


def _brochure(cover, chapter_images) -> CollateralTemplate:
    fields = [
        {"key": "title", "label": "Title", "slot": "title", "lock_mode": "locked", "default_text": "Annual review"},
        {"key": "cover_image", "label": "Cover", "slot": "cover_image", "lock_mode": "locked", "default_image": cover},
        {
            "key": "closing_heading",
            "label": "Closing",
            "slot": "closing_heading",
            "lock_mode": "locked",
            "default_text": "Talk to us",
        },
    ]
    for number, image in enumerate(chapter_images, start=1):
        fields += [
            {
                "key": f"c{number}_title",
                "label": f"Chapter {number}",
                "slot": "chapter_title",
                "section": number,
                "lock_mode": "locked",
                "default_text": f"Chapter {number}",
            },
            {
                "key": f"c{number}_image",
                "label": f"Image {number}",
                "slot": "chapter_image",
                "section": number,
                "lock_mode": "locked",
                "default_image": image,
            },
        ]
    return _on_layout("brochure", fields)


def test_every_figure_in_the_brochure_has_alternative_text_and_its_closing_image_is_decoration(brand_kit, rep):
    _host_logo(brand_kit, "square")
    cover = _image((2000, 900), PHOTO, alt_text="Harbour at dusk")
    chart = _image((1200, 800), CHART, alt_text="Win rate by quarter")
    template = _brochure(cover, [cover, chart])

    pdf = _pdf(template, rep)

    assert _without_alt(pdf) == []
    pages = len(pdfread.reader(pdf).pages)
    # The closing page repeats the cover photo as a bookend: drawn, but as an artifact, not a figure.
    assert [placed for placed in _drawn(pdf, PHOTO) if placed["page"] == pages - 1]
    alts = [str(figure["/Alt"]) for figure in pdfread.structure_elements(pdf, "/Figure")]
    assert sorted(alts) == sorted(
        ["Harbour at dusk", "Example Corp", "Harbour at dusk", "Win rate by quarter", "Example Corp"]
    )


def test_brochure_chapter_figures_are_shown_whole(brand_kit, rep):
    cover = _image((2000, 900), PHOTO)
    chart = _image((1200, 800), CHART)

    drawn = _drawn(_pdf(_brochure(cover, [chart]), rep), CHART)

    assert len(drawn) == 1
    assert drawn[0]["ratio"] == pytest.approx(1.5, rel=0.01)
    # The figure is 178 x 114 mm: `cover` drew the chart 119 mm tall and cut off its top and bottom.
    assert drawn[0]["height"] <= 114.2
    assert drawn[0]["left"] >= 15.5
    assert drawn[0]["left"] + drawn[0]["width"] <= 210 - 15.5


def test_an_image_without_alt_text_is_described_by_its_title(brand_kit, rep):
    photo = _image((2000, 1000), PHOTO, collection=collection("Hero images"), title="Harbour", alt_text="")
    template = make_template(fields=default_fields(hero_image=photo))

    pdf = _pdf(template, rep)

    assert "Harbour" in {str(figure.get("/Alt")) for figure in pdfread.structure_elements(pdf, "/Figure")}
    assert _without_alt(pdf) == []


def test_a_brand_kit_without_logos_still_tags_every_figure(brand_kit, rep):
    assert BrandKit.load().primary_logo is None

    pdf = _pdf(make_template(), rep)

    assert _without_alt(pdf) == []
