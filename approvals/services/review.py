"""The reviewer's side: decisions on a round of review, and promoting approved wording."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from wagtail.images import get_image_model
from wagtail.models import Revision, TaskState, WorkflowState

from accounts.links import document_page
from accounts.models import User
from brand.models import UploadReview
from templates_lib.field_locks import LockMode
from templates_lib.models import ApprovalState, CollateralDocument, CollateralTemplate
from templates_lib.services.publishing import template_publish, template_publish_problems

from ..audit import audit, audit_document
from ..models import BrandReviewTaskState, FieldComment, NotificationKind, ReviewOutcome, latest_rules_state
from ..notifications import notify
from ..reviewers import can_review, is_self_review
from ..rules import Rule
from .assets import image_review, logo_review
from .common import (
    ApprovalError,
    Decision,
    DecisionConflict,
    lock_document,
    set_approval_state,
)

# --- The reviewer's side --------------------------------------------------------------------


@dataclass
class DecisionResult:
    outcome: str
    task_state: BrandReviewTaskState


@transaction.atomic
def review_decide(
    *,
    task_state_id: int,
    reviewer: User,
    decision: str,
    comment: str = "",
    field_comments: dict[str, str] | None = None,
) -> DecisionResult:
    """Record one reviewer's decision on one round of review.

    The round's row is locked first, so when two reviewers decide at once exactly one decision
    is recorded; the other gets DecisionConflict saying who decided. Rejecting needs a reason;
    requesting changes needs at least one comment. PermissionDenied for anyone `can_review`
    refuses, the requester included unless self-review is allowed (then it is audited)."""
    if decision not in Decision.ALL:
        raise ApprovalError("Choose approve, request changes or reject.")
    document_id = BrandReviewTaskState.objects.filter(pk=task_state_id).values_list("document_id", flat=True).first()
    if document_id is None:
        raise ApprovalError("That review does not exist.")
    # Locks in the same order as the requester's submit and withdraw: the document, then the round.
    document = lock_document(document_id)
    task_state = BrandReviewTaskState.objects.select_for_update().get(pk=task_state_id)
    if document.deleted_at is not None:
        raise ApprovalError("That document was deleted.")
    if not can_review(reviewer, document):
        raise PermissionDenied
    if task_state.status != TaskState.STATUS_IN_PROGRESS:
        raise DecisionConflict(_already_decided(task_state))
    if task_state.revision_id != document.latest_revision_id:
        raise DecisionConflict("The document changed after it was submitted; nothing was recorded.")
    comment = comment.strip()[:4000]
    field_comments = {key: text.strip() for key, text in (field_comments or {}).items() if text and text.strip()}
    fields = {tf.key: tf for tf in document.pinned_template().field_list()}
    unknown = sorted(set(field_comments) - set(fields))
    if unknown:
        raise ApprovalError(f"No such field: {', '.join(unknown)}.")
    if decision == Decision.REJECT and not comment:
        raise ApprovalError("Give a reason for rejecting, so the requester knows what to do.")
    if decision == Decision.REQUEST_CHANGES and not (comment or field_comments):
        raise ApprovalError("Say what should change: comment on at least one field.")

    workflow_state = task_state.workflow_state
    if decision == Decision.APPROVE:
        task_state.outcome = ReviewOutcome.APPROVED
        task_state.save(update_fields=["outcome"])
        task_state.approve(user=reviewer, comment=comment)
        document.refresh_from_db()
        set_approval_state(document, ApprovalState.APPROVED)
        _approve_reviewed_assets(document, workflow_state, reviewer)
        audit_document(document, "lastmile.document.approved", user=reviewer, comment=comment)
        kind, title = NotificationKind.APPROVED, f"“{document.title}” is approved"
        body = comment or "You can download the final PDF now."
    else:
        FieldComment.objects.bulk_create(
            FieldComment(task_state=task_state, field_key=key, field_label=fields[key].label, text=text)
            for key, text in field_comments.items()
        )
        rejected = decision == Decision.REJECT
        task_state.outcome = ReviewOutcome.REJECTED if rejected else ReviewOutcome.CHANGES_REQUESTED
        task_state.save(update_fields=["outcome"])
        task_state.reject(user=reviewer, comment=comment)
        if rejected:
            # A rejection closes the workflow: a new submission starts a new one.
            WorkflowState.objects.filter(pk=workflow_state.pk).update(status=WorkflowState.STATUS_CANCELLED)
        set_approval_state(document, ApprovalState.REJECTED if rejected else ApprovalState.CHANGES_REQUESTED)
        audit_document(
            document,
            "lastmile.document.rejected" if rejected else "lastmile.document.changes_requested",
            user=reviewer,
            comment=comment,
            field_comments=field_comments,
        )
        kind = NotificationKind.REJECTED if rejected else NotificationKind.CHANGES_REQUESTED
        title = f"“{document.title}” was rejected" if rejected else f"Changes requested on “{document.title}”"
        lines = [comment] if comment else []
        lines += [f"{fields[key].label}: {text}" for key, text in field_comments.items()]
        body = "\n".join(lines)
    if is_self_review(reviewer, document):
        # Only possible with LASTMILE_ALLOW_SELF_REVIEW (can_review refuses it otherwise): on the record.
        audit_document(document, "lastmile.document.self_reviewed", user=reviewer, decision=decision)
    notify(
        [document.owner], kind=kind, title=title, body=body, url=document_page(document.public_id), document=document
    )
    return DecisionResult(outcome=task_state.outcome, task_state=task_state)


def _already_decided(task_state: BrandReviewTaskState) -> str:
    if task_state.status == TaskState.STATUS_CANCELLED:
        return "The requester withdrew this document from review before your decision; nothing was recorded."
    who = task_state.finished_by.get_full_name() if task_state.finished_by else "Someone"
    what = ReviewOutcome(task_state.outcome).label.lower() if task_state.outcome else task_state.status
    when = timezone.localtime(task_state.finished_at).strftime("%H:%M") if task_state.finished_at else ""
    return f"{who} already decided this submission ({what}{', at ' + when if when else ''}). Your decision was not recorded."


def _approve_reviewed_assets(document: CollateralDocument, workflow_state: WorkflowState, reviewer: User) -> None:
    """Approving a document approves what the reviewer saw in it: the uploads and the partner
    logo the rules assessed for this submission (a logo replaced since stays unreviewed)."""
    rules_state = latest_rules_state(workflow_state.pk)
    verdicts = rules_state.assessment.get("verdicts", []) if rules_state else []
    image_ids = {v["image_id"] for v in verdicts if v.get("image_id") and v.get("rule") == Rule.UPLOADED_IMAGE}
    logo_ids = {v["image_id"] for v in verdicts if v.get("image_id") and v.get("rule") == Rule.PARTNER_LOGO}
    for image in get_image_model().objects.filter(pk__in=image_ids, review_state=UploadReview.PENDING):
        image_review(image=image, reviewer=reviewer, approve=True, check=False)
    organisation = document.owner.organisation
    if organisation and organisation.logo_id in logo_ids and not organisation.is_logo_approved:
        logo_review(organisation=organisation, reviewer=reviewer, approve=True, check=False)


# --- Promote to pre-approved ----------------------------------------------------------------


def promote_wording(*, document: CollateralDocument, field_key: str, reviewer: User) -> Revision:
    """Add an approved free-text value of `document` to its template's field as a wording
    approved in advance: a new template revision, published, so the next document using the
    same text is approved by the rules. The new revision passes the publishing gate (a layout in
    a render process) before the transaction opens.

    Raises PermissionDenied for someone who may not review the document, ApprovalError when the
    text cannot be promoted, and DecisionConflict when the template changed meanwhile."""
    template, live, wording = _promotion(document=document, field_key=field_key, reviewer=reviewer)
    problems = template_publish_problems(template=live)
    if problems:
        raise ApprovalError("The template would not fit this wording: " + " ".join(problems.values()))
    return _promote(
        document=document,
        field_key=field_key,
        reviewer=reviewer,
        wording=wording,
        live_revision_id=template.live_revision_id,
    )


def _promotion(
    *, document: CollateralDocument, field_key: str, reviewer: User
) -> tuple[CollateralTemplate, CollateralTemplate, str]:
    """The template, its live revision with the wording added to the field (unsaved), and the
    wording; the refusals of `promote_wording`."""
    if not can_review(reviewer, document):
        raise PermissionDenied
    if not document.is_approved:
        raise ApprovalError("Only approved text can be promoted.")
    value = document.values.get(field_key)
    template = CollateralTemplate.objects.get(pk=document.template_id)
    if not template.live or template.live_revision_id is None:
        raise ApprovalError("The template is not published.")
    live = template.live_revision.as_object()
    field = next((tf for tf in live.fields.all() if tf.key == field_key), None)
    if field is None or field.lock_mode != LockMode.FREE or not field.needs_review:
        raise ApprovalError("Only text of a reviewed free-text field can be promoted.")
    if not isinstance(value, str) or not value.strip():
        raise ApprovalError("There is no text to promote in this field.")
    wording = value.strip()
    if wording in field.variant_list:
        raise ApprovalError("This wording is already pre-approved.")
    field.variants = (field.variants.rstrip() + "\n\n" + wording).strip()
    return template, live, wording


@transaction.atomic
def _promote(
    *, document: CollateralDocument, field_key: str, reviewer: User, wording: str, live_revision_id: int
) -> Revision:
    template = CollateralTemplate.objects.select_for_update().get(pk=document.template_id)
    if template.live_revision_id != live_revision_id:
        raise DecisionConflict("The template changed a moment ago; nothing was promoted. Please try again.")
    template, live, wording = _promotion(document=document, field_key=field_key, reviewer=reviewer)
    live.save_revision(user=reviewer, clean=False)
    revision = template_publish(template=live, user=reviewer, check=False)
    audit(
        template,
        "lastmile.template.promoted",
        user=reviewer,
        field=field_key,
        wording=wording,
        document=str(document.public_id),
        revision_id=revision.pk,
    )
    audit_document(
        document, "lastmile.document.promoted", user=reviewer, field=field_key, template_revision=revision.pk
    )
    return revision
