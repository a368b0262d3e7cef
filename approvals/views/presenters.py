"""Display-ready pieces of the review screen: field by field, what the requester changed against
the template's defaults (a word-level diff, images side by side), the field's constraints and the
brand rules' verdict."""

from dataclasses import dataclass, field
from typing import Any

from django.utils.safestring import SafeString, mark_safe

from wagtail.images import get_image_model

from templates_lib.field_locks import LockMode
from templates_lib.layouts import SlotType
from templates_lib.services.validation import default_value
from templates_lib.tokens import ORGANISATION_LOGO, TOKEN_SOURCES

from ..diffs import formatted_diff, formatted_html, formatted_text_equal, plain_text
from ..rules import Rule

LOCK_MODE_NAMES = {
    LockMode.LOCKED: "Locked",
    LockMode.CHOICE: "Choice",
    LockMode.TOKEN: "Token",
    LockMode.FREE: "Free text",
    LockMode.IMAGE: "Image",
}


def as_plain_text(value: Any, slot_type: str) -> str:
    return plain_text(value, rich=slot_type == SlotType.RICH_TEXT)


def _normalise(text: str) -> str:
    return " ".join(text.split())


@dataclass
class FieldReview:
    key: str
    label: str
    lock_mode: str
    slot_type: str
    constraints: list[str]
    rule_label: str = ""
    needs_review: bool = False
    is_editable: bool = False
    is_image: bool = False
    changed: bool = False
    default_text: str = ""
    value_text: str = ""
    diff: SafeString = mark_safe("")  # word by word against the template's wording, formatting rendered
    default_html: SafeString = mark_safe("")  # the template's wording, formatting rendered
    value_html: SafeString = mark_safe("")  # the submitted text, formatting rendered
    default_image: Any = None
    chosen_image: Any = None
    token_label: str = ""
    comments: list = field(default_factory=list)
    can_promote: bool = False
    is_promoted: bool = False
    # Against the round before (a resubmission): what the reviewer saw then and said about it.
    has_previous: bool = False
    changed_since_previous: bool = False
    previous_html: SafeString = mark_safe("")
    since_previous_diff: SafeString = mark_safe("")
    previous_image: Any = None
    previous_comments: list = field(default_factory=list)

    @property
    def lock_mode_name(self) -> str:
        return LOCK_MODE_NAMES.get(self.lock_mode, self.lock_mode)

    @property
    def is_commentable(self) -> bool:
        return self.is_editable or self.needs_review


def _constraints(tf, slot_type: str, plain: str) -> list[str]:
    items = []
    if tf.lock_mode == LockMode.FREE:
        if tf.max_chars:
            items.append(f"Up to {tf.max_chars} characters (this has {len(plain)})")
        if tf.max_lines:
            items.append(f"Up to {tf.max_lines} line{'s' if tf.max_lines != 1 else ''}")
        if slot_type == SlotType.RICH_TEXT:
            formatting = [option.capitalize() for option in tf.formatting]
            items.append("Formatting: " + (", ".join(formatting) if formatting else "none"))
        items.append("Reviewed by the brand team" if tf.needs_review else "Not reviewed: any text within the limits")
    elif tf.lock_mode == LockMode.CHOICE:
        count = len(tf.variant_list)
        items.append(f"One of {count} approved variant{'s' if count != 1 else ''}" if count else "An approved image")
    elif tf.lock_mode == LockMode.IMAGE:
        items.append(f"From “{tf.collection.name}”" if tf.collection_id and tf.collection else "From the library")
        if tf.allow_upload:
            items.append("Uploads allowed (reviewed)")
    elif tf.lock_mode == LockMode.TOKEN:
        source = TOKEN_SOURCES.get(tf.token_source)
        items.append(f"Filled from {source.label.lower() if source else tf.token_source}")
    if tf.is_required:
        items.append("Required")
    return items


