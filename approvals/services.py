"""The approval loop's writes. Views call these; they check permissions and states themselves,
so a crafted request gets the same refusal as a click in the UI.

Each function that changes a document's workflow also writes `Customisation.approval_state`
(the cached summary lists filter on) and an audit entry, in the same transaction.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from wagtail.models import TaskState, WorkflowState

from brand.models import UploadReview
from templates_lib.field_locks import LockMode
from templates_lib.layouts import SlotType
from templates_lib.models import ApprovalState, Customisation
from templates_lib.services.customisations import (
    WORKFLOW_FIELDS,
    customisation_create,
    customisation_duplicate,
    customisation_update,
)
from templates_lib.tokens import ORGANISATION_LOGO

from .audit import audit, audit_document
from .models import BrandReviewTaskState, BrandRulesTaskState, FieldComment, NotificationKind, ReviewOutcome
from .notifications import notify, reviewers_for
from .reviewers import can_review, is_brand_reviewer, review_region_ids
from .rules import assess_document
from .workflow import document_workflow, rules_task


class ApprovalError(Exception):
    """A request the approval loop refuses, with a message for the user."""


class DecisionConflict(ApprovalError):
    """Somebody else decided (or the requester withdrew) first."""


class Decision:
    APPROVE = "approve"
    REQUEST_CHANGES = "request_changes"
    REJECT = "reject"
    ALL = (APPROVE, REQUEST_CHANGES, REJECT)


def _set_state(document: Customisation, state: str) -> None:
    document.approval_state = state
    Customisation.objects.filter(pk=document.pk).update(approval_state=state)


def _portal_url(document) -> str:
    return reverse("portal:document-edit", args=[document.public_id])


def _review_url(task_state) -> str:
    return reverse("approvals_admin:review", args=[task_state.pk])


# --- The requester's side -------------------------------------------------------------------


@transaction.atomic
def document_create(*, template, owner, values, title: str = "", check_fit: bool = True) -> Customisation:
    """Create a document (templates_lib validates it) and send its content through the rules."""
    document = customisation_create(template=template, owner=owner, values=values, title=title, check_fit=check_fit)
    document_recorded(document, user=owner, before=None, created=True)
    return document


@transaction.atomic
def document_update(
    *, customisation: Customisation, values, title: str | None = None, check_fit: bool = True
) -> Customisation:
    """Change a document's content (refused while it is in review); a change of values is a new
    revision that goes through the rules."""
    before = dict(customisation.values)
    customisation_update(customisation=customisation, values=values, title=title, check_fit=check_fit)
    if customisation.values != before or customisation.latest_revision_id is None:
        document_recorded(customisation, user=customisation.owner, before=before)
    return customisation


@transaction.atomic
def document_duplicate(*, customisation: Customisation, owner) -> Customisation:
    """A copy goes through the rules as a new document: values approved for the original are
    not approved for the copy unless the rules allow them anyway."""
    copy = customisation_duplicate(customisation=customisation, owner=owner)
    document_recorded(copy, user=owner, before=None, created=True)
    return copy


@transaction.atomic
def document_upgrade(*, customisation: Customisation, user):
    """Move a document to its template's newer revision (templates_lib.services.lifecycle), then
    through the rules again: it stays approved only while its values are within the rules or
    unchanged since approval."""
    from templates_lib.services.lifecycle import customisation_upgrade

    result = customisation_upgrade(customisation=customisation, user=user)
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
def document_recorded(document: Customisation, *, user, before: dict | None, created: bool = False) -> None:
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
        _set_state(document, ApprovalState.NEEDS_APPROVAL)


@transaction.atomic
def document_submit(document: Customisation, *, user, note: str = "") -> str:
    """Send the document to brand review (or approve it, if the rules now allow everything).
    Returns the new approval state."""
    document = _locked(document)
    if document.owner_id != user.pk:
        raise PermissionDenied
    if document.deleted_at is not None:
        raise ApprovalError("This document was deleted.")
    if document.approval_state == ApprovalState.IN_REVIEW:
        raise ApprovalError("This document is already waiting for review.")
    if document.approval_state == ApprovalState.APPROVED:
        raise ApprovalError("This document is already approved.")
    reason = document.template.withdrawal_reason
    if reason:
        raise ApprovalError(f"The template of this document is {reason}; it can no longer be submitted.")
    return _run_workflow(document, user=user, note=note.strip()[:2000])


def _run_workflow(document: Customisation, *, user, note: str) -> str:
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
        _set_state(document, ApprovalState.APPROVED)
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
    _set_state(document, ApprovalState.IN_REVIEW)
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
        url=_review_url(review_state),
        document=document,
    )
    return ApprovalState.IN_REVIEW


@transaction.atomic
def document_withdraw(document: Customisation, *, user) -> None:
    """Take a document out of review so it can be edited again."""
    document = _locked(document)
    if document.owner_id != user.pk:
        raise PermissionDenied
    review_state = _pending_review(document, lock=True)
    if review_state is None:
        raise DecisionConflict("This document is no longer waiting for review; it may have just been decided.")
    review_state.workflow_state.cancel(user=user)
    _set_state(document, ApprovalState.NEEDS_APPROVAL)
    audit_document(document, "lastmile.document.withdrawn", user=user)


def _locked(document: Customisation) -> Customisation:
    return Customisation.objects.select_for_update().select_related("template", "owner").get(pk=document.pk)


def _pending_review(document, *, lock: bool = False):
    states = BrandReviewTaskState.objects.filter(document=document, status=TaskState.STATUS_IN_PROGRESS)
    if lock:
        states = states.select_for_update()
    return states.select_related("workflow_state").first()


# --- The reviewer's side --------------------------------------------------------------------


@dataclass
class DecisionResult:
    outcome: str
    task_state: BrandReviewTaskState


@transaction.atomic
def review_decide(
    *,
    task_state_id: int,
    reviewer,
    decision: str,
    comment: str = "",
    field_comments: dict[str, str] | None = None,
) -> DecisionResult:
    """Record one reviewer's decision on one round of review.

    The round's row is locked first, so when two reviewers decide at once exactly one decision
    is recorded; the other gets DecisionConflict saying who decided. Rejecting needs a reason;
    requesting changes needs at least one comment."""
    if decision not in Decision.ALL:
        raise ApprovalError("Choose approve, request changes or reject.")
    try:
        task_state = BrandReviewTaskState.objects.select_for_update().get(pk=task_state_id)
    except BrandReviewTaskState.DoesNotExist:
        raise ApprovalError("That review does not exist.") from None
    document = Customisation.objects.select_related("owner", "template").get(pk=task_state.document_id)
    if not can_review(reviewer, document):
        raise PermissionDenied
    if task_state.status != TaskState.STATUS_IN_PROGRESS:
        raise DecisionConflict(_already_decided(task_state))
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
        _set_state(document, ApprovalState.APPROVED)
        _approve_reviewed_assets(document, reviewer)
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
        _set_state(document, ApprovalState.REJECTED if rejected else ApprovalState.CHANGES_REQUESTED)
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
    notify([document.owner], kind=kind, title=title, body=body, url=_portal_url(document), document=document)
    return DecisionResult(outcome=task_state.outcome, task_state=task_state)


def _already_decided(task_state) -> str:
    if task_state.status == TaskState.STATUS_CANCELLED:
        return "The requester withdrew this document from review before your decision; nothing was recorded."
    who = task_state.finished_by.get_full_name() if task_state.finished_by else "Someone"
    what = ReviewOutcome(task_state.outcome).label.lower() if task_state.outcome else task_state.status
    when = timezone.localtime(task_state.finished_at).strftime("%H:%M") if task_state.finished_at else ""
    return f"{who} already decided this submission ({what}{', at ' + when if when else ''}). Your decision was not recorded."


def _approve_reviewed_assets(document, reviewer) -> None:
    """Approving a document approves what was reviewed in it: its uploaded images, and the
    organisation's logo when the document shows it."""
    from wagtail.images import get_image_model

    template = document.pinned_template()
    image_ids = [
        document.values.get(tf.key)
        for tf in template.editable_fields()
        if tf.slot_type == SlotType.IMAGE and isinstance(document.values.get(tf.key), int)
    ]
    for image in get_image_model().objects.filter(pk__in=image_ids, review_state=UploadReview.PENDING):
        image_review(image=image, reviewer=reviewer, approve=True, check=False)
    organisation = document.owner.organisation
    uses_logo = any(
        tf.lock_mode == LockMode.TOKEN and tf.token_source == ORGANISATION_LOGO for tf in template.field_list()
    )
    if uses_logo and organisation and organisation.logo_id and not organisation.is_logo_approved:
        logo_review(organisation=organisation, reviewer=reviewer, approve=True, check=False)


