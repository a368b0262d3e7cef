"""Library thumbnails: page images of a template revision's default content, cached in the private
render storage under a key that includes the revision, brand kit and layout versions, so they
refresh by themselves."""

import hashlib

from brand.services import brand_snapshot

from .cache import renders_storage, store_atomically
from .pages import page_png
from .pdf import render_collateral_pdf

RENDERER_THUMB_VERSION = "1"


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
    store_atomically(storage, name, pdf)
    return pdf


def template_page_png(template, *, revision_id: int, page: int = 0, width: int = 480) -> bytes:
    storage = renders_storage()
    pdf_name = _preview_pdf_name(template, revision_id, brand_snapshot().version)
    name = pdf_name.replace(".pdf", f"-p{page}-w{width}.png")
    if storage.exists(name):
        with storage.open(name, "rb") as handle:
            return handle.read()
    png = page_png(template_preview_pdf(template, revision_id=revision_id), page=page, width=width)
    store_atomically(storage, name, png)
    return png