def field_reviews(
    *,
    template,
    values: dict,
    owner,
    assessment: dict,
    comments: list,
    promoted_wordings: dict[str, set[str]] | None = None,
    can_promote: bool = False,
    previous_values: dict | None = None,
    previous_comments: list | None = None,
) -> list[FieldReview]:
    """One FieldReview per field of `template` (the document's pinned revision), in template order.

    `assessment` is the brand rules' assessment of these values (BrandRulesTaskState.assessment);
    `promoted_wordings` the wordings already pre-approved per field in the template's live revision.
    `previous_values` are the values the round before reviewed (None on a first round) and
    `previous_comments` that round's field comments: each field says what changed since."""
    verdicts = {verdict["key"]: verdict for verdict in assessment.get("verdicts", [])}
    comments_by_key: dict[str, list] = {}
    for comment in comments:
        comments_by_key.setdefault(comment.field_key, []).append(comment)
    previous_comments_by_key: dict[str, list] = {}
    for comment in previous_comments or []:
        previous_comments_by_key.setdefault(comment.field_key, []).append(comment)
    promoted_wordings = promoted_wordings or {}
    layout = template.layout_spec
    fields = template.field_list()

    image_ids = set()
    for tf in fields:
        if layout.slot(tf.slot).type == SlotType.IMAGE:
            for source in (values, previous_values or {}):
                image_ids.add(source.get(tf.key) if isinstance(source.get(tf.key), int) else None)
            image_ids.add(tf.default_image_id)
    organisation = getattr(owner, "organisation", None)
    if organisation is not None and organisation.logo_id:
        image_ids.add(organisation.logo_id)
    images = get_image_model().objects.prefetch_related("renditions").in_bulk(image_ids - {None})

    reviews = []
    for tf in fields:
        slot_type = layout.slot(tf.slot).type
        verdict = verdicts.get(tf.key, {})
        rule = verdict.get("rule", "")
        review = FieldReview(
            key=tf.key,
            label=tf.label,
            lock_mode=tf.lock_mode,
            slot_type=slot_type,
            constraints=[],
            rule_label=Rule(rule).label if rule in Rule.values else "",
            needs_review=bool(verdict.get("needs_review")),
            is_editable=tf.is_user_editable,
            is_image=slot_type == SlotType.IMAGE,
            comments=comments_by_key.get(tf.key, []),
        )
        if review.is_image:
            default = tf.default_image_id
            chosen = values.get(tf.key, default) if tf.is_user_editable else default
            review.default_image = images.get(default)
            review.chosen_image = images.get(chosen) if isinstance(chosen, int) else None
            review.changed = chosen != default
            if tf.lock_mode == LockMode.TOKEN and tf.token_source == ORGANISATION_LOGO and organisation:
                review.chosen_image = images.get(organisation.logo_id)
                review.changed = review.chosen_image is not None
        default_text = as_plain_text(default_value(tf) if not review.is_image else "", slot_type)
        value = values.get(tf.key, default_value(tf)) if tf.is_user_editable else default_value(tf)
        value_text = as_plain_text(value if not review.is_image else "", slot_type)
        rich = slot_type == SlotType.RICH_TEXT
        default = default_value(tf)
        if not review.is_image:
            review.default_text, review.value_text = default_text, value_text
            review.changed = not formatted_text_equal(default, value, rich=rich)
            review.default_html = formatted_html(default, rich=rich)
            review.value_html = formatted_html(value, rich=rich)
            review.diff = formatted_diff(default, value, rich=rich)
        if previous_values is not None and tf.is_user_editable:
            _compare_with_previous(review, previous_values.get(tf.key, default), value, rich=rich, images=images)
            review.previous_comments = previous_comments_by_key.get(tf.key, [])
        review.constraints = _constraints(tf, slot_type, value_text)
        if tf.lock_mode == LockMode.TOKEN:
            source = TOKEN_SOURCES.get(tf.token_source)
            review.token_label = source.label if source else tf.token_source
        if rule == Rule.REVIEWED_TEXT and isinstance(values.get(tf.key), str):
            text = values[tf.key].strip()
            review.is_promoted = _normalise(text) in {_normalise(w) for w in promoted_wordings.get(tf.key, set())}
            review.can_promote = can_promote and not review.is_promoted
        reviews.append(review)
    return reviews


def _compare_with_previous(review: FieldReview, previous: Any, value: Any, *, rich: bool, images: dict) -> None:
    review.has_previous = True
    if review.is_image:
        review.previous_image = images.get(previous) if isinstance(previous, int) else None
        chosen = value if isinstance(value, int) else None
        review.changed_since_previous = (previous if isinstance(previous, int) else None) != chosen
        return
    review.changed_since_previous = not formatted_text_equal(previous, value, rich=rich)
    review.previous_html = formatted_html(previous, rich=rich)
    review.since_previous_diff = formatted_diff(previous, value, rich=rich)
