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


def placed_images(pdf: bytes) -> list[dict]:
    """Every image drawn on every page, with where it is placed (in mm from the page's bottom
    left, as PDFium reports the drawn rectangle) and its centre pixel's colour.
    {"page", "left", "bottom", "width", "height", "ratio", "colour"}."""
    import pypdfium2
    import pypdfium2.raw as pdfium_c

    found = []
    document = pypdfium2.PdfDocument(pdf)
    try:
        for number, page in enumerate(document):
            for image in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=8):
                left, bottom, right, top = (value * MM_PER_PT for value in image.get_bounds())
                bitmap = image.get_bitmap().to_pil().convert("RGB")
                found.append(
                    {
                        "page": number,
                        "left": left,
                        "bottom": bottom,
                        "width": right - left,
                        "height": top - bottom,
                        "ratio": (right - left) / (top - bottom),
                        "colour": bitmap.getpixel((bitmap.width // 2, bitmap.height // 2)),
                    }
                )
    finally:
        document.close()
    return found


def structure_elements(pdf: bytes, tag: str) -> list:
    """Every element of the tagged PDF's structure tree whose type is `tag` (e.g. "/Figure")."""
    found = []

    def walk(node):
        node = node.get_object()
        if not hasattr(node, "get"):
            return
        if node.get("/S") == tag:
            found.append(node)
        kids = node.get("/K")
        if kids is None:
            return
        for kid in kids if isinstance(kids, list) else [kids]:
            walk(kid)

    root = reader(pdf).trailer["/Root"].get("/StructTreeRoot")
    if root is not None:
        walk(root)
    return found
