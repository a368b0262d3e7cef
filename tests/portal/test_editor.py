import io
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from wagtail.images import get_image_model

import pytest
from PIL import Image

from approvals.services import document_create
from templates_lib.models import CollateralDocument

from ..factories.accounts import UserFactory
from ..factories.brand import png_bytes
from ..factories.templates_lib import HEADLINE, changed_fields, make_template, publish_change


def _form(**values):
    data = {
        "title": "For Fjord Maritime",
        "eyebrow": "For sales teams",
        "subheadline": "Hello Fjord",
        "body": "<p>Our story.</p>",
        "benefits": "Faster\nSafer",
    }
    data.update(values)
    return data


@pytest.fixture
def upload_template(db, brand_kit):
    return make_template(title="Uploadable", fields=changed_fields({"side_image": {"allow_upload": True}}))


def test_the_editor_shows_editable_token_and_locked_fields(rep_client, onepager, rep):
    response = rep_client.get(reverse("portal:template-personalise", args=[onepager.public_id]))

    assert response.status_code == 200
    assert 'name="subheadline"' in response.text
    assert "<span data-count>25</span> / 80 characters" in response.text
    assert "Locked" in response.text
    assert rep.email in response.text  # the contact token, shown read-only
    assert 'name="headline"' not in response.text


def test_saving_creates_a_document_pinned_to_the_live_revision(rep_client, onepager, rep):
    response = rep_client.post(reverse("portal:template-personalise", args=[onepager.public_id]), _form())

    document = CollateralDocument.objects.get(owner=rep)
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:document-edit", args=[document.public_id])
    assert document.template_revision_id == onepager.live_revision_id
    assert document.values["subheadline"] == "Hello Fjord"
    assert document.title == "For Fjord Maritime"


def test_a_crafted_value_for_a_locked_field_is_ignored(rep_client, onepager, rep):
    rep_client.post(reverse("portal:template-personalise", args=[onepager.public_id]), _form(headline="50% off"))

    document = CollateralDocument.objects.get(owner=rep)
    assert "headline" not in document.values


def test_an_over_limit_value_is_refused_with_everything_typed_kept(rep_client, onepager, rep):
    response = rep_client.post(
        reverse("portal:template-personalise", args=[onepager.public_id]),
        _form(subheadline="x" * 81, benefits="Kept bullet one\nKept bullet two", title="Kept title"),
    )

    assert response.status_code == 422
    assert "Subheadline is 81 characters; the limit is 80." in response.text
    assert "x" * 81 in response.text
    assert "Kept bullet one" in response.text
    assert "Kept title" in response.text
    assert not CollateralDocument.objects.filter(owner=rep).exists()


def test_a_choice_outside_the_variants_is_refused(rep_client, onepager, rep):
    response = rep_client.post(
        reverse("portal:template-personalise", args=[onepager.public_id]), _form(eyebrow="Free stuff")
    )

    assert response.status_code == 422
    assert "Choose one of the approved options for Eyebrow." in response.text


def test_an_empty_document_name_is_refused(rep_client, onepager, rep):
    response = rep_client.post(reverse("portal:template-personalise", args=[onepager.public_id]), _form(title=""))

    assert response.status_code == 422
    assert "Give the document a name." in response.text


def test_editing_another_users_document_is_not_found(client, onepager, rep):
    document = document_create(template=onepager, owner=rep, values={}, check_fit=False)
    client.force_login(UserFactory(username="mallory"))

    for method, name in (
        ("get", "document-edit"),
        ("post", "document-edit"),
        ("post", "document-preview"),
        ("get", "document-pdf"),
        ("get", "document-png"),
        ("get", "document-download"),
        ("post", "document-rename"),
        ("post", "document-duplicate"),
        ("post", "document-delete"),
    ):
        response = getattr(client, method)(reverse(f"portal:{name}", args=[document.public_id]), {"title": "x"})
        assert response.status_code == 404, name

    document.refresh_from_db()
    assert document.deleted_at is None
    assert document.title != "x"


def test_the_live_preview_renders_what_was_typed_escaped(rep_client, onepager):
    response = rep_client.post(
        reverse("portal:template-preview", args=[onepager.public_id]), _form(subheadline="<b>Hi</b> Fjord")
    )

    assert response.status_code == 200
    assert "<textarea data-preview-html hidden>" in response.text
    assert "&amp;lt;b&amp;gt;Hi&amp;lt;/b&amp;gt; Fjord" in response.text
    assert HEADLINE in response.text


def test_the_live_preview_reports_limit_errors_inline(rep_client, onepager):
    response = rep_client.post(
        reverse("portal:template-preview", args=[onepager.public_id]), _form(subheadline="y" * 90)
    )

    assert 'id="errors-subheadline"' in response.text
    assert "Subheadline is 90 characters; the limit is 80." in response.text


@pytest.mark.slow
def test_the_copyfit_check_reports_overflow_while_typing(rep_client, db, brand_kit):
    template = make_template(fields=changed_fields({"subheadline": {"max_chars": 400, "max_lines": None}}))

    response = rep_client.post(
        reverse("portal:template-preview", args=[template.public_id]) + "?fit=1", _form(subheadline="word " * 80)
    )

    assert 'id="fit-subheadline"' in response.text
    assert "Too long for this space by about" in response.text


