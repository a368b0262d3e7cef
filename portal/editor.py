"""The editor form, generated from a template's editable fields, and what the editor shows for
every field. Validation itself is the templates_lib validation service; this module only shapes
input and output."""

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.utils.text import normalize_newlines

from brand.text import SingleLineFormField
from deals.selectors import deals_for_picker
from templates_lib.field_locks import LockMode
from templates_lib.layouts import SlotType
from templates_lib.rendering.html import resolve_values
from templates_lib.rich_text import rich_text_plain
from templates_lib.selectors import images_for_field
from templates_lib.services.validation import CONTROL_CHARS, CleanResult, default_value
from templates_lib.tokens import NameInsteadOfLogo, TokenContext

UPLOAD_SUFFIX = "__upload"


@dataclass
class ImageOption:
    id: int
    title: str
    thumb_url: str


@dataclass
class EditorField:
    """One field as the editor presents it."""

    key: str
    label: str
    help_text: str
    lock_mode: str
    slot_type: str
    value: Any = None
    slot: str = ""
    section: int = 0
    variants: list[str] = field(default_factory=list)
    images: list[ImageOption] = field(default_factory=list)
    allow_upload: bool = False
    max_chars: int | None = None
    max_lines: int | None = None
    is_required: bool = False
    formatting: list[str] = field(default_factory=list)
    needs_review: bool = False
    errors: list[str] = field(default_factory=list)

    @property
    def is_editable(self) -> bool:
        return self.lock_mode in (LockMode.FREE, LockMode.CHOICE, LockMode.IMAGE)

    @property
    def is_text(self) -> bool:
        return self.lock_mode == LockMode.FREE and self.slot_type == SlotType.TEXT

    @property
    def is_rich(self) -> bool:
        return self.lock_mode == LockMode.FREE and self.slot_type == SlotType.RICH_TEXT

    @property
    def is_bullets(self) -> bool:
        return self.lock_mode == LockMode.FREE and self.slot_type == SlotType.BULLETS

    @property
    def is_text_choice(self) -> bool:
        return self.lock_mode == LockMode.CHOICE and self.slot_type != SlotType.IMAGE

    @property
    def is_image_choice(self) -> bool:
        return self.slot_type == SlotType.IMAGE and self.lock_mode in (LockMode.CHOICE, LockMode.IMAGE)

    @property
    def is_token(self) -> bool:
        return self.lock_mode == LockMode.TOKEN

    @property
    def is_locked(self) -> bool:
        return self.lock_mode == LockMode.LOCKED

    @property
    def multiline(self) -> bool:
        return self.is_bullets or self.is_rich or (self.max_lines or 1) > 1 or (self.max_chars or 0) > 140

    @property
    def length(self) -> int:
        text = "" if self.value is None else str(self.value)
        return len(rich_text_plain(text)) if self.is_rich else len(text)

    @property
    def token_display(self) -> str:
        if isinstance(self.value, NameInsteadOfLogo):
            return f"{self.value.name} (your logo appears once the brand team approves it)"
        if isinstance(self.value, int) and self.slot_type == SlotType.IMAGE:
            return "Your image"
        if isinstance(self.value, dict):
            return " · ".join(str(v) for v in self.value.values() if v)
        return "" if self.value in (None, "") else str(self.value)


def _image_options(tf, user) -> list[ImageOption]:
    options = []
    for image in images_for_field(tf, user).order_by("title").prefetch_renditions("fill-240x160"):
        options.append(ImageOption(image.pk, image.title, image.get_rendition("fill-240x160").url))
    return options


def editor_fields(
    *,
    template,
    values: dict,
    user,
    errors: dict[str, list[str]] | None = None,
    raw: dict | None = None,
    with_images: bool = True,
    deal=None,
) -> list[EditorField]:
    """Every field in template order, with the value the editor shows: the typed value when there
    is one (`raw`, so nothing typed is lost on an error), else the stored value, else the default."""
    errors = errors or {}
    resolved = resolve_values(template=template, values=values, token_context=TokenContext(user=user, deal=deal))
    result = []
    layout = template.layout_spec
    for tf in template.field_list():
        slot_spec = layout.slot(tf.slot)
        slot_type = slot_spec.type
        value = resolved.get(tf.key)
        if raw is not None and tf.key in raw and tf.is_user_editable:
            value = raw[tf.key]
        entry = EditorField(
            key=tf.key,
            label=tf.label,
            help_text=tf.help_text,
            lock_mode=tf.lock_mode,
            slot_type=slot_type,
            value=value,
            slot=tf.slot,
            section=tf.section if slot_spec.in_section else 0,
            variants=tf.variant_list if tf.lock_mode == LockMode.CHOICE else [],
            allow_upload=tf.allow_upload and tf.lock_mode == LockMode.IMAGE,
            max_chars=tf.max_chars,
            max_lines=tf.max_lines,
            is_required=tf.is_required,
            formatting=tf.formatting,
            needs_review=tf.needs_review,
            errors=errors.get(tf.key, []),
        )
        if entry.is_image_choice and with_images:
            entry.images = _image_options(tf, user)
            if isinstance(value, str) and value.isdigit():
                entry.value = int(value)
        result.append(entry)
    return result


