"""A document as HTML: every field resolved, mapped onto the layout's slots and rendered with
the layout's Django template.

User text only ever enters the layout as template context data, so Django's autoescaping turns
markup into visible text; rich text is sanitised to the field's allowed tags first. The only
queries are for the images the values name and the brand kit."""

from dataclasses import dataclass, replace
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from wagtail.images import get_image_model

from brand.services import BrandSnapshot, brand_snapshot

from ..fetcher import ASSET_ORIGIN
from ..field_locks import LockMode
from ..layouts import RENDER_TEMPLATE_DIR, ImageFit, Layout, Slot, SlotType
from ..rich_text import sanitise_rich_text
from ..tokens import NameInsteadOfLogo, TokenContext, resolve_token
from .brand_css import brand_css, locked_outline_css, page_css, screen_css
from .profile import Profile

# 3: rich text drops elements left empty when it is sanitised.
# 4: images are contained or cropped around their focal point, as their slot says.
RENDERER_VERSION = "4"
RICH_DEFAULT_FORMATTING = ["bold", "italic", "lists", "links"]


@dataclass(frozen=True)
class ImageRef:
    url: str
    width: int
    height: int
    alt: str
    fit: str = ImageFit.CONTAIN
    # The focal point's centre, in percent of the image's width and height.
    focal_x: float = 50.0
    focal_y: float = 50.0

    @property
    def object_position(self) -> str:
        """For a cropped image: the focal point lands at the same relative place in the box, so
        it is always inside it (the centre when no focal point is set)."""
        return f"{self.focal_x:.2f}% {self.focal_y:.2f}%"

    @property
    def css_url(self) -> str:
        """The URL as a CSS `url()`, for a decorative background (quotes and breaks encoded)."""
        url = self.url.replace("\\", "%5C").replace('"', "%22").replace("\n", "").replace("\r", "")
        return f'url("{url}")'

    @property
    def is_name_only(self) -> bool:
        """No image to show (an unapproved partner logo): layouts print `alt` in its place."""
        return not self.url

    @property
    def is_landscape(self) -> bool:
        return self.width >= self.height


@dataclass(frozen=True)
class RenderMeta:
    title: str
    author: str
    subject: str
    keywords: str
    lang: str = "en"


def resolve_values(*, template, values: dict[str, Any], token_context: TokenContext | None) -> dict[str, Any]:
    """Every field's value: locked from the template, token from its source, editable from `values`
    (falling back to the template's default). Keys for locked or token fields in `values` are ignored."""
    resolved = {}
    for tf in template.field_list():
        if tf.lock_mode == LockMode.LOCKED:
            resolved[tf.key] = tf.default_image_id if tf.default_image_id else tf.default_text
        elif tf.lock_mode == LockMode.TOKEN:
            resolved[tf.key] = resolve_token(tf.token_source, token_context)
        elif tf.key in values:
            resolved[tf.key] = values[tf.key]
        elif tf.lock_mode == LockMode.CHOICE and not tf.default_image_id and not tf.default_text:
            resolved[tf.key] = tf.variant_list[0] if tf.variant_list else ""
        else:
            resolved[tf.key] = tf.default_image_id if tf.default_image_id else tf.default_text
    return resolved


def _focal_percent(centre: int | None, size: int) -> float:
    if centre is None or not size:
        return 50.0
    return round(min(max(centre / size * 100, 0.0), 100.0), 2)


def _image_refs(image_ids: set[int], media_base: str) -> dict[int, ImageRef]:
    images = get_image_model().objects.in_bulk([i for i in image_ids if isinstance(i, int)])
    return {
        pk: ImageRef(
            # A browser gets the storage's URL: a private upload's is the permission-checked view.
            url=f"{media_base}{image.file.name}" if media_base.startswith(ASSET_ORIGIN) else image.file.url,
            width=image.width,
            height=image.height,
            alt=getattr(image, "alt_text", "") or image.title,
            focal_x=_focal_percent(image.focal_point_x, image.width),
            focal_y=_focal_percent(image.focal_point_y, image.height),
        )
        for pk, image in images.items()
    }


def _contact(value: Any, brand: BrandSnapshot) -> dict:
    if isinstance(value, dict) and any(value.values()):
        return value
    return {
        "name": brand.contact.get("name", ""),
        "title": "",
        "phone": brand.contact.get("phone", ""),
        "email": brand.contact.get("email", ""),
        "website": brand.contact.get("website", ""),
    }


