"""A template's life after publishing: retiring it (optionally pointing users to a replacement),
reinstating it, and moving documents made from an older revision to the template's live one.

Scheduling needs nothing here: `go_live_at`/`expire_at` are Wagtail's (PublishingPanel), and
`CollateralTemplateQuerySet.in_use` checks them against the clock. `manage.py publish_scheduled`
must still run periodically so scheduled revisions go live and expired templates are
unpublished in Wagtail admin too."""

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from wagtail.log_actions import log
from wagtail.models import Revision

from accounts.models import User

from ..models import ApprovalState, CollateralDocument, CollateralTemplate, TemplateField
from ..revisions import template_at_revision
from ..tokens import TokenContext
from .validation import CleanResult, document_values_clean

REPLACEMENT_CHAIN_LIMIT = 5


class LifecycleError(Exception):
    """A lifecycle change refused, with a message for the user."""


# --- Retiring -------------------------------------------------------------------------------


def can_manage_lifecycle(user: User) -> bool:
    """Brand managers (template publishers) retire and reinstate templates; partners never do."""
    return bool(
        user.is_authenticated
        and user.is_active
        and getattr(user, "organisation_id", None) is None
        and user.has_perm("templates_lib.publish_collateraltemplate")
    )


def replacement_problem(*, template: CollateralTemplate, replacement: CollateralTemplate) -> str:
    """Why `replacement` cannot stand in for `template` ("" when it can)."""
    if replacement.pk == template.pk:
        return "A template cannot replace itself. Choose another template."
    if not replacement.live:
        return f"“{replacement.title}” is not published. Choose a published template."
    if replacement.is_retired:
        return f"“{replacement.title}” is retired itself. Choose a template that is in use."
    if replacement.is_expired:
        return f"“{replacement.title}” has expired. Choose a template that is in use."
    if not replacement.is_in_use:
        return f"“{replacement.title}” does not go live until later. Choose a template that is in use."
    return ""


@transaction.atomic
def template_retire(
    *, template: CollateralTemplate, user: User, replacement: CollateralTemplate | None = None
) -> CollateralTemplate:
    """Take a template out of use: it leaves the library, nobody can start a document from it,
    and its documents can no longer be downloaded as final PDFs; they point to `replacement`.

    Raises PermissionDenied unless `user` may publish templates, and LifecycleError when the
    template is already retired or the replacement is not a published template in use."""
    if not can_manage_lifecycle(user):
        raise PermissionDenied
    template = CollateralTemplate.objects.select_for_update().get(pk=template.pk)
    if template.is_retired:
        raise LifecycleError(f"“{template.title}” is already retired.")
    if replacement is not None:
        problem = replacement_problem(template=template, replacement=replacement)
        if problem:
            raise LifecycleError(problem)
    template.retired_at = timezone.now()
    template.retired_by = user
    template.replacement = replacement
    template.save(update_fields=["retired_at", "retired_by", "replacement", "updated_at"])
    _audit(
        template,
        "lastmile.template.retired",
        user=user,
        replacement=replacement.pk if replacement else None,
        replacement_title=replacement.title if replacement else "",
    )
    return template


@transaction.atomic
def template_reinstate(*, template: CollateralTemplate, user: User) -> CollateralTemplate:
    """Put a retired template back into use (its replacement link is cleared).

    Raises PermissionDenied unless `user` may publish templates, LifecycleError when it is not retired."""
    if not can_manage_lifecycle(user):
        raise PermissionDenied
    template = CollateralTemplate.objects.select_for_update().get(pk=template.pk)
    if not template.is_retired:
        raise LifecycleError(f"“{template.title}” is not retired.")
    retired_at = template.retired_at
    template.retired_at = None
    template.retired_by = None
    template.replacement = None
    template.save(update_fields=["retired_at", "retired_by", "replacement", "updated_at"])
    _audit(template, "lastmile.template.reinstated", user=user, retired_at=retired_at.isoformat())
    return template


def _audit(template: CollateralTemplate, action: str, *, user: User, **data: Any) -> None:
    """An entry in Wagtail's audit log (the action labels are registered by approvals/)."""
    log(instance=template, action=action, user=user, data=data)


