"""The renderer's only way to a file (SECURITY.md S01-S06, C.2): `ProjectFilesFetcher`.

A refused URL must be refused before any I/O. "No I/O" is proven with a Python audit hook
(`sys.addaudithook`), which sees every `open` (builtins.open, io.open, os.open, pathlib),
every `socket.getaddrinfo` and `socket.connect`, and every subprocess, wherever it is called
from; monkeypatching `builtins.open` alone would miss pathlib's `io.open` and C callers.
"""

import base64
import re
import sys
import uuid
from contextlib import contextmanager
from pathlib import Path

from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

import pytest

from brand.services import BrandSnapshot
from templates_lib import fetcher as fetcher_module
from templates_lib.fetcher import MEDIA_PREFIX, STATIC_PREFIX, FetchRefusedError, ProjectFilesFetcher
from templates_lib.rendering.engine import layout_pdf_document
from templates_lib.rendering.profile import Profile

from ..factories.brand import png_bytes

WAGTAIL_STATIC_PNG = "wagtailadmin/images/default-user-avatar.png"
SECRET = b"root:x:0:0:secret-outside-the-asset-roots\n"
IO_EVENTS = (
    "open",
    "socket.getaddrinfo",
    "socket.connect",
    "socket.gethostbyname",
    "subprocess.Popen",
    "urllib.Request",
)


class UnexpectedIO(BaseException):
    """Raised from the audit hook so a refused URL can never complete real I/O (nothing can swallow it)."""


_recorders: list[tuple[list, bool]] = []


def _audit(event, args):
    if _recorders and event in IO_EVENTS:
        seen, block = _recorders[-1]
        seen.append((event, str(args[0]) if args else ""))
        if block:
            raise UnexpectedIO(f"{event} {args[:2]!r}")


sys.addaudithook(_audit)  # inert unless a `watching_io` block is active; audit hooks cannot be removed


@contextmanager
def watching_io(*, block: bool = True):
    """Record (and by default stop) every file open, DNS lookup, socket connect and subprocess."""
    seen: list[tuple[str, str]] = []
    _recorders.append((seen, block))
    try:
        yield seen
    finally:
        _recorders.pop()


def _secret_outside(tmp_path: Path) -> Path:
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = outside / "passwd"
    secret.write_bytes(SECRET)
    return secret


REFUSED_URLS = [
    "file:///etc/passwd",
    "FILE:///etc/passwd",
    "file://localhost/proc/self/environ",
    "http://127.0.0.1:9/",
    "http://[::ffff:127.0.0.1]:9/",
    "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
    "https://example.com/x.png",
    "ftp://example.com/pub/x.png",
    "gopher://127.0.0.1:6379/_INFO",
    "javascript:alert(1)",
    "http://assets.lastmile.invalid/static/wagtailadmin/images/default-user-avatar.png",
    "https://assets.lastmile.invalid.evil.example/static/x.css",
    "https://assets.lastmile.invalid@evil.example/static/x.css",
    "https://assets.lastmile.invalid/etc/passwd",
    f"{MEDIA_PREFIX}../../../../../../etc/passwd",
    f"{MEDIA_PREFIX}images/../../../../../../etc/passwd",
    f"{MEDIA_PREFIX}%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    f"{MEDIA_PREFIX}%2E%2E%2F%2E%2E%2F%2E%2E%2F%2E%2E%2F%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
    f"{MEDIA_PREFIX}..\\..\\..\\..\\..\\..\\etc\\passwd",
    f"{MEDIA_PREFIX}..%5c..%5c..%5c..%5c..%5c..%5cetc%5cpasswd",
    f"{MEDIA_PREFIX}/etc/passwd",
    f"{MEDIA_PREFIX}%2fetc%2fpasswd",
    f"{MEDIA_PREFIX}images/logo.png%00.txt",
    f"{MEDIA_PREFIX}private/../../../../../../etc/passwd",
    f"{MEDIA_PREFIX}private/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    f"{STATIC_PREFIX}../../../../../../etc/passwd",
    f"{STATIC_PREFIX}%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    f"{STATIC_PREFIX}wagtailadmin/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    f"{STATIC_PREFIX}/etc/passwd",
    f"{STATIC_PREFIX}..\\..\\..\\etc\\passwd",
    pytest.param("data:text/plain;base64," + "A" * (10 * 1024 * 1024), id="data-url-of-10-MB"),
]