def _require_brand_reviewer(user) -> None:
    if not is_brand_reviewer(user):
        raise PermissionDenied


def _require_region(user, region_id) -> None:
    regions = review_region_ids(user)
    if regions and region_id not in regions:
        raise PermissionDenied


@transaction.atomic
def image_review(*, image, reviewer, approve: bool, note: str = "", check: bool = True) -> None:
    """Approve or turn down an uploaded image. Approved uploads pass the rules in any document."""
    if check:
        _require_brand_reviewer(reviewer)
        _require_region(reviewer, getattr(image.uploaded_by_user, "effective_region_id", None))
    image = type(image).objects.select_for_update().get(pk=image.pk)
    if image.review_state != UploadReview.PENDING:
        raise DecisionConflict("This image was already reviewed.")
    if not approve and not note.strip():
        raise ApprovalError("Say why the image is turned down.")
    image.review_state = UploadReview.APPROVED if approve else UploadReview.REJECTED
    image.reviewed_by = reviewer
    image.reviewed_at = timezone.now()
    image.review_note = note.strip()[:500]
    image.save(update_fields=["review_state", "reviewed_by", "reviewed_at", "review_note"])
    audit(image, "lastmile.image.approved" if approve else "lastmile.image.rejected", user=reviewer, note=note)
    notify(
        [image.uploaded_by_user],
        kind=NotificationKind.IMAGE,
        title=f"Your image “{image.title}” was {'approved' if approve else 'turned down'}",
        body=note,
    )