def usable_replacement(template: CollateralTemplate) -> CollateralTemplate | None:
    """The template users of `template` should move to: its replacement or, if that was retired
    or expired since, the replacement's replacement (a few steps at most)."""
    candidate = template.replacement if template.replacement_id else None
    for _ in range(REPLACEMENT_CHAIN_LIMIT):
        if candidate is None:
            return None
        if candidate.is_in_use:
            return candidate
        candidate = candidate.replacement if candidate.replacement_id else None
    return None


# --- Upgrading documents --------------------------------------------------------------------


@dataclass
class RevisionChanges:
    """What a newer template revision changes for a document, as field labels."""

    added: list[str] = field(default_factory=list)  # new fields the user can fill in
    removed: list[str] = field(default_factory=list)  # fields the user set that are gone
    now_locked: list[str] = field(default_factory=list)  # the user's fields the brand team now sets
    now_editable: list[str] = field(default_factory=list)  # brand content the user may now change
    updated: list[str] = field(default_factory=list)  # brand content (locked) that changed

    @property
    def has_changes(self) -> bool:
        return any((self.added, self.removed, self.now_locked, self.now_editable, self.updated))


def _brand_content(tf: TemplateField) -> tuple[Any, ...]:
    return (tf.lock_mode, tf.default_text, tf.default_image_id, tf.token_source, tf.slot, tf.section)


def revision_changes(*, old: CollateralTemplate, new: CollateralTemplate) -> RevisionChanges:
    """Compare two revisions of a template (objects from `template_at_revision`) field by field."""
    old_fields = {tf.key: tf for tf in old.field_list()}
    new_fields = {tf.key: tf for tf in new.field_list()}
    changes = RevisionChanges()
    for key, tf in new_fields.items():
        before = old_fields.get(key)
        if before is None:
            if tf.is_user_editable:
                changes.added.append(tf.label)
            else:
                changes.updated.append(tf.label)
        elif before.is_user_editable and not tf.is_user_editable:
            changes.now_locked.append(tf.label)
        elif not before.is_user_editable and tf.is_user_editable:
            changes.now_editable.append(tf.label)
        elif not tf.is_user_editable and _brand_content(before) != _brand_content(tf):
            changes.updated.append(tf.label)
    changes.removed = [tf.label for key, tf in old_fields.items() if key not in new_fields and tf.is_user_editable]
    return changes


def newer_template_revision(document: CollateralDocument) -> Revision | None:
    """The revision the document can be upgraded to: its template's live revision, when it is newer
    than the one the document is pinned to and the template is still in use (None otherwise)."""
    template = document.template
    if not template.is_in_use:
        return None
    if template.live_revision_id <= document.template_revision_id:
        return None
    return template.live_revision


def carried_values(
    *, old: CollateralTemplate, new: CollateralTemplate, values: dict[str, Any], owner: User | None = None
) -> dict[str, Any]:
    """The document's values that move to `new`: those of fields still there and still the
    user's to set. A value the user left at the old revision's default is not carried, so the
    field takes the new revision's default (the brand team's current wording)."""
    old_defaults = document_values_clean(
        template=old, submitted={}, token_context=TokenContext(user=owner), check_fit=False
    ).values
    editable = {tf.key for tf in new.editable_fields()}
    return {
        key: value
        for key, value in values.items()
        if key in editable and not (key in old_defaults and old_defaults[key] == value)
    }


@dataclass
class DroppedValue:
    key: str
    label: str
    reason: str


def values_for_revision(
    *, new: CollateralTemplate, carried: dict[str, Any], owner: User | None = None, check_fit: bool = True
) -> tuple[CleanResult, list[DroppedValue]]:
    """Validate carried values against `new`; a value that no longer passes is dropped (its
    field takes the new default) and reported. LifecycleError if the new defaults fail."""
    labels = {tf.key: tf.label for tf in new.field_list()}
    submitted = dict(carried)
    dropped: list[DroppedValue] = []
    for _ in range(len(carried) + 1):
        result = document_values_clean(
            template=new, submitted=submitted, token_context=TokenContext(user=owner), check_fit=check_fit
        )
        if result.is_valid:
            return result, dropped
        bad = [key for key in result.errors if key in submitted]
        if not bad:
            break
        for key in bad:
            submitted.pop(key)
            dropped.append(DroppedValue(key=key, label=labels.get(key, key), reason=" ".join(result.errors[key])))
    raise LifecycleError("The newer version of this template cannot be used yet. Please tell the brand team.")


