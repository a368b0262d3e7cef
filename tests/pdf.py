"""Reading PDFs back from their bytes, for assertions on what a reader would see."""

import io

from pypdf import PdfReader

MM_PER_PT = 25.4 / 72


def reader(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in reader(pdf).pages)


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() or "" for page in reader(pdf).pages]


def page_size_mm(pdf: bytes, index: int = 0) -> tuple[float, float]:
    box = reader(pdf).pages[index].mediabox
    return round(float(box.width) * MM_PER_PT, 1), round(float(box.height) * MM_PER_PT, 1)


def trim_size_mm(pdf: bytes, index: int = 0) -> tuple[float, float]:
    box = reader(pdf).pages[index].trimbox
    return round(float(box.width) * MM_PER_PT, 1), round(float(box.height) * MM_PER_PT, 1)


def fonts(pdf: bytes) -> dict[str, dict]:
    """{base font name: font dictionary} for every font used on any page."""
    found = {}
    for page in reader(pdf).pages:
        resources = page.get("/Resources") or {}
        for _, ref in (resources.get("/Font") or {}).items():
            font = ref.get_object()
            found[str(font.get("/BaseFont"))] = font
    return found


def is_embedded(font) -> bool:
    if font.get("/Subtype") == "/Type3":
        return False
    descriptor = font.get("/FontDescriptor")
    if descriptor is None and "/DescendantFonts" in font:
        descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
    descriptor = descriptor.get_object() if descriptor is not None else {}
    return any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
