"""brand.storage: users' uploads and partner logos get random names chosen by the server and live,
with their renditions, outside MEDIA_ROOT (SECURITY.md S24); brand library images stay public."""

import re
from pathlib import Path

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

import pytest

from brand.services import user_image_upload

from ..factories.brand import ImageFactory, png_bytes

THUMBNAIL = "fill-240x160"


def _png(name: str = "Holiday in Lisbon.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def test_an_upload_is_stored_under_a_random_name_chosen_by_the_server(rep):
    image = user_image_upload(user=rep, file=_png("Holiday in Lisbon.png"))

    assert re.fullmatch(r"private/uploads/[0-9a-f]{32}\.png", image.file.name)
    assert "lisbon" not in image.file.name.lower()
    assert image.title == "Holiday in Lisbon"


def test_two_uploads_of_the_same_file_name_get_different_names(rep):
    first = user_image_upload(user=rep, file=_png("logo.png"))
    second = user_image_upload(user=rep, file=_png("logo.png"))

    assert first.file.name != second.file.name


def test_an_uploads_file_and_renditions_live_outside_the_media_root(rep):
    image = user_image_upload(user=rep, file=_png())
    rendition = image.get_rendition(THUMBNAIL)

    private_root = Path(settings.LASTMILE_PRIVATE_MEDIA_ROOT).resolve()
    for name in (image.file.name, rendition.file.name):
        stored = Path(image.file.storage.path(name)).resolve()
        assert stored.is_file()
        assert private_root in stored.parents
        assert Path(settings.MEDIA_ROOT).resolve() not in stored.parents
    assert rendition.file.name.startswith("private/renditions/")


def test_a_brand_library_image_stays_public(db):
    image = ImageFactory()

    assert image.file.name.startswith("original_images/")
    assert image.file.url.startswith(settings.MEDIA_URL)
    assert image.get_rendition(THUMBNAIL).url.startswith(f"{settings.MEDIA_URL}images/")


def test_a_private_url_is_never_under_the_media_url():
    assert default_storage.url("private/uploads/a.png") == "/private-media/uploads/a.png"
    assert default_storage.url("images/../private/uploads/a.png") == "/private-media/uploads/a.png"


@pytest.mark.parametrize(
    "name", ["private/../../etc/passwd", "private/uploads/../../../etc/passwd", "private//../../etc/passwd"]
)
def test_a_private_name_cannot_climb_out_of_the_private_root(name):
    with pytest.raises(SuspiciousFileOperation):
        default_storage.path(name)
