"""The requester's side: documents' content through the rules, submit and withdraw."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from wagtail.models import TaskState, WorkflowState

from templates_lib.models import ApprovalState, CollateralDocument
from templates_lib.services.documents import (
    WORKFLOW_FIELDS,
    document_row_create,
    document_row_duplicate,
    document_row_update,
)

from ..audit import audit_document
from ..models import BrandReviewTaskState, BrandRulesTaskState, NotificationKind
from ..notifications import notify, reviewers_for
from ..rules import assess_document
from ..workflow import document_workflow, rules_task
from .common import ApprovalError, DecisionConflict, lock_document, review_admin_url, set_approval_state

# --- The requester's side -------------------------------------------------------------------


@transaction.atomic
def document_create(*, template, owner, values, title: str = "", check_fit: bool = True) -> CollateralDocument:
    """Create a document (templates_lib validates it) and send its content through the rules."""
    document = document_row_create(template=template, owner=owner, values=values, title=title, check_fit=check_fit)
    document_recorded(document, user=owner, before=None, created=True)
    return document


@transaction.atomic
def document_update(
    *, document: CollateralDocument, values, title: str | None = None, check_fit: bool = True
) -> CollateralDocument:
    """Change a document's content (refused while it is in review); a change of values is a new
    revision that goes through the rules."""
    before = dict(document.values)
    document_row_update(document=document, values=values, title=title, check_fit=check_fit)
    if document.values != before or document.latest_revision_id is None:
        document_recorded(document, user=document.owner, before=before)
    return document


@transaction.atomic
def document_duplicate(*, document: CollateralDocument, owner) -> CollateralDocument:
    """A copy goes through the rules as a new document: values approved for the original are
    not approved for the copy unless the rules allow them anyway."""
    copy = document_row_duplicate(document=document, owner=owner)
    document_recorded(copy, user=owner, before=None, created=True)
    return copy


@transaction.atomic
def document_upgrade(*, document: CollateralDocument, user):
    """Move a document to its template's newer revision (templates_lib.services.lifecycle), then
    through the rules again: it stays approved only while its values are within the rules or
    unchanged since approval."""
    from templates_lib.services.lifecycle import document_row_upgrade

    result = document_row_upgrade(document=document, user=user)
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
def document_recorded(document: CollateralDocument, *, user, before: dict | None, created: bool = False) -> None:
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


@transaction.atomic
def document_submit(document: CollateralDocument, *, user, note: str = "") -> str:
    """Send the document to brand review (or approve it, if the rules now allow everything).
    Returns the new approval state."""
    document = _locked(document)
    if document.owner_id != user.pk:
        raise PermissionDenied
    if document.deleted_at is not None:
        raise ApprovalError("This document was deleted.")
    if document.approval_state == ApprovalState.IN_REVIEW:
        raise ApprovalError("This document is already waiting for review.")
    if document.approval_state == ApprovalState.APPROVED and document.latest_revision_id == document.live_revision_id:
        raise ApprovalError("This document is already approved.")
    reason = document.template.withdrawal_reason
    if reason:
        raise ApprovalError(f"The template of this document is {reason}; it can no longer be submitted.")
    return _run_workflow(document, user=user, note=note.strip()[:2000])


def _run_workflow(document: CollateralDocument, *, user, note: str) -> str:
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
    review_state = (
        BrandReviewTaskState.objects.filter(workflow_state=workflow_state).order_by("-started_at", "-pk").first()
    )
    rules_state = (
        BrandRulesTaskState.objects.filter(workflow_state=workflow_state).order_by("-started_at", "-pk").first()
    )
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
def document_delete(*, document: CollateralDocument, user) -> None:
    """Delete (softly) a document; a review it was waiting for is withdrawn first, so it leaves
    the review queue and nobody decides on a deleted document."""
    from templates_lib.services.documents import document_row_delete

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
def document_withdraw(document: CollateralDocument, *, user) -> None:
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


def _pending_review(document, *, lock: bool = False):
    states = BrandReviewTaskState.objects.filter(document=document, status=TaskState.STATUS_IN_PROGRESS)
    if lock:
        states = states.select_for_update()
    return states.select_related("workflow_state").first()
