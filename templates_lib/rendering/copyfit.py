"""Copy-fit: find text that would overflow its space in the layout.

Layouts mark each fixed-size text box with `data-fit="<slot>"` (and `data-section="<n>"`
inside a repeatable section). The engine lays the document out and measures the content
inside each marked box against the box's own height (`engine.measure_overflows`). An overflow
becomes a per-field error with an estimate of how many characters to cut.
"""

import math
from typing import Any

from django.conf import settings

from brand.services import brand_snapshot

from ..layouts import SlotType
from ..rich_text import rich_text_plain
from ..tokens import TokenContext
from . import isolation
from .engine import LaidOut, Overflows
from .html import render_collateral_html, resolve_values
from .profile import Profile


def _plain_length(value: Any) -> int:
    if value is None:
        return 0
    text = str(value)
    return len(rich_text_plain(text)) if "<" in text else len(text)


def overflow_messages(
    *, template, values: dict[str, Any], token_context: TokenContext | None, overflows: Overflows
) -> dict[str, str]:
    """Turn measured overflows into {field key: message} for the fields that fill those slots."""
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


def expected_pages(template) -> int:
    return template.layout_spec.expected_pages(template.section_count)


def copyfit_errors(*, template, values: dict[str, Any], token_context: TokenContext | None) -> dict[str, str]:
    """Lay out the document with these values (in a render process, see `isolation`) and report
    fields whose text overflows. Raises RenderLimitError when the layout breaks a limit."""
    brand = brand_snapshot()
    html = render_collateral_html(
        template=template, values=values, token_context=token_context, profile=Profile.DIGITAL, brand=brand
    )
    laid_out: LaidOut = isolation.run(
        "lay_out",
        html,
        profile=Profile.DIGITAL,
        brand=brand,
        expected_pages=expected_pages(template),
        write=False,
        max_data_url_bytes=settings.LASTMILE_MAX_DATA_URL_BYTES,
    )
    return overflow_messages(
        template=template, values=values, token_context=token_context, overflows=laid_out.overflows
    )
