"""The layout engine: WeasyPrint lays HTML out and writes PDFs; PDFium rasterises pages.

Everything here works on plain inputs (an HTML string, the brand kit snapshot, PDF bytes) and
returns plain, picklable results: the portal never calls these functions itself but through
`isolation.run`, which runs them in a render process with hard time and memory limits. Only our
fetcher ever reaches a file.

WeasyPrint (Pango, fontconfig) and PDFium are not thread-safe: concurrent renders in one process
crash it. A render process runs one call at a time; ENGINE_LOCK still guards direct calls (tests,
benchmarks, `LASTMILE_RENDER_ISOLATION` off)."""

import io
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pypdfium2
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration

from brand.services import BrandSnapshot

from ..fetcher import ASSET_ORIGIN, ProjectFilesFetcher
from ..field_locks import SAFE_LINK_SCHEMES
from .profile import Profile

ENGINE_LOCK = threading.RLock()

# {(slot, section): (overflow in CSS px, content height in px)}; ("__pages__", 0) when the
# document runs onto more pages than the layout has.
Overflows = dict[tuple[str, int], tuple[float, float]]


@dataclass(frozen=True)
class LaidOut:
    """What `lay_out` found: the measured overflows, the page count, the PDF when one was written,
    and the URLs the fetcher was asked for (and refused)."""

    overflows: Overflows
    pages: int
    pdf: bytes | None
    fetched: tuple[str, ...] = ()
    refused: tuple[str, ...] = ()


# WeasyPrint: fonts are loaded once per brand kit version and process. Images get a fresh cache
# per render: WeasyPrint 70 downsamples cached images in place when `dpi` is set, so a shared cache
# lets one render's small copy leak into the next render's larger drawing.
_font_configs: "OrderedDict[str, Any]" = OrderedDict()


def _font_config_for(brand_version: str):
    """One FontConfiguration per brand-kit version (the four most recent). Called with ENGINE_LOCK held."""
    with ENGINE_LOCK:
        config = _font_configs.get(brand_version)
        if config is None:
            config = FontConfiguration()
            _font_configs[brand_version] = config
            while len(_font_configs) > 4:
                _font_configs.popitem(last=False)
        return config


def _pdf_options(profile: str, brand: BrandSnapshot) -> dict[str, Any]:
    if profile == Profile.PRINT:
        return {
            "pdf_variant": "pdf/x-4",
            "output_intent": "device-cmyk" if brand.icc_profile else "srgb",
            "dpi": 300,
            "optimize_images": True,
        }
    return {"pdf_variant": "pdf/ua-1", "pdf_tags": True, "dpi": 200, "optimize_images": True}


def layout_pdf_document(html: str, *, profile: str, brand: BrandSnapshot, fetcher: ProjectFilesFetcher | None = None):
    """Lay the HTML out with WeasyPrint (the slow part). Only our fetcher ever reaches a file."""
    fetcher = fetcher or ProjectFilesFetcher()
    with ENGINE_LOCK:
        return HTML(string=html, base_url=f"{ASSET_ORIGIN}/", url_fetcher=fetcher).render(
            font_config=_font_config_for(brand.version), cache={}, **_pdf_options(profile, brand)
        )


def _drop_unsafe_links(document) -> None:
    """Keep internal links and https/mailto/tel links; drop everything else (javascript:, file:,
    data:, attachments) whatever HTML produced them."""
    for page in document.pages:
        page.links = [
            link
            for link in page.links
            if link[0] == "internal"
            or (link[0] == "external" and urlsplit(str(link[1])).scheme.lower() in SAFE_LINK_SCHEMES)
        ]


def write_pdf(document, *, profile: str, brand: BrandSnapshot) -> bytes:
    _drop_unsafe_links(document)
    with ENGINE_LOCK:
        return document.write_pdf(**_pdf_options(profile, brand))


def _content_bottom(box) -> float:
    bottom = box.position_y
    for child in getattr(box, "children", []) or []:
        child_bottom = child.position_y + child.margin_height()
        bottom = max(bottom, child_bottom, _content_bottom(child))
    return bottom


def measure_overflows(document, *, expected_pages: int | None) -> Overflows:
    """Boxes marked `data-fit="<slot>"` (and `data-section="<n>"` in a repeatable section) whose
    laid-out content is taller than the box, and the pages beyond `expected_pages`."""
    overflows: Overflows = {}
    for page in document.pages:
        for box in page._page_box.descendants(placeholders=True):
            element = getattr(box, "element", None)
            if element is None or box.element_tag != element.tag:
                continue
            slot = element.get("data-fit")
            if not slot:
                continue
            section = int(element.get("data-section") or 0)
            box_bottom = box.content_box_y() + box.height
            content_bottom = _content_bottom(box)
            excess = content_bottom - box_bottom
            if excess > 0.5:
                used = max(content_bottom - box.content_box_y(), 1.0)
                previous = overflows.get((slot, section), (0.0, used))
                overflows[(slot, section)] = (max(excess, previous[0]), used)
    if expected_pages and len(document.pages) > expected_pages:
        overflows[("__pages__", 0)] = (float(len(document.pages) - expected_pages), 0.0)
    return overflows


def pdf_page_png(pdf: bytes, *, page: int = 0, width: int = 600) -> bytes:
    """Rasterise one page of a PDF to a PNG `width` pixels wide."""
    with ENGINE_LOCK:
        document = pypdfium2.PdfDocument(pdf)
        try:
            if page >= len(document):
                raise IndexError(page)
            pdf_page = document[page]
            scale = width / pdf_page.get_width()
            image = pdf_page.render(scale=scale).to_pil()
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


def lay_out(
    html: str,
    *,
    profile: str,
    brand: BrandSnapshot,
    expected_pages: int | None,
    write: bool,
    write_when_overflowing: bool = False,
    page_limit: int | None = None,
    max_data_url_bytes: int | None = None,
) -> LaidOut:
    """Lay `html` out, measure its marked boxes and, with `write`, write the PDF, unless a box
    overflows (and `write_when_overflowing` is off) or the document has more than `page_limit`
    pages: a PDF that will be refused is not written."""
    fetcher = ProjectFilesFetcher(max_data_url_bytes=max_data_url_bytes)
    document = layout_pdf_document(html, profile=profile, brand=brand, fetcher=fetcher)
    overflows = measure_overflows(document, expected_pages=expected_pages)
    pages = len(document.pages)
    refused = bool(overflows) and not write_when_overflowing
    too_long = page_limit is not None and pages > page_limit
    pdf = write_pdf(document, profile=profile, brand=brand) if write and not refused and not too_long else None
    return LaidOut(
        overflows=overflows,
        pages=pages,
        pdf=pdf,
        fetched=tuple(fetcher.attempts),
        refused=tuple(fetcher.refused),
    )