def test_an_uploaded_image_becomes_the_fields_value(rep_client, upload_template, rep):
    upload = SimpleUploadedFile("team.png", png_bytes(), content_type="image/png")

    rep_client.post(
        reverse("portal:template-personalise", args=[upload_template.public_id]), _form(side_image__upload=upload)
    )

    document = CollateralDocument.objects.get(owner=rep)
    image = get_image_model().objects.get(pk=document.values["side_image"])
    assert image.uploaded_by_user == rep
    assert image.collection.name == "User uploads"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.png", b"this is not an image at all", "This file is not a PNG, JPEG, WebP or GIF image."),
        (
            "logo.png",
            b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n",
            "This file is not a PNG, JPEG, WebP or GIF image.",
        ),
    ],
)
def test_a_bad_upload_is_refused_with_a_clear_error_and_nothing_stored(
    rep_client, upload_template, rep, name, content, message
):
    response = rep_client.post(
        reverse("portal:template-personalise", args=[upload_template.public_id]),
        _form(side_image__upload=SimpleUploadedFile(name, content, content_type="image/png")),
    )

    assert response.status_code == 422
    assert message in response.text
    assert not get_image_model().objects.filter(uploaded_by_user=rep).exists()
    assert not CollateralDocument.objects.filter(owner=rep).exists()


def test_a_too_large_upload_is_refused(rep_client, upload_template, rep, settings):
    settings.LASTMILE_MAX_UPLOAD_IMAGE_BYTES = 1000
    out = io.BytesIO()
    Image.effect_noise((200, 200), 80).convert("RGB").save(out, format="PNG")

    response = rep_client.post(
        reverse("portal:template-personalise", args=[upload_template.public_id]),
        _form(side_image__upload=SimpleUploadedFile("big.png", out.getvalue(), content_type="image/png")),
    )

    assert response.status_code == 422
    assert "larger than" in response.text
    assert not get_image_model().objects.filter(uploaded_by_user=rep).exists()


def test_a_decompression_bomb_is_refused(rep_client, upload_template, rep):
    import struct
    import zlib

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    bomb = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 20000, 20000, 1, 0, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(b"\x00" * 100))
        + chunk(b"IEND", b"")
    )

    response = rep_client.post(
        reverse("portal:template-personalise", args=[upload_template.public_id]),
        _form(side_image__upload=SimpleUploadedFile("bomb.png", bomb, content_type="image/png")),
    )

    assert response.status_code == 422
    assert "megapixels" in response.text or "too large" in response.text
    assert not get_image_model().objects.filter(uploaded_by_user=rep).exists()


def test_uploading_where_the_field_does_not_allow_it_is_refused(rep_client, onepager, rep):
    response = rep_client.post(
        reverse("portal:template-personalise", args=[onepager.public_id]),
        _form(side_image__upload=SimpleUploadedFile("x.png", png_bytes(), content_type="image/png")),
    )

    assert response.status_code == 422
    assert "This image cannot be replaced by an upload." in response.text


def test_editing_an_existing_document_updates_it(rep_client, onepager, rep):
    document = document_create(template=onepager, owner=rep, values={}, check_fit=False)

    response = rep_client.post(reverse("portal:document-edit", args=[document.public_id]), _form(subheadline="Changed"))

    document.refresh_from_db()
    assert response.status_code == 302
    assert document.values["subheadline"] == "Changed"


def test_a_document_from_an_older_revision_says_a_newer_version_exists(rep_client, onepager, rep):
    document = document_create(template=onepager, owner=rep, values={}, check_fit=False)
    publish_change(onepager, headline="A new headline.")

    response = rep_client.get(reverse("portal:document-edit", args=[document.public_id]))

    assert "A newer version of" in response.text
    assert HEADLINE in rep_client.post(reverse("portal:document-preview", args=[document.public_id]), _form()).text


def test_the_live_preview_outlines_locked_text(rep_client, onepager):
    response = rep_client.post(reverse("portal:template-preview", args=[onepager.public_id]), _form())

    outlined = re.search(r"\{ ((?:\[data-fit=&quot;\w+&quot;\](?:, )?)+) \{ outline: 1\.5px dashed", response.text)
    assert outlined is not None
    assert set(re.findall(r"data-fit=&quot;(\w+)&quot;", outlined.group(1))) == {"headline", "stat_value", "stat_label"}


def test_a_document_name_with_line_breaks_is_stored_on_one_line(rep_client, onepager, rep):
    title = 'Q3 Promo"\r\nContent-Type: text/html'

    rep_client.post(reverse("portal:template-personalise", args=[onepager.public_id]), _form(title=title))

    assert CollateralDocument.objects.get(owner=rep).title == 'Q3 Promo" Content-Type: text/html'


def test_a_document_name_of_control_characters_only_is_no_name(rep_client, onepager, rep):
    response = rep_client.post(
        reverse("portal:template-personalise", args=[onepager.public_id]), _form(title="\x1b\x07\u2028")
    )

    assert response.status_code == 422
    assert "Give the document a name." in response.text
    assert not CollateralDocument.objects.filter(owner=rep).exists()


def test_a_rejected_save_keeps_a_chosen_variant_with_a_line_break_selected(rep_client, db, brand_kit):
    template = make_template(
        title="Two-line eyebrow",
        fields=changed_fields({"eyebrow": {"variants": "Revenue intelligence\nfor sales\n\nFor partners"}}),
    )

    response = rep_client.post(
        reverse("portal:template-personalise", args=[template.public_id]),
        _form(eyebrow="Revenue intelligence\r\nfor sales", subheadline="x" * 500),
    )

    assert response.status_code == 422
    assert re.search(r'<input[^>]*value="Revenue intelligence\nfor sales"[^>]*checked', response.text)
