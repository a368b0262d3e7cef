"""Copy-fit: find text that would overflow its space in the layout.

Layouts mark each fixed-size text box with `data-fit="<slot>"` (and `data-section="<n>"`
inside a repeatable section). After WeasyPrint has laid the document out, the content
height inside each marked box is compared with the box's own height. An overflow
becomes a per-field error with an estimate of how many characters to cut.
"""

import math
from typing import Any

from ..layouts import SlotType
from ..tokens import TokenContext


def _content_bottom(box) -> float:
    bottom = box.position_y
    for child in getattr(box, "children", []) or []:
        child_bottom = child.position_y + child.margin_height()
        bottom = max(bottom, child_bottom, _content_bottom(child))
    return bottom


def measure_overflows(document, *, template) -> dict[tuple[str, int], tuple[float, float]]:
    """{(slot, section): (overflow in CSS px, content height in px)} for boxes whose content
    is taller than the box, plus ("__pages__", 0) if the document has more pages than designed."""
    overflows: dict[tuple[str, int], tuple[float, float]] = {}
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
    layout = template.layout_spec
    expected = layout.expected_pages(template.section_count)
    if expected and len(document.pages) > expected:
        overflows[("__pages__", 0)] = (float(len(document.pages) - expected), 0.0)
    return overflows


def _plain_length(value: Any) -> int:
    from .sanitise import rich_text_plain

    if value is None:
        return 0
    text = str(value)
    return len(rich_text_plain(text)) if "<" in text else len(text)


def overflow_messages(
    *, template, values: dict[str, Any], token_context: TokenContext | None, overflows: dict
) -> dict[str, str]:
    """Turn measured overflows into {field key: message} for the fields that fill those slots."""
    from .render import resolve_values

    if not overflows:
        return {}
    layout = template.layout_spec
    resolved = resolve_values(template=template, values=values, token_context=token_context)
    messages: dict[str, str] = {}
    for tf in template.field_list():
        slot = layout.slot(tf.slot)
        if slot.type in (SlotType.IMAGE,):
            continue
        section = tf.section if slot.in_section else 0
        measured = overflows.get((tf.slot, section))
        if measured is None:
            continue
        excess, used = measured
        length = _plain_length(resolved.get(tf.key))
        about = max(1, math.ceil(length * excess / used)) if length else 1
        messages[tf.key] = f"Too long for this space by about {about} characters."
    if ("__pages__", 0) in overflows and not messages:
        extra = int(overflows[("__pages__", 0)][0])
        messages["__all__"] = f"The content runs onto {extra} more page(s) than the layout has."
    return messages


def copyfit_errors(*, template, values: dict[str, Any], token_context: TokenContext | None) -> dict[str, str]:
    """Lay out the document with these values and report fields whose text overflows."""
    from brand.services import brand_snapshot

    from .render import Profile, layout_pdf_document, render_collateral_html

    brand = brand_snapshot()
    html = render_collateral_html(
        template=template, values=values, token_context=token_context, profile=Profile.DIGITAL, brand=brand
    )
    document = layout_pdf_document(html, profile=Profile.DIGITAL, brand=brand)
    return overflow_messages(
        template=template,
        values=values,
        token_context=token_context,
        overflows=measure_overflows(document, template=template),
    )