@pytest.mark.parametrize("url", REFUSED_URLS)
def test_refuses_urls_outside_the_project_files_before_any_io(url):
    fetcher = ProjectFilesFetcher()

    with watching_io() as io_seen, pytest.raises(FetchRefusedError):
        fetcher.fetch(url)

    assert io_seen == []
    assert fetcher.refused == [url[:200]]
    assert fetcher.attempts == [url[:200]]


def test_the_urllib_opener_interface_is_refused_the_same_way():
    fetcher = ProjectFilesFetcher()

    with watching_io() as io_seen, pytest.raises(FetchRefusedError):
        fetcher.open("file:///etc/passwd")

    assert io_seen == []
    assert fetcher.refused == ["file:///etc/passwd"]


def test_serves_a_media_file_with_its_bytes_and_content_type():
    content = png_bytes(12, 9)
    name = default_storage.save(f"images/logo {uuid.uuid4().hex}.png", ContentFile(content))
    fetcher = ProjectFilesFetcher()

    response = fetcher.fetch(MEDIA_PREFIX + name.replace(" ", "%20"))

    assert response.read() == content
    assert response.content_type == "image/png"
    assert fetcher.refused == []


def test_serves_a_private_upload_from_the_private_root(settings):
    content = png_bytes(7, 5)
    name = default_storage.save(f"private/uploads/{uuid.uuid4().hex}.png", ContentFile(content))
    fetcher = ProjectFilesFetcher()

    response = fetcher.fetch(MEDIA_PREFIX + name)

    assert Path(settings.LASTMILE_PRIVATE_MEDIA_ROOT).resolve() in Path(default_storage.path(name)).resolve().parents
    assert response.read() == content
    assert response.content_type == "image/png"
    assert fetcher.refused == []


def test_serves_a_static_file_that_ships_with_wagtail():
    shipped = Path(finders.find(WAGTAIL_STATIC_PNG))
    fetcher = ProjectFilesFetcher()

    response = fetcher.fetch(STATIC_PREFIX + WAGTAIL_STATIC_PNG)

    assert response.read() == shipped.read_bytes()
    assert response.content_type == "image/png"
    assert fetcher.refused == []


def test_serves_a_small_data_url_decoded():
    content = png_bytes(4, 4)
    fetcher = ProjectFilesFetcher()

    response = fetcher.fetch("data:image/png;base64," + base64.b64encode(content).decode())

    assert response.read() == content
    assert response.content_type == "image/png"


def test_refuses_a_static_root_symlink_that_points_outside_the_root(settings, tmp_path):
    secret = _secret_outside(tmp_path)
    static_root = tmp_path / "static"
    static_root.mkdir()
    (static_root / "real.css").write_text("body { color: red }")
    (static_root / "brand.css").symlink_to(secret)
    settings.STATIC_ROOT = static_root
    fetcher = ProjectFilesFetcher()

    with watching_io() as io_seen, pytest.raises(FetchRefusedError):
        fetcher.fetch(STATIC_PREFIX + "brand.css")

    assert io_seen == []
    assert fetcher.fetch(STATIC_PREFIX + "real.css").read() == b"body { color: red }"


def test_refuses_a_static_root_folder_symlink_that_points_outside_the_root(settings, tmp_path):
    secret = _secret_outside(tmp_path)
    static_root = tmp_path / "static"
    static_root.mkdir()
    (static_root / "css").symlink_to(secret.parent, target_is_directory=True)
    settings.STATIC_ROOT = static_root
    fetcher = ProjectFilesFetcher()

    with watching_io() as io_seen, pytest.raises(FetchRefusedError):
        fetcher.fetch(STATIC_PREFIX + "css/passwd")

    assert io_seen == []


@pytest.fixture
def fresh_static_locations():
    fetcher_module._static_locations.cache_clear()
    yield
    fetcher_module._static_locations.cache_clear()


def test_refuses_a_symlink_in_a_static_files_folder_that_points_outside_it(settings, tmp_path, fresh_static_locations):
    secret = _secret_outside(tmp_path)
    static_dir = tmp_path / "assets"
    static_dir.mkdir()
    (static_dir / "real.css").write_text("body { color: red }")
    (static_dir / "leak.css").symlink_to(secret)
    settings.STATICFILES_DIRS = [static_dir]
    fetcher = ProjectFilesFetcher()

    with watching_io() as io_seen, pytest.raises(FetchRefusedError):
        fetcher.fetch(STATIC_PREFIX + "leak.css")

    assert io_seen == []
    assert fetcher.fetch(STATIC_PREFIX + "real.css").read() == b"body { color: red }"


