import io

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from wagtail.images import get_image_model

import pytest
from PIL import Image

from brand.services import user_image_upload
from templates_lib.services.validation import document_values_clean
from templates_lib.tokens import TokenContext

from ..factories.accounts import UserFactory
from ..factories.brand import png_bytes
from ..factories.templates_lib import changed_fields, make_template


def _jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (64, 48), (200, 40, 40))
    exif = Image.Exif()
    exif[0x013B] = "Secret Photographer"  # Artist
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_an_upload_is_stored_in_the_uploads_collection_owned_by_the_user(rep):
    image = user_image_upload(user=rep, file=SimpleUploadedFile("team.png", png_bytes(), "image/png"))

    assert image.collection.name == "User uploads"
    assert image.uploaded_by_user == rep
    assert (image.width, image.height) == (40, 30)


def test_an_upload_loses_its_metadata(rep):
    image = user_image_upload(user=rep, file=SimpleUploadedFile("me.jpg", _jpeg_with_exif(), "image/jpeg"))

    with image.open_file() as handle, Image.open(handle) as stored:
        assert not stored.getexif()


def test_a_file_that_is_not_an_image_is_refused_and_nothing_is_stored(rep):
    with pytest.raises(ValidationError):
        user_image_upload(user=rep, file=SimpleUploadedFile("logo.png", b"%!PS-Adobe-3.0 EPSF-3.0\n", "image/png"))

    assert not get_image_model().objects.exists()


@pytest.fixture
def upload_template(db, brand_kit):
    return make_template(fields=changed_fields({"side_image": {"allow_upload": True}}))


def test_an_image_field_that_allows_uploads_accepts_the_users_own_upload(upload_template, rep):
    image = user_image_upload(user=rep, file=SimpleUploadedFile("me.png", png_bytes(), "image/png"))

    result = document_values_clean(
        template=upload_template.live_revision.as_object(),
        submitted={"side_image": image.pk},
        token_context=TokenContext(user=rep),
        check_fit=False,
    )

    assert result.values["side_image"] == image.pk


def test_another_users_upload_is_refused(upload_template, rep):
    theirs = user_image_upload(user=UserFactory(), file=SimpleUploadedFile("x.png", png_bytes(), "image/png"))

    result = document_values_clean(
        template=upload_template.live_revision.as_object(),
        submitted={"side_image": theirs.pk},
        token_context=TokenContext(user=rep),
        check_fit=False,
    )

    assert "side_image" in result.errors


def test_uploads_are_refused_where_the_field_does_not_allow_them(onepager, rep):
    mine = user_image_upload(user=rep, file=SimpleUploadedFile("me.png", png_bytes(), "image/png"))

    result = document_values_clean(
        template=onepager.live_revision.as_object(),
        submitted={"side_image": mine.pk},
        token_context=TokenContext(user=rep),
        check_fit=False,
    )

    assert "side_image" in result.errors
