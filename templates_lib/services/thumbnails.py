"""Page images of PDFs (pypdfium2): library thumbnails of a template revision's default content,
and the "download PNG" of a document's first page. Cached in the private render storage under
a key that includes the revision, brand kit and layout versions, so they refresh by themselves."""

import hashlib
import io

import pypdfium2

from brand.services import brand_snapshot

from .engine_lock import ENGINE_LOCK
from .render import render_collateral_pdf
from .render_cache import _store_atomically, renders_storage

RENDERER_THUMB_VERSION = "1"


def pdf_page_png(pdf: bytes, *, page: int = 0, width: int = 600) -> bytes:
    """Rasterise one page of a PDF to a PNG `width` pixels wide."""
    with ENGINE_LOCK:
        return _pdf_page_png(pdf, page=page, width=width)


def _pdf_page_png(pdf: bytes, *, page: int, width: int) -> bytes:
    document = pypdfium2.PdfDocument(pdf)
    try:
        if page >= len(document):
            raise IndexError(page)
        pdf_page = document[page]
        scale = width / pdf_page.get_width()
        bitmap = pdf_page.render(scale=scale)
        image = bitmap.to_pil()
        out = io.BytesIO()
        image.save(out, format="PNG", optimize=True)
        return out.getvalue()
    finally:
        document.close()


def pdf_page_count(pdf: bytes) -> int:
    with ENGINE_LOCK:
        document = pypdfium2.PdfDocument(pdf)
        try:
            return len(document)
        finally:
            document.close()


def _preview_pdf_name(template, revision_id: int, brand_version: str) -> str:
    digest = hashlib.sha256(
        f"{RENDERER_THUMB_VERSION}:{revision_id}:{brand_version}:{template.layout_spec.version}".encode()
    ).hexdigest()
    return f"previews/{digest[:2]}/{digest}.pdf"


def template_preview_pdf(template, *, revision_id: int) -> bytes:
    """The template's default content as a digital PDF, cached per revision and brand kit."""
    storage = renders_storage()
    name = _preview_pdf_name(template, revision_id, brand_snapshot().version)
    if storage.exists(name):
        with storage.open(name, "rb") as handle:
            return handle.read()
    pdf = render_collateral_pdf(template=template, values={}, profile="digital", check_fit=False)
    _store_atomically(storage, name, pdf)
    return pdf


def template_page_png(template, *, revision_id: int, page: int = 0, width: int = 480) -> bytes:
    storage = renders_storage()
    pdf_name = _preview_pdf_name(template, revision_id, brand_snapshot().version)
    name = pdf_name.replace(".pdf", f"-p{page}-w{width}.png")
    if storage.exists(name):
        with storage.open(name, "rb") as handle:
            return handle.read()
    png = pdf_page_png(template_preview_pdf(template, revision_id=revision_id), page=page, width=width)
    _store_atomically(storage, name, png)
    return png