def test_refuses_a_media_symlink_that_points_outside_the_media_root(tmp_path):
    secret = _secret_outside(tmp_path)
    folder = Path(default_storage.path("images"))
    folder.mkdir(parents=True, exist_ok=True)
    name = f"leak-{uuid.uuid4().hex}.png"
    (folder / name).symlink_to(secret)
    fetcher = ProjectFilesFetcher()

    with watching_io() as io_seen, pytest.raises(FetchRefusedError):
        fetcher.fetch(f"{MEDIA_PREFIX}images/{name}")

    assert io_seen == []


def test_refuses_a_private_root_symlink_that_points_outside_the_private_root(tmp_path):
    secret = _secret_outside(tmp_path)
    folder = Path(default_storage.path("private/uploads"))
    folder.mkdir(parents=True, exist_ok=True)
    name = f"leak-{uuid.uuid4().hex}.png"
    (folder / name).symlink_to(secret)
    fetcher = ProjectFilesFetcher()

    with watching_io() as io_seen, pytest.raises(FetchRefusedError):
        fetcher.fetch(f"{MEDIA_PREFIX}private/uploads/{name}")

    assert io_seen == []


def test_refuses_a_media_file_over_the_asset_size_limit_without_reading_it(monkeypatch):
    name = default_storage.save(f"images/big-{uuid.uuid4().hex}.png", ContentFile(png_bytes()))
    monkeypatch.setattr(fetcher_module, "MAX_ASSET_BYTES", 16)
    fetcher = ProjectFilesFetcher()

    with watching_io() as io_seen, pytest.raises(FetchRefusedError):
        fetcher.fetch(MEDIA_PREFIX + name)

    assert io_seen == []


# --- Integration: every fetch vector through WeasyPrint --------------------------------------

SVG_WITH_REFERENCES = (
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="40" height="40">'
    '<image href="file:///etc/passwd?svg-image" width="10" height="10"/>'
    '<image xlink:href="http://169.254.169.254/latest/?svg-xlink" width="10" height="10"/>'
    '<use href="http://127.0.0.1:9/sprite.svg?svg-use#icon"/>'
    '<rect width="10" height="10" fill="url(file:///etc/passwd?svg-fill#p)"/>'
    "</svg>"
)

DANGEROUS = {
    "img": "file:///etc/passwd?img",
    "img-traversal": f"{MEDIA_PREFIX}%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd?img-traversal",
    "base-relative": "file:///etc/passwd?base-relative",
    "css-background": "http://169.254.169.254/latest/meta-data/?css-background",
    "css-list-style": "ftp://127.0.0.1/x.png?css-list-style",
    "css-content": "http://127.0.0.1:9/?css-content",
    "css-import": "file:///etc/passwd?css-import",
    "css-import-in-style": "http://127.0.0.1:9/evil.css?css-import-in-style",
    "link-stylesheet": "http://127.0.0.1:9/evil.css?link-stylesheet",
    "link-attachment": "file:///etc/passwd?link-attachment",
    "a-attachment": "http://127.0.0.1:9/?a-attachment",
    "a-attachment-file": "file:///etc/passwd?a-attachment-file",
    "font-face": "file:///usr/share/fonts/truetype/lato/Lato-Bold.ttf?font-face",
    "object": "file:///etc/passwd?object",
    "embed": "http://169.254.169.254/?embed",
    "svg-image": "file:///etc/passwd?svg-image",
    "svg-xlink": "http://169.254.169.254/latest/?svg-xlink",
}
# WeasyPrint ignores these elements altogether: they must simply never be fetched.
IGNORED = {"iframe": "file:///etc/passwd?iframe", "video": "http://127.0.0.1:9/?video"}