def _slot_value(tf, slot: Slot, value: Any, images: dict[int, ImageRef], brand: BrandSnapshot) -> Any:
    slot_type = slot.type
    if slot_type == SlotType.IMAGE:
        if isinstance(value, NameInsteadOfLogo):
            return ImageRef(url="", width=0, height=0, alt=value.name) if value.name else None
        image = images.get(value) if isinstance(value, int) else None
        return replace(image, fit=slot.fit) if image else None
    if slot_type == SlotType.CONTACT:
        return _contact(value, brand)
    text = "" if value is None else str(value)
    if slot_type == SlotType.RICH_TEXT:
        formatting = tf.formatting if tf.lock_mode == LockMode.FREE else RICH_DEFAULT_FORMATTING
        html = sanitise_rich_text(text, formatting)
        if html and not html.lstrip().startswith(("<p", "<ul", "<ol")):
            html = "<p>" + html.replace("\n\n", "</p><p>").replace("\n", "<br>") + "</p>"
        return mark_safe(html)  # noqa: S308 - sanitised to an allow-list just above
    if slot_type == SlotType.BULLETS:
        return [line.strip() for line in text.split("\n") if line.strip()]
    return text


def build_slots(*, template, resolved: dict[str, Any], brand: BrandSnapshot, media_base: str):
    """Map field values onto the layout's slots: `slots` for single slots, `sections` for the
    repeatable section (a list of dicts, one per section in order)."""
    layout: Layout = template.layout_spec
    fields = template.field_list()
    image_ids = {resolved[tf.key] for tf in fields if layout.slot(tf.slot).type == SlotType.IMAGE}
    image_ids.discard(None)
    images = _image_refs({i for i in image_ids if isinstance(i, int)}, media_base)
    slots: dict[str, Any] = {}
    sections: list[dict[str, Any]] = [{"number": n + 1} for n in range(template.section_count)]
    for tf in fields:
        slot = layout.slot(tf.slot)
        value = _slot_value(tf, slot, resolved[tf.key], images, brand)
        if slot.in_section:
            if 1 <= tf.section <= len(sections):
                sections[tf.section - 1][slot.name] = value
        else:
            slots[slot.name] = value
    return slots, sections


_layout_css_cache: dict[str, str] = {}


def layout_stylesheet(layout: Layout) -> str:
    cache_key = f"{layout.key}:{layout.version}"
    if cache_key not in _layout_css_cache:
        parts = [
            (RENDER_TEMPLATE_DIR / "_print.css").read_text(),
            (RENDER_TEMPLATE_DIR / f"{layout.key}.css").read_text(),
        ]
        _layout_css_cache[cache_key] = "\n".join(parts)
    return _layout_css_cache[cache_key]


def render_collateral_html(
    *,
    template,
    values: dict[str, Any],
    token_context: TokenContext | None = None,
    profile: str = Profile.PRINT,
    brand: BrandSnapshot | None = None,
    for_browser: bool = False,
    title: str | None = None,
    author: str | None = None,
    watermark: str = "",
    mark_locked: bool = False,
) -> str:
    """The document as HTML. With `for_browser`, asset URLs point at this site's /media/ and
    /static/ so a browser can show it; otherwise at the renderer's asset origin. With
    `mark_locked` (the editor's preview), locked text is outlined."""
    brand = brand or brand_snapshot()
    layout = template.layout_spec
    asset_base = "" if for_browser else ASSET_ORIGIN
    media_base = f"{asset_base}{settings.MEDIA_URL}"
    resolved = resolve_values(template=template, values=values, token_context=token_context)
    slots, sections = build_slots(template=template, resolved=resolved, brand=brand, media_base=media_base)
    is_print = profile == Profile.PRINT
    bleed = is_print and template.print_bleed
    meta = RenderMeta(
        title=title or template.title,
        author=author or brand.brand_name,
        subject=template.description[:300],
        keywords=template.keywords,
    )
    context = {
        "slots": slots,
        "sections": sections,
        "brand": brand,
        "meta": meta,
        "profile": profile,
        "is_print": is_print,
        "has_bleed": bleed,
        "page_format": f"{template.page_size.lower()}-{template.orientation}",
        "watermark": watermark,
        "legal_footer": brand.legal_footer,
        "page_css": SafeString(page_css(template=template, bleed=bleed)),
        "brand_css": SafeString(brand_css(brand=brand, media_base=media_base, cmyk=is_print)),
        "layout_css": SafeString(layout_stylesheet(layout)),
        "screen_css": SafeString(
            screen_css(template=template)
            + (
                locked_outline_css([f.slot for f in template.field_list() if f.lock_mode == LockMode.LOCKED])
                if mark_locked
                else ""
            )
        )
        if for_browser
        else "",
        "static_base": f"{asset_base}{settings.STATIC_URL}",
        "media_base": media_base,
    }
    return render_to_string(layout.template_name, context)
