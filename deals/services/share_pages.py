"""What a share link shows: the final PDF and its pages as images, all from the render cache.

The PDF is cached under its render key (templates_lib.rendering.cache); its page count and page
images sit beside it under the same key, so they are made once per final output and refresh by
themselves when anything the render depends on changes."""

from approvals.output import FinalOutput
from templates_lib.rendering.cache import open_cached_pdf, render_pdf_cached, renders_storage, store_atomically
from templates_lib.rendering.pages import page_count, page_png

PAGE_WIDTH = 1200
PAGES_VERSION = "1"


def final_pdf_stored(output: FinalOutput) -> tuple[str, bytes]:
    """The final PDF's storage name and bytes (rendered first if needed). Raises RenderError."""
    name = render_pdf_cached(output.job)
    with open_cached_pdf(name) as handle:
        return name, handle.read()


def final_pdf(output: FinalOutput) -> bytes:
    return final_pdf_stored(output)[1]


def _beside_pdf(pdf_name: str, suffix: str) -> str:
    return pdf_name.removesuffix(".pdf") + f"-share{PAGES_VERSION}{suffix}"


def pages_in(output: FinalOutput, pdf: bytes | None = None, *, pdf_name: str = "") -> int:
    """How many pages the final PDF has (counted once, then read from the cache). Pass the PDF
    and its storage name when they are at hand: the render key is then not worked out again."""
    storage = renders_storage()
    name = _beside_pdf(pdf_name or output.job.storage_name, ".pages")
    if storage.exists(name):
        with storage.open(name, "rb") as handle:
            return int(handle.read())
    count = page_count(pdf if pdf is not None else final_pdf(output))
    store_atomically(storage, name, str(count).encode())
    return count


def page_image(output: FinalOutput, *, page: int, width: int = PAGE_WIDTH) -> bytes:
    """Page `page` (from 1) of the final PDF as a PNG, rasterised once and then cached.
    Raises IndexError for a page the PDF does not have, RenderError if rasterising fails."""
    if page < 1:
        raise IndexError(page)
    storage = renders_storage()
    name = _beside_pdf(output.job.storage_name, f"-p{page}-w{width}.png")
    if storage.exists(name):
        with storage.open(name, "rb") as handle:
            return handle.read()
    pdf = final_pdf(output)
    if page > pages_in(output, pdf):
        raise IndexError(page)
    png = page_png(pdf, page=page - 1, width=width)
    store_atomically(storage, name, png)
    return png
