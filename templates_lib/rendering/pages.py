"""Page images of PDFs (PDFium), rasterised in a render process like every other render."""

from . import isolation


def page_png(pdf: bytes, *, page: int = 0, width: int = 600) -> bytes:
    """One page of `pdf` as a PNG `width` pixels wide."""
    return isolation.run("pdf_page_png", pdf, page=page, width=width)


def page_count(pdf: bytes) -> int:
    return isolation.run("pdf_page_count", pdf)