@transaction.atomic
def logo_review(*, organisation, reviewer, approve: bool, note: str = "", check: bool = True) -> None:
    """Approve or turn down a partner organisation's logo. Until approved, documents show the
    organisation's name in its place."""
    from accounts.models import Organisation

    if check:
        _require_brand_reviewer(reviewer)
        _require_region(reviewer, organisation.region_id)
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if not organisation.logo_id or organisation.is_logo_approved:
        raise DecisionConflict("This logo was already reviewed.")
    if not approve and not note.strip():
        raise ApprovalError("Say why the logo is turned down.")
    organisation.is_logo_approved = approve
    organisation.logo_review_note = "" if approve else note.strip()[:500]
    logo = organisation.logo
    if not approve:
        organisation.logo = None
    organisation.save(update_fields=["is_logo_approved", "logo_review_note", "logo"])
    if logo.review_state == UploadReview.PENDING:
        logo.review_state = UploadReview.APPROVED if approve else UploadReview.REJECTED
        logo.reviewed_by = reviewer
        logo.reviewed_at = timezone.now()
        logo.save(update_fields=["review_state", "reviewed_by", "reviewed_at"])
    audit(organisation, "lastmile.logo.approved" if approve else "lastmile.logo.rejected", user=reviewer, note=note)
    from django.contrib.auth import get_user_model

    from accounts.roles import Role

    notify(
        get_user_model().objects.filter(organisation=organisation, groups__name=Role.PARTNER_MANAGER.label),
        kind=NotificationKind.LOGO,
        title=f"Your organisation's logo was {'approved' if approve else 'turned down'}",
        body=note or ("Documents now show your logo." if approve else ""),
        url=reverse("portal:team"),
    )


# --- Promote to pre-approved ----------------------------------------------------------------


@transaction.atomic
def promote_wording(*, document: Customisation, field_key: str, reviewer):
    """Add an approved free-text value of `document` to its template's field as a wording
    approved in advance: a new template revision, published, so the next document using the
    same text is approved by the rules."""
    from templates_lib.models import CollateralTemplate
    from templates_lib.services.publishing import template_publish

    if not can_review(reviewer, document):
        raise PermissionDenied
    if not document.is_approved:
        raise ApprovalError("Only approved text can be promoted.")
    value = document.values.get(field_key)
    template = CollateralTemplate.objects.select_for_update().get(pk=document.template_id)
    if not template.live or template.live_revision_id is None:
        raise ApprovalError("The template is not published.")
    live = template.live_revision.as_object()
    field = next((tf for tf in live.fields.all() if tf.key == field_key), None)
    if field is None or field.lock_mode != LockMode.FREE or not field.needs_review:
        raise ApprovalError("Only text of a reviewed free-text field can be promoted.")
    if not isinstance(value, str) or not value.strip():
        raise ApprovalError("There is no text to promote in this field.")
    if value.strip() in field.variant_list:
        raise ApprovalError("This wording is already pre-approved.")
    field.variants = (field.variants.rstrip() + "\n\n" + value.strip()).strip()
    live.save_revision(user=reviewer, clean=False)
    revision = template_publish(template=live, user=reviewer)
    audit(
        template,
        "lastmile.template.promoted",
        user=reviewer,
        field=field_key,
        wording=value.strip(),
        document=str(document.public_id),
        revision_id=revision.pk,
    )
    audit_document(
        document, "lastmile.document.promoted", user=reviewer, field=field_key, template_revision=revision.pk
    )
    return revision


# --- Downloads ------------------------------------------------------------------------------


def final_download_refusal(document: Customisation) -> str:
    """Why the final PDF of `document` may not leave the portal ("" when it may)."""
    template = document.template
    reason = template.withdrawal_reason
    if reason:
        from templates_lib.services.lifecycle import usable_replacement

        replacement = usable_replacement(template)
        hint = f" Use “{replacement.title}” instead." if replacement else ""
        return f"“{template.title}” is {reason}, so its documents can no longer be downloaded.{hint}"
    if document.approval_state != ApprovalState.APPROVED or document.latest_revision_id != document.live_revision_id:
        return {
            ApprovalState.IN_REVIEW: "This document is waiting for brand review. You can download a draft preview.",
            ApprovalState.CHANGES_REQUESTED: "The brand team asked for changes. Edit and resubmit it first.",
            ApprovalState.REJECTED: "The brand team rejected this document. Edit it and submit it again.",
        }.get(document.approval_state, "This document needs approval before a final PDF. Submit it for review.")
    return ""
