"""CSS generated from the brand kit (custom properties, @font-face) and the page format (@page)."""

from brand.services import BrandFontFiles, BrandSnapshot

from ..layouts import get_layout

PAGE_SIZES = {"A4": "A4", "letter": "letter"}
FONT_ROLES = {"heading": "LM Heading", "body": "LM Body"}
FALLBACK_STACKS = {"heading": "Georgia, 'DejaVu Serif', serif", "body": "'DejaVu Sans', sans-serif"}


def _css_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _font_faces(role: str, font: BrandFontFiles | None, media_base: str) -> list[str]:
    if font is None:
        return []
    rules = []
    for path, weight, style in (
        (font.regular, 400, "normal"),
        (font.bold, 700, "normal"),
        (font.italic, 400, "italic"),
        (font.bold_italic, 700, "italic"),
    ):
        if path:
            rules.append(
                f"@font-face {{ font-family: {_css_string(FONT_ROLES[role])}; "
                f"src: url({_css_string(media_base + path)}); font-weight: {weight}; font-style: {style}; }}"
            )
    return rules


def brand_css(*, brand: BrandSnapshot, media_base: str, cmyk: bool) -> str:
    """Colours as --brand-<role> (device-cmyk() in print when a CMYK profile is uploaded and the
    colour has a CMYK value) and fonts as --font-heading / --font-body."""
    use_cmyk = cmyk and bool(brand.icc_profile)
    lines = []
    if use_cmyk:
        lines.append(
            f"@color-profile device-cmyk {{ src: url({_css_string(media_base + brand.icc_profile)}); "
            "components: c, m, y, k; }"
        )
    lines += _font_faces("heading", brand.heading_font, media_base)
    lines += _font_faces("body", brand.body_font, media_base)
    props = []
    for colour in brand.colours:
        value = colour.hex
        if use_cmyk and colour.cmyk:
            c, m, y, k = colour.cmyk
            value = f"device-cmyk({c / 100:.3f} {m / 100:.3f} {y / 100:.3f} {k / 100:.3f})"
        props.append(f"--brand-{colour.role}: {value};")
        props.append(f"--brand-{colour.role}-rgb: {colour.hex};")
    for role in ("heading", "body"):
        font = brand.heading_font if role == "heading" else brand.body_font
        family = f"{_css_string(FONT_ROLES[role])}, " if font else ""
        props.append(f"--font-{role}: {family}{FALLBACK_STACKS[role]};")
    lines.append(":root { " + " ".join(props) + " }")
    return "\n".join(lines)


def page_css(*, template, bleed: bool) -> str:
    size = f"{PAGE_SIZES.get(template.page_size, 'A4')} {template.orientation}"
    rules = [f"size: {size};"]
    if bleed:
        rules += ["bleed: 3mm;", "marks: crop;"]
    layout = get_layout(template.layout)
    return f"@page {{ {' '.join(rules)} }}\n/* layout {layout.key} {layout.version} */"


PAGE_MM = {"A4": (210, 297), "letter": (215.9, 279.4)}


def screen_css(*, template) -> str:
    """For HTML shown in a browser (admin preview, the editor's live preview): the page as a
    white sheet of its real size on a grey desk."""
    width, height = PAGE_MM.get(template.page_size, PAGE_MM["A4"])
    if template.orientation == "landscape":
        width, height = height, width
    return (
        "@media screen { html { background: #e6eaef; } "
        f"body {{ box-sizing: border-box; width: {width}mm; min-height: {height}mm; margin: 24px auto; "
        "padding: 12mm 14mm 9mm; background: #fff; box-shadow: 0 2px 14px rgba(20, 30, 50, 0.18); } }"
    )


def locked_outline_css(slots: list[str]) -> str:
    """For the editor's preview: a dashed outline around the text a user cannot change."""
    if not slots:
        return ""
    selector = ", ".join(f'[data-fit="{slot}"]' for slot in slots if slot.replace("_", "").isalnum())
    return (
        f"@media screen {{ {selector} {{ outline: 1.5px dashed rgba(201, 104, 10, 0.85); outline-offset: 0.6mm; "
        "cursor: not-allowed; } }"
    )