def _vector_document(media_url: str) -> str:
    svg = "data:image/svg+xml," + SVG_WITH_REFERENCES.replace("#", "%23").replace('"', "'")
    d = DANGEROUS
    return f"""<!DOCTYPE html>
<html><head>
<base href="file:///etc/">
<link rel="stylesheet" href="{d["link-stylesheet"]}">
<link rel="attachment" href="{d["link-attachment"]}" title="passwd">
<style>
@import url("{d["css-import"]}");
@import "{d["css-import-in-style"]}";
@font-face {{ font-family: Stolen; src: url("{d["font-face"]}"), local("DejaVu Sans"); }}
body {{ font-family: Stolen, sans-serif; background: url("{d["css-background"]}"); }}
ul {{ list-style-image: url("{d["css-list-style"]}"); }}
p.c::before {{ content: url("{d["css-content"]}"); }}
</style>
</head><body>
<p>Every fetch vector.</p>
<img src="{d["img"]}" alt="">
<img src="{d["img-traversal"]}" alt="">
<img src="passwd?base-relative" alt="">
<img src="{media_url}" alt="allowed media">
<img src="{STATIC_PREFIX}{WAGTAIL_STATIC_PNG}" alt="allowed static">
<img src="{svg}" alt="svg">
<ul><li>item</li></ul>
<p class="c">content</p>
<a rel="attachment" href="{d["a-attachment"]}">attachment over http</a>
<a rel="attachment" href="{d["a-attachment-file"]}">attachment from a file</a>
<object data="{d["object"]}" type="image/png"></object>
<embed src="{d["embed"]}" type="image/png">
<iframe src="{IGNORED["iframe"]}"></iframe>
<video src="{IGNORED["video"]}"></video>
</body></html>"""


NO_BRAND = BrandSnapshot(
    brand_name="Fetch vectors",
    tagline="",
    colours=(),
    heading_font=None,
    body_font=None,
    primary_logo=None,
    monochrome_logo=None,
    legal_footer="",
)


@pytest.fixture(scope="module")
def vector_render():
    """One render of the vector document (WeasyPrint's image cache is bypassed with fresh names)."""
    media_name = default_storage.save(f"images/allowed-{uuid.uuid4().hex}.png", ContentFile(png_bytes(8, 8)))
    fetcher = ProjectFilesFetcher()
    with watching_io(block=False) as io_seen:
        document = layout_pdf_document(
            _vector_document(MEDIA_PREFIX + media_name), profile=Profile.DIGITAL, brand=NO_BRAND, fetcher=fetcher
        )
        pdf = document.write_pdf(uncompressed_pdf=True)
    return {"fetcher": fetcher, "pdf": pdf, "io": io_seen, "media_url": MEDIA_PREFIX + media_name}


def _allowed(url: str) -> bool:
    return url.startswith((STATIC_PREFIX, MEDIA_PREFIX, "data:"))


@pytest.mark.slow
def test_render_refuses_every_dangerous_fetch_vector(vector_render):
    refused = vector_render["fetcher"].refused

    missing = {name: url for name, url in DANGEROUS.items() if url not in refused}

    assert missing == {}


@pytest.mark.slow
def test_render_fetches_nothing_outside_the_project_files(vector_render):
    fetcher = vector_render["fetcher"]

    served = [url for url in fetcher.attempts if url not in fetcher.refused]

    assert [url for url in served if not _allowed(url)] == []
    assert [url for url in fetcher.refused if _allowed(url) and not url.startswith("data:")] == [
        DANGEROUS["img-traversal"]
    ]
    assert vector_render["media_url"] in served
    assert STATIC_PREFIX + WAGTAIL_STATIC_PNG in served
    assert not any(url in fetcher.attempts for url in IGNORED.values())


@pytest.mark.slow
def test_render_opens_no_socket_and_no_file_outside_the_project(vector_render):
    io_seen = vector_render["io"]

    sockets = [event for event in io_seen if event[0].startswith(("socket.", "urllib.", "subprocess."))]
    secret_files = [path for event, path in io_seen if event == "open" and re.search(r"/etc/|/proc/|Lato-Bold", path)]

    assert sockets == []
    assert secret_files == []


@pytest.mark.slow
def test_pdf_from_every_fetch_vector_embeds_no_file_and_links_to_no_local_or_script_url(vector_render):
    pdf = vector_render["pdf"]

    assert pdf.startswith(b"%PDF")
    assert b"/EmbeddedFile" not in pdf
    assert b"/FileAttachment" not in pdf
    assert b"root:x:0" not in pdf
    assert not re.search(rb"/URI\s*\((?:javascript|file):", pdf, re.IGNORECASE)
