"""The only way a render reaches a file: the project's own static and media files.

Every URL WeasyPrint wants (stylesheets, fonts, images, SVG references, attachments)
comes through `ProjectFilesFetcher.fetch`. It serves paths under the asset origin's
/static/ and /media/ prefixes from inside their roots, small data: URLs, and nothing
else. A refused URL is refused before any I/O: no socket is opened, no file outside
the roots is touched.
"""

import base64
import logging
import mimetypes
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage

from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

ASSET_ORIGIN = "https://assets.lastmile.invalid"
STATIC_PREFIX = f"{ASSET_ORIGIN}/static/"
MEDIA_PREFIX = f"{ASSET_ORIGIN}/media/"
MAX_ASSET_BYTES = 40 * 1024 * 1024


class FetchRefusedError(ValueError):
    """A URL outside the project's own files; WeasyPrint logs it and renders without it."""


def _safe_relative(path: str) -> str:
    """Decode and check a URL path so it cannot climb out of its root."""
    decoded = unquote(path)
    if "\x00" in decoded or "\\" in decoded or decoded.startswith("/"):
        raise FetchRefusedError(f"Refused asset path {path!r}")
    parts = decoded.split("/")
    if any(part in ("", ".", "..") for part in parts):
        raise FetchRefusedError(f"Refused asset path {path!r}")
    return decoded


def _inside(root: Path, candidate: Path) -> bool:
    try:
        candidate.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True


def _static_file(relative: str) -> Path:
    root = Path(settings.STATIC_ROOT)
    candidate = root / relative
    if candidate.is_file() and _inside(root, candidate):
        return candidate
    found = finders.find(relative)
    if found:
        found_path = Path(found)
        # finders search the apps' static folders; the found file must really be under one.
        if found_path.is_file() and any(_inside(Path(location), found_path) for location in _static_locations()):
            return found_path
    raise FetchRefusedError(f"No static file {relative!r}")


def _check_media_path(name: str) -> None:
    """On local storage the file must really be under its root (MEDIA_ROOT, or the private root for
    the uploads brand.storage keeps there): a symlink must not lead out of it. (Django's storage
    checks the path's text only, not where its symlinks point.)"""
    location_for = getattr(default_storage, "location_for", None)
    location = location_for(name) if location_for else getattr(default_storage, "location", None)
    if location is None:
        return
    try:
        local = Path(default_storage.path(name))
    except NotImplementedError:
        return
    except SuspiciousFileOperation as exc:
        raise FetchRefusedError(f"Refused media path {name!r}") from exc
    if not _inside(Path(location), local):
        raise FetchRefusedError(f"Media path {name!r} leads outside the media root")


@lru_cache(maxsize=1)
def _static_locations() -> tuple[str, ...]:
    locations = []
    for finder in finders.get_finders():
        for _, storage in finder.list([]):
            location = getattr(storage, "location", None)
            if location:
                locations.append(location)
    return tuple(locations)


class ProjectFilesFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that fails closed. `attempts` records every URL asked for."""

    def __init__(self, *, max_data_url_bytes: int | None = None):
        super().__init__(allowed_protocols=("https", "data"), allow_redirects=False, timeout=1)
        self.max_data_url_bytes = max_data_url_bytes or settings.LASTMILE_MAX_DATA_URL_BYTES
        self.attempts: list[str] = []
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        self.attempts.append(url[:200])
        try:
            return self._fetch(url)
        except FetchRefusedError:
            self.refused.append(url[:200])
            logger.warning("Render refused to fetch %s", url[:200])
            raise

    def _fetch(self, url: str) -> URLFetcherResponse:
        if url.startswith("data:"):
            return self._data_url(url)
        if url.startswith(STATIC_PREFIX):
            path = _static_file(_safe_relative(urlsplit(url).path.removeprefix("/static/")))
            return self._response(url, path.read_bytes(), path.name)
        if url.startswith(MEDIA_PREFIX):
            name = _safe_relative(urlsplit(url).path.removeprefix("/media/"))
            _check_media_path(name)
            try:
                if default_storage.size(name) > MAX_ASSET_BYTES:
                    raise FetchRefusedError(f"Media file too large: {name!r}")
                with default_storage.open(name, "rb") as handle:
                    return self._response(url, handle.read(), name)
            except (SuspiciousFileOperation, FileNotFoundError, OSError) as exc:
                raise FetchRefusedError(f"No media file {name!r}") from exc
        raise FetchRefusedError(f"Refused URL {url[:200]!r}")

    def _data_url(self, url: str) -> URLFetcherResponse:
        if len(url) > self.max_data_url_bytes:
            raise FetchRefusedError(f"data: URL of {len(url)} bytes is over the limit")
        header, _, payload = url[5:].partition(",")
        mime = header.split(";")[0] or "text/plain"
        body = base64.b64decode(payload, validate=False) if header.endswith(";base64") else unquote(payload).encode()
        return URLFetcherResponse(url, body, {"Content-Type": mime})

    @staticmethod
    def _response(url: str, body: bytes, name: str) -> URLFetcherResponse:
        mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
        if name.endswith((".woff2",)):
            mime = "font/woff2"
        return URLFetcherResponse(url, body, {"Content-Type": mime})
