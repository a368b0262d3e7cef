"""The brand rules: which of a document's values are pre-approved and which need a person.

Pure assessment over a template (as pinned), the document's values and what was approved
before; the only queries are one for the images the values name and, when a template field
asks for the organisation's logo, its approval flag.

A value is within the rules when it is
- locked content, a choice among the template's variants, or a token from the user's profile;
- free text in a field not marked for review (its limits are checked by the validation service);
- free text in a reviewed field that is the template's default, a wording the brand team
  approved in advance (promoted), or the same text that was approved for this document before;
- an image from the field's approved collection, or an upload the brand team approved.

It needs review when it is free text in a reviewed field that is none of those, an uploaded
image not yet approved, or the partner logo of an organisation whose logo is not approved.
"""

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db import models

from wagtail.images import get_image_model

from brand.models import UploadReview
from templates_lib.field_locks import LockMode
from templates_lib.layouts import SlotType
from templates_lib.revisions import template_at_revision
from templates_lib.services.validation import default_value
from templates_lib.tokens import ORGANISATION_LOGO


class Rule(models.TextChoices):
    LOCKED = "locked", "Locked content of the template"
    CHOICE = "choice", "A pre-approved variant"
    TOKEN = "token", "Filled from the user's profile"
    FREE_TEXT = "free_text", "Free text within the field's limits"
    TEMPLATE_DEFAULT = "template_default", "The template's own wording"
    PROMOTED_WORDING = "promoted_wording", "A wording the brand team pre-approved"
    APPROVED_BEFORE = "approved_before", "Unchanged since it was approved"
    LIBRARY_IMAGE = "library_image", "An image from the approved library"
    APPROVED_UPLOAD = "approved_upload", "An uploaded image the brand team approved"
    # Values that need a person:
    REVIEWED_TEXT = "reviewed_text", "New text in a field the brand team reviews"
    UPLOADED_IMAGE = "uploaded_image", "An uploaded image not yet approved"
    PARTNER_LOGO = "partner_logo", "The partner logo is not yet approved"


@dataclass
class FieldVerdict:
    key: str
    label: str
    lock_mode: str
    rule: str
    needs_review: bool
    image_id: int | None = None  # the upload or partner logo the verdict is about

    @property
    def rule_label(self) -> str:
        return Rule(self.rule).label


@dataclass
class Assessment:
    verdicts: list[FieldVerdict] = field(default_factory=list)
    values_hash: str = ""

    @property
    def needs_review(self) -> list[FieldVerdict]:
        return [verdict for verdict in self.verdicts if verdict.needs_review]

    @property
    def within_rules(self) -> bool:
        return not self.needs_review

    def rules_applied(self) -> list[str]:
        seen: dict[str, None] = {}
        for verdict in self.verdicts:
            if not verdict.needs_review:
                seen[verdict.rule] = None
        return list(seen)

    def summary(self) -> str:
        if self.within_rules:
            labels = [Rule(rule).label.lower() for rule in self.rules_applied()]
            return "Approved automatically: every value is " + ("; ".join(labels) or "the template's") + "."
        return "Needs review: " + "; ".join(f"{v.label} ({Rule(v.rule).label.lower()})" for v in self.needs_review)

    def as_json(self) -> dict[str, Any]:
        return {
            "values_hash": self.values_hash,
            "needs_review": [v.key for v in self.needs_review],
            "rules": self.rules_applied(),
            "verdicts": [asdict(v) for v in self.verdicts],
        }


def values_hash(values: dict[str, Any]) -> str:
    """A stable fingerprint of a document's content, for the audit trail."""
    canonical = json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def approved_wordings(template_field, current_field=None) -> set[str]:
    """Wordings approved in advance: the field's variants in the pinned revision and, so that a
    promotion helps documents made earlier too, in the template's live revision."""
    wordings = set(template_field.variant_list)
    if current_field is not None:
        wordings |= set(current_field.variant_list)
    return {_normalise(w) for w in wordings}


def _normalise(text: Any) -> str:
    return " ".join(str(text or "").split())


