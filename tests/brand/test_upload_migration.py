"""Migration brand.0006 moves uploads and partner logos stored before they were private to random
names under the private prefix (outside MEDIA_ROOT) and deletes their renditions; migrating back
moves them into MEDIA_ROOT again, where the code before it reads them. Library images stay put."""

import io
import re
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.images import ImageFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from wagtail.images import get_image_model

import pytest

from brand.models import UploadReview
from brand.services import user_image_upload

from ..factories.accounts import UserFactory
from ..factories.brand import ImageFactory, png_bytes

# Migrations cannot run inside the test transaction; serialized_rollback restores the migrated data
# for the transactional tests that follow.
pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

BrandImage = get_image_model()
SPEC = "fill-20x20"
PRIVATE_UPLOAD = re.compile(r"private/uploads/[0-9a-f]{32}\.png")


@pytest.fixture
def migrates_back_to_head():
    yield
    call_command("migrate", verbosity=0)
    # As in test_document_rename_migration: warm ContentType's cache before the rollback restores rows.
    for model in apps.get_models():
        ContentType.objects.get_for_model(model, for_concrete_model=False)
        ContentType.objects.get_for_model(model)


def _public_file(name: str) -> Path:
    return Path(settings.MEDIA_ROOT) / name


def _stored_upload(user, filename: str, review_state: str):
    """An upload as the code before 0006 stored it: under its own name in original_images/, with a
    rendition in images/ (Wagtail's cached copy included)."""
    image = ImageFactory(
        title=filename, file=ImageFile(io.BytesIO(png_bytes(31, 17)), name=filename), uploaded_by_user=user
    )
    image.get_rendition(SPEC)
    BrandImage.objects.filter(pk=image.pk).update(review_state=review_state)
    image.refresh_from_db()
    return image


def test_existing_uploads_and_logos_move_to_random_private_names(migrates_back_to_head):
    call_command("migrate", "brand", "0005", verbosity=0)
    user = UserFactory()
    uploads = [
        _stored_upload(user, "Alice on holiday.png", UploadReview.PENDING),
        _stored_upload(user, "acme-logo.png", UploadReview.APPROVED),
    ]
    library = ImageFactory(file=ImageFile(io.BytesIO(png_bytes()), name="brand-hero.png"))
    library_rendition = library.get_rendition(SPEC)
    before = {image.pk: (image.file.name, image.renditions.get().file.name) for image in uploads}

    call_command("migrate", "brand", verbosity=0)

    for image in uploads:
        image.refresh_from_db()
        old_name, old_rendition = before[image.pk]
        assert PRIVATE_UPLOAD.fullmatch(image.file.name)
        with image.open_file() as handle:
            assert handle.read() == png_bytes(31, 17)
        assert not _public_file(old_name).exists()
        assert not _public_file(old_rendition).exists()
        assert not image.renditions.exists()
        assert image.get_rendition(SPEC).file.name.startswith("private/renditions/")
    library.refresh_from_db()
    assert library.file.name == "original_images/brand-hero.png"
    assert list(library.renditions.all()) == [library_rendition]


def test_migrating_back_puts_uploads_in_the_media_root_under_their_random_names(migrates_back_to_head):
    image = user_image_upload(user=UserFactory(), file=SimpleUploadedFile("me.png", png_bytes(), "image/png"))
    image.get_rendition(SPEC)
    random_name = Path(image.file.name).name
    with image.open_file() as handle:
        content = handle.read()

    call_command("migrate", "brand", "0005", verbosity=0)

    image.refresh_from_db()
    assert image.file.name == f"original_images/{random_name}"
    assert _public_file(image.file.name).read_bytes() == content
    assert not image.renditions.exists()
