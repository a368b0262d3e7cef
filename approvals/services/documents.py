"""The requester's side: documents' content through the rules, the editor's save, submit and
withdraw."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from wagtail.models import TaskState, WorkflowState

from accounts.models import User
from brand.models import BrandImage
from brand.services import user_image_upload
from templates_lib.models import ApprovalState, CollateralDocument, CollateralTemplate
from templates_lib.revisions import template_at_revision
from templates_lib.services.documents import (
    WORKFLOW_FIELDS,
    DocumentFrozenError,
    DocumentValuesError,
    clean_title,
    document_row_create,
    document_row_delete,
    document_row_duplicate,
    document_row_update,
    document_values_check,
    template_in_use_check,
)
from templates_lib.services.lifecycle import UpgradePlan, UpgradeResult, document_row_upgrade, document_upgrade_plan
from templates_lib.services.validation import CONTROL_CHARS, document_values_clean
from templates_lib.tokens import TokenContext

from ..audit import audit_document
from ..models import BrandReviewTaskState, NotificationKind, latest_review_state, latest_rules_state
from ..notifications import notify, reviewers_for
from ..rules import assess_document
from ..tasks import final_render_queue
from ..workflow import document_workflow, rules_task
from .common import ApprovalError, DecisionConflict, lock_document, review_admin_url, set_approval_state

NOTE_MAX_CHARS = 2000

# --- Content through the rules --------------------------------------------------------------


# Copy-fit lays the document out in a render process, which is refused inside a database
# transaction: each service below checks the values (copy-fit included) first, then opens its
# transaction, where the row writes validate again without copy-fit.


def document_create(
    *, template: CollateralTemplate, owner: User, values: Mapping[str, Any], title: str = "", check_fit: bool = True
) -> CollateralDocument:
    """Create a document (templates_lib validates it) and send its content through the rules.
    Raises TemplateNotPublishedError or DocumentValuesError; nothing is written then."""
    template_in_use_check(template)
    if check_fit:
        document_values_check(template=template_at_revision(template.live_revision), values=dict(values), owner=owner)
    return _create(template=template, owner=owner, values=dict(values), title=title)


@transaction.atomic
def _create(*, template: CollateralTemplate, owner: User, values: dict[str, Any], title: str) -> CollateralDocument:
    document = document_row_create(template=template, owner=owner, values=values, title=title)
    document_recorded(document, user=owner, before=None, created=True)
    return document


def document_update(
    *, document: CollateralDocument, values: Mapping[str, Any], title: str | None = None, check_fit: bool = True
) -> CollateralDocument:
    """Change a document's content (refused while it is in review: DocumentFrozenError); a change
    of values is a new revision that goes through the rules. DocumentValuesError for bad values."""
    if check_fit:
        document_values_check(template=document.pinned_template(), values=dict(values), owner=document.owner)
    return _update(document=document, values=dict(values), title=title)


@transaction.atomic
def _update(*, document: CollateralDocument, values: dict[str, Any], title: str | None) -> CollateralDocument:
    before = dict(document.values)
    document_row_update(document=document, values=values, title=title)
    if document.values != before or document.latest_revision_id is None:
        document_recorded(document, user=document.owner, before=before)
    return document


@transaction.atomic
def document_duplicate(*, document: CollateralDocument, owner: User) -> CollateralDocument:
    """A copy goes through the rules as a new document: values approved for the original are
    not approved for the copy unless the rules allow them anyway."""
    copy = document_row_duplicate(document=document, owner=owner)
    document_recorded(copy, user=owner, before=None, created=True)
    return copy


def document_upgrade(*, document: CollateralDocument, user: User) -> UpgradeResult:
    """Move a document to its template's newer revision (templates_lib.services.lifecycle), then
    through the rules again: it stays approved only while its values are within the rules or
    unchanged since approval. The values are checked against the new revision (copy-fit
    included) before the transaction opens."""
    plan = document_upgrade_plan(document=document, user=user)
    return _upgrade(plan=plan, user=user)


@transaction.atomic
def _upgrade(*, plan: UpgradePlan, user: User) -> UpgradeResult:
    result = document_row_upgrade(plan=plan, user=user)
    document = result.document
    document_recorded(document, user=user, before=result.before)
    audit_document(
        document,
        "lastmile.document.upgraded",
        user=user,
        before=result.before,
        from_revision=result.from_revision_id,
        to_revision=result.to_revision_id,
        dropped=[value.key for value in result.dropped],
    )
    document.refresh_from_db(fields=WORKFLOW_FIELDS)
    return result


@transaction.atomic
def document_recorded(
    document: CollateralDocument, *, user: User, before: dict[str, Any] | None, created: bool = False
) -> None:
    """A document's content was created or changed: keep it as a revision, then apply the rules.

    Within the rules it is approved at once; otherwise it waits for the user to submit it
    (a document with changes requested keeps that state, so its comments stay in view)."""
    document.refresh_from_db(fields=WORKFLOW_FIELDS)
    revision = document.save_revision(user=user, clean=False, log_action=False)
    audit_document(
        document,
        "lastmile.document.created" if created else "lastmile.document.edited",
        user=user,
        before=before,
        revision=revision,
    )
    assessment = assess_document(document)
    if assessment.within_rules:
        _run_workflow(document, user=user, note="")
        return
    if document.approval_state != ApprovalState.CHANGES_REQUESTED:
        set_approval_state(document, ApprovalState.NEEDS_APPROVAL)


# --- The editor's save ----------------------------------------------------------------------


@dataclass(frozen=True)
class SaveResult:
    document: CollateralDocument
    created: bool
    changed: bool  # the content changed: a new revision went through the rules
    withdrawn: bool  # the document was taken out of review first


def document_save(
    *,
    user: User,
    values: Mapping[str, Any],
    title: str,
    template: CollateralTemplate | None = None,
    document: CollateralDocument | None = None,
    uploads: Mapping[str, UploadedFile] | None = None,
    withdraw_first: bool = False,
    check_fit: bool = True,
) -> SaveResult:
    """The editor's save, all or nothing: take the document out of review if asked (and if it is
    still in review), store the images uploaded for fields that take uploads (each becomes its
    field's value), create the document from `template` or update `document`, and queue its final
    render after commit.

    Raises PermissionDenied when `user` does not own `document`; DocumentFrozenError when it waits
    for review and `withdraw_first` is not set; DocumentValuesError with per-field messages (title
    and uploads included). When anything is refused, nothing is kept: no withdrawal, no document
    change, and no upload in the database, in storage or in the reviewers' queue."""
    if document is not None and document.owner_id != user.pk:
        raise PermissionDenied
    uploads = uploads or {}
    _save_check(
        user=user,
        values=dict(values),
        title=title,
        template=template,
        document=document,
        uploads=uploads,
        withdraw_first=withdraw_first,
        check_fit=check_fit,
    )
    stored: list[BrandImage] = []
    try:
        with transaction.atomic():
            result = _save(
                user=user,
                values=dict(values),
                title=title,
                template=template,
                document=document,
                uploads=uploads,
                withdraw_first=withdraw_first,
                stored=stored,
            )
    except BaseException:
        for image in stored:
            image.file.delete(save=False)
        raise
    return result


def _save_check(
    *,
    user: User,
    values: dict[str, Any],
    title: str,
    template: CollateralTemplate | None,
    document: CollateralDocument | None,
    uploads: Mapping[str, UploadedFile],
    withdraw_first: bool,
    check_fit: bool,
) -> None:
    """What can be refused before anything is written, copy-fit included (outside any transaction):
    the title and every value other than the uploads, all errors at once."""
    if document is None:
        template_in_use_check(template)
    elif document.approval_state == ApprovalState.IN_REVIEW and not withdraw_first:
        raise DocumentFrozenError("This document is waiting for brand review. Withdraw it to make changes.")
    pinned = document.pinned_template() if document is not None else template_at_revision(template.live_revision)
    typed = {key: value for key, value in values.items() if key not in uploads}
    owner = document.owner if document is not None else user
    errors = document_values_clean(
        template=pinned, submitted=typed, token_context=TokenContext(user=owner), check_fit=check_fit
    ).errors
    if not clean_title(title):
        errors["title"] = ["Give the document a name."]
    if errors:
        raise DocumentValuesError(errors)


def _save(
    *,
    user: User,
    values: dict[str, Any],
    title: str,
    template: CollateralTemplate | None,
    document: CollateralDocument | None,
    uploads: Mapping[str, UploadedFile],
    withdraw_first: bool,
    stored: list[BrandImage],
) -> SaveResult:
    withdrawn = False
    if document is not None and withdraw_first:
        withdrawn = _withdraw_if_in_review(document, user=user)
    pinned = document.pinned_template() if document is not None else template_at_revision(template.live_revision)
    errors: dict[str, list[str]] = {}
    for tf in pinned.editable_fields():
        upload = uploads.get(tf.key)
        if upload is None:
            continue
        if not tf.allow_upload:
            errors.setdefault(tf.key, []).append("This image cannot be replaced by an upload.")
            continue
        try:
            image = user_image_upload(user=user, file=upload)
        except ValidationError as exc:
            errors.setdefault(tf.key, []).extend(exc.messages)
            continue
        stored.append(image)
        values[tf.key] = str(image.pk)
    if errors:
        raise DocumentValuesError(errors)
    if document is None:
        document = _create(template=template, owner=user, values=values, title=title)
        created, changed = True, True
    else:
        revision_before = document.latest_revision_id
        _update(document=document, values=values, title=title)
        created, changed = False, document.latest_revision_id != revision_before
    final_render_queue(document)
    return SaveResult(document=document, created=created, changed=changed, withdrawn=withdrawn)


def _withdraw_if_in_review(document: CollateralDocument, *, user: User) -> bool:
    """For "withdraw and save". If a reviewer decided in the meantime there is nothing to withdraw,
    and the save goes ahead."""
    try:
        document_withdraw(document, user=user)
    except DecisionConflict:
        return False
    document.refresh_from_db(fields=WORKFLOW_FIELDS)
    return True


# --- Submit and withdraw --------------------------------------------------------------------


def clean_note(note: str) -> str:
    """The requester's note to the reviewer: line breaks kept, other control characters (NUL
    included, which PostgreSQL refuses) dropped, at most NOTE_MAX_CHARS characters."""
    return CONTROL_CHARS.sub("", note).strip()[:NOTE_MAX_CHARS]


def submit_refusal(document: CollateralDocument) -> str:
    """Why the owner may not submit `document` for brand review now ("" when they may)."""
    if document.deleted_at is not None:
        return "This document was deleted."
    if document.approval_state == ApprovalState.IN_REVIEW:
        return "This document is already waiting for review."
    if document.approval_state == ApprovalState.APPROVED and document.latest_revision_id == document.live_revision_id:
        return "This document is already approved."
    reason = document.template.withdrawal_reason
    if reason:
        return f"The template of this document is {reason}; it can no longer be submitted."
    return ""


@transaction.atomic
def document_submit(document: CollateralDocument, *, user: User, note: str = "") -> str:
    """Send the document to brand review (or approve it, if the rules now allow everything).
    Returns the new approval state. PermissionDenied for anyone but the owner; ApprovalError with
    `submit_refusal`'s reason when it cannot be submitted."""
    document = _locked(document)
    if document.owner_id != user.pk:
        raise PermissionDenied
    reason = submit_refusal(document)
    if reason:
        raise ApprovalError(reason)
    return _run_workflow(document, user=user, note=clean_note(note))


def _run_workflow(document: CollateralDocument, *, user: User, note: str) -> str:
    """Start the document workflow (or resume it after changes were requested) on the latest
    revision. The rules task runs first; the review task approves itself when nothing needs
    review, which finishes the workflow and publishes the revision."""
    resubmission = False
    current = document.current_workflow_state
    if current is not None and current.status == WorkflowState.STATUS_NEEDS_CHANGES:
        resubmission = True
        current.status = WorkflowState.STATUS_IN_PROGRESS
        current.current_task_state = None
        current.save()
        current.update(user=user, next_task=rules_task())
        workflow_state = current
    else:
        if current is not None:
            current.cancel(user=user)
        workflow_state = document_workflow().start(document, user)
    document.refresh_from_db()
    review_state = latest_review_state(workflow_state.pk)
    rules_state = latest_rules_state(workflow_state.pk)
    if workflow_state.status == WorkflowState.STATUS_APPROVED:
        set_approval_state(document, ApprovalState.APPROVED)
        audit_document(
            document,
            "lastmile.document.approved_automatically",
            user=user,
            rules=rules_state.assessment.get("rules", []) if rules_state else [],
            summary=rules_state.comment if rules_state else "",
        )
        return ApprovalState.APPROVED
    review_state.note = note
    review_state.save(update_fields=["note"])
    set_approval_state(document, ApprovalState.IN_REVIEW)
    audit_document(
        document,
        "lastmile.document.resubmitted" if resubmission else "lastmile.document.submitted",
        user=user,
        note=note,
        needs_review=rules_state.assessment.get("needs_review", []) if rules_state else [],
    )
    owner_name = document.owner.get_full_name() or document.owner.username
    notify(
        reviewers_for(document.owner),
        kind=NotificationKind.SUBMITTED,
        title=f"{owner_name} submitted “{document.title}” for review",
        body=(f"Note from {owner_name}: {note}" if note else f"{document.template.title}: waiting for your review."),
        url=review_admin_url(review_state),
        document=document,
    )
    return ApprovalState.IN_REVIEW


@transaction.atomic
def document_delete(*, document: CollateralDocument, user: User) -> None:
    """Delete (softly) a document; a review it was waiting for is withdrawn first, so it leaves
    the review queue and nobody decides on a deleted document."""
    locked = _locked(document)
    if locked.owner_id != user.pk:
        raise PermissionDenied
    review_state = _pending_review(locked, lock=True)
    if review_state is not None:
        review_state.workflow_state.cancel(user=user)
        audit_document(locked, "lastmile.document.withdrawn", user=user, reason="deleted")
    document_row_delete(document=locked)
    document.deleted_at = locked.deleted_at


@transaction.atomic
def document_withdraw(document: CollateralDocument, *, user: User) -> None:
    """Take a document out of review so it can be edited again."""
    document = _locked(document)
    if document.owner_id != user.pk:
        raise PermissionDenied
    review_state = _pending_review(document, lock=True)
    if review_state is None:
        raise DecisionConflict("This document is no longer waiting for review; it may have just been decided.")
    review_state.workflow_state.cancel(user=user)
    set_approval_state(document, ApprovalState.NEEDS_APPROVAL)
    audit_document(document, "lastmile.document.withdrawn", user=user)


def _locked(document: CollateralDocument) -> CollateralDocument:
    return lock_document(document.pk)


def _pending_review(document: CollateralDocument, *, lock: bool = False) -> BrandReviewTaskState | None:
    states = BrandReviewTaskState.objects.filter(document=document, status=TaskState.STATUS_IN_PROGRESS)
    if lock:
        states = states.select_for_update()
    return states.select_related("workflow_state").first()
