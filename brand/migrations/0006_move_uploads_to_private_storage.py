"""Uploads and partner logos stored before they were private move to a random name under the
private prefix (brand.storage: outside MEDIA_ROOT), and their renditions are deleted: Wagtail
makes them again on first use, under the private prefix.

Reverse: the files move back into MEDIA_ROOT (`original_images/<the random name>`), where the
code before this change reads them; their renditions are deleted again. The names stay random,
but the files are public again, so only reverse together with the code."""

import posixpath
import secrets

from django.core.cache import InvalidCacheBackendError, caches
from django.core.files.storage import default_storage
from django.db import DatabaseError, migrations, transaction

PRIVATE_PREFIX = "private/"
IMAGE_EXTENSIONS = {".png", ".jpg", ".jpeg", ".webp", ".gif", ".avif"}


def _extension(name):
    extension = posixpath.splitext(name)[1].lower()
    return extension if extension in IMAGE_EXTENSIONS else ""


def _move(old_name, new_name):
    """Copy the file to `new_name` and delete the old one; the stored name, or None when the
    file is missing (the row is then left alone: there is nothing to expose or to move)."""
    try:
        with default_storage.open(old_name, "rb") as source:
            stored = default_storage.save(new_name, source)
    except FileNotFoundError:
        return None
    default_storage.delete(old_name)
    return stored


def _forget_renditions(image, Rendition):
    """Delete an image's renditions, their files and Wagtail's cached copies (which would still
    point at the deleted files for the cache's timeout)."""
    renditions = list(Rendition.objects.filter(image_id=image.pk))
    for rendition in renditions:
        default_storage.delete(rendition.file.name)
    try:
        cache = caches["renditions"]
    except InvalidCacheBackendError:
        cache = caches["default"]
    keys = [
        "wagtail-rendition-" + "-".join([str(image.pk), image.file_hash, r.focal_point_key, r.filter_spec])
        for r in renditions
    ]
    try:
        with transaction.atomic():  # a savepoint: a missing cache table must not abort the migration
            cache.delete_many(keys)
    except DatabaseError:
        pass
    Rendition.objects.filter(image_id=image.pk).delete()


def _uploads(apps):
    return apps.get_model("brand", "BrandImage").objects.exclude(review_state="")


def make_uploads_private(apps, schema_editor):
    Rendition = apps.get_model("brand", "BrandRendition")
    for image in list(_uploads(apps).exclude(file__startswith=PRIVATE_PREFIX)):
        _forget_renditions(image, Rendition)
        new_name = f"{PRIVATE_PREFIX}uploads/{secrets.token_hex(16)}{_extension(image.file.name)}"
        stored = _move(image.file.name, new_name)
        if stored is not None:
            type(image).objects.filter(pk=image.pk).update(file=stored)


def make_uploads_public(apps, schema_editor):
    Rendition = apps.get_model("brand", "BrandRendition")
    for image in list(_uploads(apps).filter(file__startswith=PRIVATE_PREFIX)):
        _forget_renditions(image, Rendition)
        stored = _move(image.file.name, f"original_images/{posixpath.basename(image.file.name)}")
        if stored is not None:
            type(image).objects.filter(pk=image.pk).update(file=stored)


class Migration(migrations.Migration):
    dependencies = [
        ("brand", "0005_index_image_files"),
    ]

    operations = [
        migrations.RunPython(make_uploads_private, make_uploads_public),
    ]