def submitted_values(template, data) -> dict[str, Any]:
    """The editable values as posted (locked and token keys are not even read). Browsers send line
    breaks as CRLF; they become LF, as stored, so a redisplayed form finds the chosen variant."""
    values = {}
    for tf in template.editable_fields():
        if tf.key in data:
            values[tf.key] = CONTROL_CHARS.sub("", normalize_newlines(data.get(tf.key, "")))
    return values


class TitleForm(forms.Form):
    # Checked as it will be stored (on one line), so a name of only control characters is no name.
    title = SingleLineFormField(max_length=200, required=True, error_messages={"required": "Give the document a name."})


def preview_values(template, submitted: dict, result: CleanResult) -> dict:
    """Values for the live preview: cleaned values, plus the typed text of fields that are only over
    a limit, so the user sees what they wrote (still escaped by the layout)."""
    values = dict(result.values)
    for tf in template.editable_fields():
        if tf.key in result.errors and tf.key in submitted and tf.lock_mode == LockMode.FREE:
            if template.layout_spec.slot(tf.slot).type != SlotType.RICH_TEXT:
                values[tf.key] = submitted[tf.key]
        elif tf.key not in values:
            values[tf.key] = default_value(tf)
    return values


DEAL_PICKER_LIMIT = 200


@dataclass(frozen=True)
class DealOption:
    public_id: str
    label: str
    is_selected: bool


def deal_options(user, selected) -> list[DealOption]:
    """The editor's "For deal" choices: the user's open deals (and the chosen one, even if it has
    closed since), labelled by name and account."""
    deals = list(deals_for_picker(user)[:DEAL_PICKER_LIMIT])
    if selected is not None and selected.pk not in {deal.pk for deal in deals}:
        deals.insert(0, selected)
    selected_pk = selected.pk if selected is not None else None
    return [
        DealOption(
            str(deal.public_id),
            f"{deal.name} · {deal.account_name}" if deal.account_name else deal.name,
            deal.pk == selected_pk,
        )
        for deal in deals
    ]


@dataclass(frozen=True)
class ErrorSummaryItem:
    """One entry of the error summary at the top of a rejected editor form: the message, and the
    id of the element its link goes to ("" for a problem of the whole document)."""

    message: str
    target: str = ""
    field_key: str = ""


def _labelled(label: str, message: str) -> str:
    return message if message.startswith(label) else f"{label}: {message}"


def error_summary(fields: list[EditorField], errors: dict[str, list[str]]) -> list[ErrorSummaryItem]:
    """Every error of a rejected save, in the order of the form, each linking to its field."""
    items = [ErrorSummaryItem(_labelled("Document name", m), "id_title") for m in errors.get("title", [])]
    items += [ErrorSummaryItem(_labelled("For deal", m), "id_deal") for m in errors.get("deal", [])]
    for f in fields:
        target = f"id_{f.key}" if f.lock_mode == LockMode.FREE else f"field-{f.key}"
        items += [ErrorSummaryItem(_labelled(f.label, m), target, f.key) for m in f.errors]
    items += [ErrorSummaryItem(m) for m in errors.get("__all__", [])]
    return items


@dataclass
class FieldGroup:
    """Consecutive editor rows of one section of the layout (0: the fields outside any section),
    so a multi-page document's form follows its pages."""

    section: int
    title: str = ""
    rows: list = field(default_factory=list)

    @property
    def needs_attention(self) -> bool:
        return any(row.field.errors or row.is_flagged for row in self.rows)


def _section_title(section: int, fields: list[EditorField]) -> str:
    """ "Section 2 · Deal intelligence": the number and the text of the section's title field."""
    named = next((f for f in fields if f.section == section and f.slot.endswith("title")), None)
    text = named.value.strip() if named is not None and isinstance(named.value, str) else ""
    return f"Section {section} · {text[:60]}" if text else f"Section {section}"


def field_groups(rows, fields: list[EditorField]) -> list[FieldGroup]:
    """`rows` (the ones the form shows) grouped by section, in order; `fields` (all of them) give
    each section its title."""
    groups: list[FieldGroup] = []
    for row in rows:
        section = row.field.section
        if not groups or groups[-1].section != section:
            after_sections = not section and any(group.section for group in groups)
            title = _section_title(section, fields) if section else ("Closing" if after_sections else "")
            groups.append(FieldGroup(section, title))
        groups[-1].rows.append(row)
    return groups