@dataclass
class UpgradeResult:
    document: CollateralDocument
    from_revision_id: int
    to_revision_id: int
    dropped: list[DroppedValue]
    before: dict[str, Any] = field(default_factory=dict)

    @property
    def is_approved(self) -> bool:
        return self.document.approval_state == ApprovalState.APPROVED


@dataclass(frozen=True)
class UpgradePlan:
    """What upgrading a document will do, worked out (copy-fit included) before anything is written."""

    document_id: int
    from_revision_id: int
    to_revision_id: int
    values_before: dict[str, Any]
    values: dict[str, Any]
    dropped: list[DroppedValue]


def _upgrade_refusal(document: CollateralDocument, user: User) -> Revision:
    """The revision to upgrade to; PermissionDenied or LifecycleError when there is none."""
    if document.owner_id != user.pk or document.deleted_at is not None:
        raise PermissionDenied
    template = document.template
    reason = template.withdrawal_reason
    if reason:
        raise LifecycleError(f"“{template.title}” is {reason}, so its documents cannot be upgraded.")
    if document.approval_state == ApprovalState.IN_REVIEW:
        raise LifecycleError("This document is waiting for brand review. Withdraw it first, then upgrade it.")
    target = newer_template_revision(document)
    if target is None:
        raise LifecycleError("This document already uses the latest version of its template.")
    return target


def document_upgrade_plan(*, document: CollateralDocument, user: User) -> UpgradePlan:
    """Work out the move of a document to its template's live revision. Values of fields that still
    exist and are still the user's to set are carried over and validated against the new revision
    (copy-fit included, so call this outside any transaction); those that no longer pass are
    dropped to the new default and reported. Locked content comes from the new revision.

    Raises PermissionDenied for anyone but the owner, and LifecycleError while the document is in
    review, when its template is retired or expired, or when it is already up to date."""
    document = CollateralDocument.objects.select_related("template", "owner", "template_revision").get(pk=document.pk)
    target = _upgrade_refusal(document, user)
    new = template_at_revision(target)
    carried = carried_values(old=document.pinned_template(), new=new, values=document.values, owner=document.owner)
    result, dropped = values_for_revision(new=new, carried=carried, owner=document.owner)
    return UpgradePlan(
        document_id=document.pk,
        from_revision_id=document.template_revision_id,
        to_revision_id=target.pk,
        values_before=dict(document.values),
        values=result.values,
        dropped=dropped,
    )


@transaction.atomic
def document_row_upgrade(*, plan: UpgradePlan, user: User) -> UpgradeResult:
    """Apply an upgrade plan to the document's row, locked. The approval services then send the
    document through the brand rules again, so an approved document stays approved only while its
    values are still within the rules or unchanged since approval.

    Raises what `document_upgrade_plan` raises, and LifecycleError when the document or its
    template changed since the plan was made (nothing is written then)."""
    document = (
        CollateralDocument.objects.select_for_update(of=("self",))
        .select_related("template", "owner", "template_revision")
        .get(pk=plan.document_id)
    )
    target = _upgrade_refusal(document, user)
    changed = (
        target.pk != plan.to_revision_id
        or document.template_revision_id != plan.from_revision_id
        or document.values != plan.values_before
    )
    if changed:
        raise LifecycleError("This document or its template changed a moment ago. Please try the upgrade again.")
    document.template_revision = target
    document.values = plan.values
    document.save(update_fields=["template_revision", "values", "updated_at"])
    return UpgradeResult(
        document=document,
        from_revision_id=plan.from_revision_id,
        to_revision_id=target.pk,
        dropped=plan.dropped,
        before=plan.values_before,
    )
