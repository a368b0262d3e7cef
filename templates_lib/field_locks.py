"""Field lock rules: pure functions over plain data, no queries and no I/O.

A brand manager gives every field of a template a lock mode. These rules say which
lock modes suit which slot types, and which submitted keys a user may set at all.
"""

from collections.abc import Iterable, Mapping

from django.db import models

from .layouts import SlotType


class LockMode(models.TextChoices):
    LOCKED = "locked", "Locked: shown as designed"
    CHOICE = "choice", "Choice: pick a pre-approved variant"
    TOKEN = "token", "Token: filled from data"
    FREE = "free", "Free: the user writes within limits"
    IMAGE = "image", "Image: pick from a collection or upload"


class Formatting(models.TextChoices):
    BOLD = "bold", "Bold"
    ITALIC = "italic", "Italic"
    LISTS = "lists", "Lists"
    LINKS = "links", "Links"


# Which lock modes make sense for which slot type.
ALLOWED_MODES: dict[SlotType, frozenset[LockMode]] = {
    SlotType.TEXT: frozenset({LockMode.LOCKED, LockMode.CHOICE, LockMode.TOKEN, LockMode.FREE}),
    SlotType.RICH_TEXT: frozenset({LockMode.LOCKED, LockMode.CHOICE, LockMode.FREE}),
    SlotType.BULLETS: frozenset({LockMode.LOCKED, LockMode.CHOICE, LockMode.FREE}),
    SlotType.IMAGE: frozenset({LockMode.LOCKED, LockMode.CHOICE, LockMode.TOKEN, LockMode.IMAGE}),
    SlotType.CONTACT: frozenset({LockMode.LOCKED, LockMode.TOKEN}),
}

USER_SET_MODES = frozenset({LockMode.CHOICE, LockMode.FREE, LockMode.IMAGE})

# Tags each formatting option lets through the sanitiser.
FORMATTING_TAGS: dict[str, frozenset[str]] = {
    Formatting.BOLD: frozenset({"strong", "b"}),
    Formatting.ITALIC: frozenset({"em", "i"}),
    Formatting.LISTS: frozenset({"ul", "ol", "li"}),
    Formatting.LINKS: frozenset({"a"}),
}
BASE_RICH_TAGS = frozenset({"p", "br"})
SAFE_LINK_SCHEMES = frozenset({"https", "mailto", "tel"})


def mode_allowed_for_slot(mode: str, slot_type: SlotType) -> bool:
    return LockMode(mode) in ALLOWED_MODES[slot_type]


def is_user_editable(mode: str) -> bool:
    """True for the lock modes whose value comes from the user (choice, free, image)."""
    return LockMode(mode) in USER_SET_MODES


def ignored_keys(editable_keys: Iterable[str], submitted: Mapping[str, object]) -> list[str]:
    """Submitted keys the user may not set: locked, token, or unknown fields. Sorted for stable messages."""
    return sorted(set(submitted) - set(editable_keys))


def allowed_tags(formatting: Iterable[str]) -> frozenset[str]:
    tags = set(BASE_RICH_TAGS)
    for option in formatting:
        tags |= FORMATTING_TAGS.get(option, frozenset())
    return frozenset(tags)


def field_config_problems(
    *,
    slot_type: SlotType,
    lock_mode: str,
    has_default: bool,
    variant_count: int,
    has_collection: bool,
    allow_upload: bool,
    token_source: str,
    token_slot_types: frozenset[SlotType] | None,
    max_chars: int | None,
    has_formatting: bool,
) -> list[str]:
    """What is wrong with one field's configuration, as messages for the brand manager."""
    mode = LockMode(lock_mode)
    problems = []
    if mode not in ALLOWED_MODES[slot_type]:
        allowed = ", ".join(sorted(m.value for m in ALLOWED_MODES[slot_type]))
        problems.append(f"A {slot_type.label.lower()} slot can be {allowed}, not {mode.value}.")
        return problems
    if mode == LockMode.LOCKED and not has_default and slot_type != SlotType.CONTACT:
        problems.append("A locked field needs its content (default text or image).")
    if mode == LockMode.CHOICE:
        if slot_type == SlotType.IMAGE and not has_collection:
            problems.append("An image choice needs the collection its images come from.")
        if slot_type != SlotType.IMAGE and variant_count < 1:
            problems.append("A choice field needs at least one variant.")
    if mode == LockMode.TOKEN:
        if token_slot_types is None:
            problems.append("Pick the data source this token is filled from.")
        elif slot_type not in token_slot_types:
            problems.append(f"The token {token_source!r} cannot fill a {slot_type.label.lower()} slot.")
    if mode == LockMode.FREE and max_chars is None:
        problems.append("A free field needs a maximum number of characters.")
    if mode == LockMode.IMAGE and not (has_collection or allow_upload):
        problems.append("An image field needs a collection to pick from, or uploads allowed.")
    if has_formatting and not (mode == LockMode.FREE and slot_type == SlotType.RICH_TEXT):
        problems.append("Formatting options apply only to free rich-text fields.")
    return problems