def _image_ids(template, values) -> set[int]:
    ids = set()
    for tf in template.editable_fields():
        value = values.get(tf.key)
        if tf.slot_type == SlotType.IMAGE and isinstance(value, int):
            ids.add(value)
    return ids


def assess(
    *,
    template,
    values: dict[str, Any],
    owner,
    approved_values: dict[str, Any] | None = None,
    current_template=None,
) -> Assessment:
    """Give every field of `template` (the document's pinned revision) a verdict.

    `approved_values` are the values of the document's last approved revision;
    `current_template` is the template's live revision, whose promoted wordings count too.
    """

    approved_values = approved_values or {}
    current_fields = {tf.key: tf for tf in current_template.field_list()} if current_template is not None else {}
    images = {
        image.pk: image
        for image in get_image_model()
        .objects.filter(pk__in=_image_ids(template, values))
        .only("pk", "collection_id", "review_state")
    }
    assessment = Assessment(values_hash=values_hash(values))
    for tf in template.field_list():
        rule, needs_review = _field_rule(tf, values, approved_values, images, owner, current_fields.get(tf.key))
        image_id = None
        if rule == Rule.PARTNER_LOGO:
            image_id = owner.organisation.logo_id
        elif rule in (Rule.UPLOADED_IMAGE, Rule.APPROVED_UPLOAD) and isinstance(values.get(tf.key), int):
            image_id = values[tf.key]
        assessment.verdicts.append(
            FieldVerdict(
                key=tf.key,
                label=tf.label,
                lock_mode=tf.lock_mode,
                rule=rule,
                needs_review=needs_review,
                image_id=image_id,
            )
        )
    return assessment


def _field_rule(tf, values, approved_values, images, owner, current_field) -> tuple[str, bool]:
    if tf.lock_mode == LockMode.LOCKED:
        return Rule.LOCKED, False
    if tf.lock_mode == LockMode.TOKEN:
        if tf.token_source == ORGANISATION_LOGO and _organisation_logo_pending(owner):
            return Rule.PARTNER_LOGO, True
        return Rule.TOKEN, False
    value = values.get(tf.key, default_value(tf))
    if tf.slot_type == SlotType.IMAGE:
        return _image_rule(tf, value, approved_values, images)
    if tf.lock_mode == LockMode.CHOICE:
        return Rule.CHOICE, False
    if not tf.needs_review:
        return Rule.FREE_TEXT, False
    text = _normalise(value)
    if text == _normalise(tf.default_text):
        return Rule.TEMPLATE_DEFAULT, False
    if text in approved_wordings(tf, current_field):
        return Rule.PROMOTED_WORDING, False
    if tf.key in approved_values and text == _normalise(approved_values[tf.key]):
        return Rule.APPROVED_BEFORE, False
    return Rule.REVIEWED_TEXT, True


def _image_rule(tf, value, approved_values, images) -> tuple[str, bool]:

    if value in (None, "") or value == tf.default_image_id:
        return Rule.LIBRARY_IMAGE, False
    image = images.get(value)
    if image is not None and tf.collection_id is not None and image.collection_id == tf.collection_id:
        return Rule.LIBRARY_IMAGE, False
    if image is not None and image.review_state == UploadReview.APPROVED:
        return Rule.APPROVED_UPLOAD, False
    if approved_values.get(tf.key) == value:
        return Rule.APPROVED_BEFORE, False
    return Rule.UPLOADED_IMAGE, True


def _organisation_logo_pending(owner) -> bool:
    organisation = getattr(owner, "organisation", None)
    return bool(organisation and organisation.logo_id and not organisation.is_logo_approved)


def approved_values_of(document) -> dict[str, Any]:
    """The values of the document's last approved (live) revision."""
    if not document.live_revision_id:
        return {}
    return dict(document.live_revision.content.get("values") or {})


def assess_document(document) -> Assessment:
    template = document.template
    current = None
    if template.live_revision_id and template.live_revision_id != document.template_revision_id:
        current = template_at_revision(template.live_revision)
    return assess(
        template=document.pinned_template(),
        values=document.values,
        owner=document.owner,
        approved_values=approved_values_of(document),
        current_template=current,
    )
