"""The one validation service: every entry point (portal form, admin preview, API, approvals)
turns submitted values into cleaned values or per-field errors here.

Values for locked and token fields are never taken from the submission: they are
dropped and reported in `ignored`. Every value is bounded before it is parsed: at most
LASTMILE_FIELD_MAX_BYTES, and rich text at most LASTMILE_RICH_TEXT_MAX_TAGS tags nested at most
LASTMILE_RICH_TEXT_MAX_DEPTH deep (see rich_text.py). Copy-fit (text too long for its space in the layout)
is checked by laying the document out with the cleaned values.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.text import normalize_newlines

from accounts.models import User

from ..field_locks import LockMode, allowed_tags, ignored_keys
from ..layouts import SlotType
from ..models import CollateralTemplate, TemplateField
from ..rendering.copyfit import copyfit_errors
from ..rendering.errors import RenderError
from ..rich_text import (
    MarkupLimits,
    inspect_markup,
    is_safe_link,
    markup_problems,
    rich_text_plain,
    sanitise_rich_text,
)
from ..selectors import images_for_field
from ..tokens import TokenContext

CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass
class CleanResult:
    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors

    def add_error(self, key: str, message: str) -> None:
        self.errors.setdefault(key, []).append(message)


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        value = "\n".join(str(item) for item in value)
    return CONTROL_CHARS.sub("", normalize_newlines(str(value))).strip()


def _lines(text: str) -> list[str]:
    return text.split("\n")


def _check_limits(result: CleanResult, tf: TemplateField, text: str, plain: str) -> None:
    if tf.is_required and not plain.strip():
        result.add_error(tf.key, f"{tf.label} is required.")
    if tf.max_chars is not None and len(plain) > tf.max_chars:
        result.add_error(tf.key, f"{tf.label} is {len(plain)} characters; the limit is {tf.max_chars}.")
    if tf.max_lines is not None and len(_lines(text)) > tf.max_lines and text:
        result.add_error(tf.key, f"{tf.label} has {len(_lines(text))} lines; the limit is {tf.max_lines}.")


def markup_limits() -> MarkupLimits:
    return MarkupLimits(
        max_bytes=settings.LASTMILE_FIELD_MAX_BYTES,
        max_tags=settings.LASTMILE_RICH_TEXT_MAX_TAGS,
        max_depth=settings.LASTMILE_RICH_TEXT_MAX_DEPTH,
    )


def _too_big(raw: Any) -> int:
    """The raw value's size in bytes when it is over the per-field limit (0 when it is not)."""
    if raw is None:
        return 0
    text = "\n".join(str(item) for item in raw) if isinstance(raw, list | tuple) else str(raw)
    size = len(text.encode(errors="replace"))
    return size if size > settings.LASTMILE_FIELD_MAX_BYTES else 0


def _clean_free(result: CleanResult, tf: TemplateField, slot_type: SlotType, raw: Any) -> None:
    text = _as_text(raw)
    if slot_type == SlotType.RICH_TEXT:
        problems = markup_problems(text, markup_limits())
        if problems:
            for problem in problems:
                result.add_error(tf.key, problem)
            return
        markup = inspect_markup(text)
        allowed = allowed_tags(tf.formatting)
        refused = sorted(markup.tags - allowed)
        if refused:
            result.add_error(
                tf.key,
                "Formatting not allowed here: " + ", ".join(f"<{tag}>" for tag in refused) + ".",
            )
            return
        bad_links = [href for href in markup.hrefs if not is_safe_link(href)]
        if bad_links:
            result.add_error(tf.key, "Links must start with https:, mailto: or tel:.")
            return
        cleaned = sanitise_rich_text(text, tf.formatting)
        plain = rich_text_plain(cleaned)
        _check_limits(result, tf, plain.strip(), plain)
        result.values[tf.key] = cleaned
        return
    if slot_type == SlotType.BULLETS:
        text = "\n".join(line.strip() for line in text.split("\n") if line.strip())
    _check_limits(result, tf, text, text)
    result.values[tf.key] = text


def _clean_choice(result: CleanResult, tf: TemplateField, slot_type: SlotType, raw: Any) -> None:
    if slot_type == SlotType.IMAGE:
        _clean_image(result, tf, raw, user=None)
        return
    text = _as_text(raw)
    if not text:
        if tf.is_required:
            result.add_error(tf.key, f"Choose one of the options for {tf.label}.")
        return
    variants = {_as_text(v): v for v in tf.variant_list}
    if text not in variants:
        result.add_error(tf.key, f"Choose one of the approved options for {tf.label}.")
        return
    result.values[tf.key] = variants[text]


def _image_id(raw: Any) -> int | None:
    if raw in (None, ""):
        return None
    try:
        return int(str(raw).strip())
    except (TypeError, ValueError):
        return -1


def _clean_image(result: CleanResult, tf: TemplateField, raw: Any, user: User | None) -> None:
    image_id = _image_id(raw)
    if image_id is None:
        if tf.is_required:
            result.add_error(tf.key, f"Choose an image for {tf.label}.")
        return
    if not images_for_field(tf, user).filter(pk=image_id).exists():
        result.add_error(tf.key, f"Choose an image from the approved collection for {tf.label}.")
        return
    result.values[tf.key] = image_id


def default_value(tf: TemplateField) -> Any:
    """What an editable field starts with when the user has not set it."""
    if tf.default_image_id:
        return tf.default_image_id
    if tf.lock_mode == LockMode.CHOICE and not tf.default_text and tf.variant_list:
        return tf.variant_list[0]
    return tf.default_text


def document_values_clean(
    *,
    template: CollateralTemplate,
    submitted: Mapping[str, Any],
    token_context: TokenContext | None = None,
    check_fit: bool = True,
) -> CleanResult:
    """Validate what a user submitted for `template` (a live template or a revision's object).

    Returns cleaned values for the user-editable fields and per-field error messages. A field
    missing from `submitted` takes the template's default (validated like any other value).
    Keys of locked, token or unknown fields are ignored, never stored. Raises nothing for
    bad input; every problem is an error on its field.
    """
    result = CleanResult()
    editable = template.editable_fields()
    result.ignored = ignored_keys({tf.key for tf in editable}, submitted)
    layout = template.layout_spec
    user = token_context.user if token_context else None

    for tf in editable:
        slot_type = layout.slot(tf.slot).type
        raw = submitted[tf.key] if tf.key in submitted else default_value(tf)
        size = _too_big(raw)
        if size:
            limit = settings.LASTMILE_FIELD_MAX_BYTES
            result.add_error(
                tf.key, f"{tf.label} is too long: {size / 1024:.0f} KB; the limit is {limit / 1024:.0f} KB."
            )
            continue
        if tf.lock_mode == LockMode.FREE:
            _clean_free(result, tf, slot_type, raw)
        elif tf.lock_mode == LockMode.CHOICE:
            _clean_choice(result, tf, slot_type, raw)
        elif tf.lock_mode == LockMode.IMAGE:
            _clean_image(result, tf, raw, user)

    if check_fit and result.is_valid:
        try:
            overflowing = copyfit_errors(template=template, values=result.values, token_context=token_context)
        except RenderError as exc:
            overflowing = {"__all__": f"We could not check that the text fits its space: {exc}"}
        for key, message in overflowing.items():
            result.add_error(key, message)
    return result
