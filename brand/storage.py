"""Where uploaded files live: public brand assets under MEDIA_ROOT, users' uploads somewhere else.

Names under `private/` (users' uploads and partner logos, and their renditions) are stored in
LASTMILE_PRIVATE_MEDIA_ROOT, a folder outside MEDIA_ROOT, so a web server that serves MEDIA_ROOT
(the proxy in production, Django's static view in development) cannot reach them however it is
configured. Their URL is LASTMILE_PRIVATE_MEDIA_URL, answered by a view that checks who asks
(`portal.views.uploads`). Every other name behaves exactly as with FileSystemStorage.
Paths are checked as Django checks them (`safe_join`), each against its own root.
"""

import posixpath
import secrets

from django.conf import settings
from django.core.files.storage import FileSystemStorage

PRIVATE_PREFIX = "private/"
PRIVATE_UPLOADS = f"{PRIVATE_PREFIX}uploads/"
PRIVATE_RENDITIONS = f"{PRIVATE_PREFIX}renditions/"
# Uploads are re-encoded to one of these (brand.uploads.CleanImage); renditions add GIF and AVIF.
IMAGE_EXTENSIONS = {".png", ".jpg", ".jpeg", ".webp", ".gif", ".avif"}


def private_part(name: str) -> str | None:
    """The part of a storage name after `private/`, or None for a public name. Names are
    normalised first, so `images/../private/x` is private too (and lands in the private root)."""
    normalised = posixpath.normpath(str(name).replace("\\", "/"))
    if normalised == PRIVATE_PREFIX.rstrip("/"):
        return ""
    if normalised.startswith(PRIVATE_PREFIX):
        return normalised.removeprefix(PRIVATE_PREFIX)
    return None


def is_private_name(name: str) -> bool:
    return private_part(name) is not None


def private_upload_name(filename: str) -> str:
    """A new storage name for an upload: random, chosen here, never derived from what the client
    called the file. Only a known image extension is kept (lower case)."""
    extension = posixpath.splitext(filename)[1].lower()
    return f"{PRIVATE_UPLOADS}{secrets.token_hex(16)}{extension if extension in IMAGE_EXTENSIONS else ''}"


class MediaStorage(FileSystemStorage):
    """FileSystemStorage on MEDIA_ROOT, except names under `private/`, which are handed to a
    FileSystemStorage on LASTMILE_PRIVATE_MEDIA_ROOT (without the prefix) and addressed by
    LASTMILE_PRIVATE_MEDIA_URL."""

    def private_storage(self) -> FileSystemStorage:
        # Made on each use (it does no I/O), so it follows the settings tests override.
        return FileSystemStorage(
            location=settings.LASTMILE_PRIVATE_MEDIA_ROOT,
            base_url=settings.LASTMILE_PRIVATE_MEDIA_URL,
            file_permissions_mode=self.file_permissions_mode,
            directory_permissions_mode=self.directory_permissions_mode,
        )

    def location_for(self, name: str) -> str:
        """The root a name is stored under (the URL fetcher checks files really are inside it)."""
        return self.private_storage().location if is_private_name(name) else self.location

    def path(self, name: str) -> str:
        rest = private_part(name)
        return super().path(name) if rest is None else self.private_storage().path(rest)

    def url(self, name: str) -> str:
        rest = private_part(name)
        return super().url(name) if rest is None else self.private_storage().url(rest)

    def _open(self, name: str, mode: str = "rb"):
        rest = private_part(name)
        return super()._open(name, mode) if rest is None else self.private_storage()._open(rest, mode)

    def _save(self, name: str, content) -> str:
        rest = private_part(name)
        return (
            super()._save(name, content)
            if rest is None
            else PRIVATE_PREFIX + self.private_storage()._save(rest, content)
        )

    def delete(self, name: str) -> None:
        rest = private_part(name)
        return super().delete(name) if rest is None else self.private_storage().delete(rest)

    def exists(self, name: str) -> bool:
        rest = private_part(name)
        return super().exists(name) if rest is None else self.private_storage().exists(rest)

    def listdir(self, path: str) -> tuple[list[str], list[str]]:
        rest = private_part(path)
        return super().listdir(path) if rest is None else self.private_storage().listdir(rest)

    def size(self, name: str) -> int:
        rest = private_part(name)
        return super().size(name) if rest is None else self.private_storage().size(rest)

    def get_accessed_time(self, name: str):
        rest = private_part(name)
        return super().get_accessed_time(name) if rest is None else self.private_storage().get_accessed_time(rest)

    def get_created_time(self, name: str):
        rest = private_part(name)
        return super().get_created_time(name) if rest is None else self.private_storage().get_created_time(rest)

    def get_modified_time(self, name: str):
        rest = private_part(name)
        return super().get_modified_time(name) if rest is None else self.private_storage().get_modified_time(rest)
