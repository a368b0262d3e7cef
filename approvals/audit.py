"""The audit trail: Wagtail log entries (ModelLogEntry) with Lastmile's own actions.

Every state change of a document writes one entry with who, when, and what: the hash of the
values and the diff against the content before. Wagtail's workflow writes its own entries
alongside (workflow started, approved, rejected, cancelled). Entries are append-only: no view
edits or deletes them, and the model refuses it (see `refuse_changes`)."""

from typing import Any

from django.db.models.signals import pre_delete, pre_save
from django.dispatch import receiver

from wagtail.log_actions import LogFormatter, log
from wagtail.models import ModelLogEntry

from .models import BrandReviewTaskState, ReviewOutcome
from .rules import values_hash

DOCUMENT_ACTIONS = {
    "lastmile.document.created": ("Create", "Created"),
    "lastmile.document.edited": ("Edit", "Edited"),
    "lastmile.document.submitted": ("Submit for approval", "Submitted for approval"),
    "lastmile.document.resubmitted": ("Resubmit", "Resubmitted after changes"),
    "lastmile.document.withdrawn": ("Withdraw", "Withdrawn from review"),
    "lastmile.document.approved_automatically": ("Approve automatically", "Approved automatically by the rules"),
    "lastmile.document.approved": ("Approve", "Approved"),
    "lastmile.document.rejected": ("Reject", "Rejected"),
    "lastmile.document.changes_requested": ("Request changes", "Changes requested"),
    "lastmile.document.self_reviewed": ("Decide own submission", "Decided by its own requester (self-review allowed)"),
    "lastmile.document.promoted": ("Promote wording", "Wording promoted to pre-approved"),
    "lastmile.document.downloaded": ("Download", "Final PDF downloaded"),
    "lastmile.document.upgraded": ("Upgrade", "Upgraded to the newer template"),
}
TEMPLATE_ACTIONS = {
    "lastmile.template.promoted": ("Promote wording", "Wording added as pre-approved"),
    "lastmile.template.retired": ("Retire", "Retired"),
    "lastmile.template.reinstated": ("Reinstate", "Reinstated"),
}
REVIEW_ACTIONS = {
    "lastmile.logo.approved": ("Approve logo", "Partner logo approved"),
    "lastmile.logo.rejected": ("Reject logo", "Partner logo turned down"),
    "lastmile.image.approved": ("Approve image", "Uploaded image approved"),
    "lastmile.image.rejected": ("Reject image", "Uploaded image turned down"),
}
ACTIONS = {**DOCUMENT_ACTIONS, **TEMPLATE_ACTIONS, **REVIEW_ACTIONS}


def register_actions(actions) -> None:
    for action, (label, message) in ACTIONS.items():
        actions.register_action(action, label, message)


def values_diff(before: dict[str, Any] | None, after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Field by field, what changed: {"key": {"before": ..., "after": ...}}."""
    before = before or {}
    keys = sorted(set(before) | set(after))
    return {
        key: {"before": before.get(key), "after": after.get(key)} for key in keys if before.get(key) != after.get(key)
    }


def audit_document(
    document, action: str, *, user=None, before: dict | None = None, revision=None, **extra
) -> ModelLogEntry:
    if action not in DOCUMENT_ACTIONS:
        raise ValueError(f"Unknown document action {action!r}")
    data = {
        "values_hash": values_hash(document.values),
        "diff": values_diff(before, document.values) if before is not None else {},
        "template_revision_id": document.template_revision_id,
        **extra,
    }
    return log(
        instance=document,
        action=action,
        user=user,
        data=data,
        revision=revision or document.latest_revision,
        content_changed=action in {"lastmile.document.created", "lastmile.document.edited"},
    )


def audit(instance, action: str, *, user=None, **data) -> ModelLogEntry:
    if action not in ACTIONS:
        raise ValueError(f"Unknown audit action {action!r}")
    return log(instance=instance, action=action, user=user, data=data)


class AuditEntryImmutable(Exception):
    pass


@receiver(pre_save, sender=ModelLogEntry)
def refuse_changes(sender, instance, raw=False, **kwargs):
    if instance.pk and instance.action.startswith("lastmile."):
        raise AuditEntryImmutable("Audit entries cannot be changed.")


@receiver(pre_delete, sender=ModelLogEntry)
def refuse_deletion(sender, instance, **kwargs):
    if instance.action.startswith("lastmile."):
        raise AuditEntryImmutable("Audit entries cannot be deleted.")


# --- Wagtail's workflow entries, in Lastmile's words ----------------------------------------------
# Wagtail writes its own entries when a document goes through the approval workflow ("Workflow:
# reject task", "Rejected at 'Brand review'"). The audit trail and Wagtail's history show them
# with these labels and messages instead: what happened to the document, as the team says it.

WORKFLOW_LABELS = {
    "wagtail.workflow.start": "Sent to brand review",
    "wagtail.workflow.approve": "Review step passed",
    "wagtail.workflow.reject": "Changes requested or rejected",
    "wagtail.workflow.resume": "Resubmitted",
    "wagtail.workflow.cancel": "Withdrawn from review",
}
OUTCOME_MESSAGES = {
    ReviewOutcome.APPROVED: "Approved by the brand team",
    ReviewOutcome.CHANGES_REQUESTED: "Changes requested by the brand team",
    ReviewOutcome.REJECTED: "Rejected by the brand team",
}


def _review_round(log_entry) -> "BrandReviewTaskState | None":
    task_state_id = ((log_entry.data or {}).get("workflow") or {}).get("task_state_id")
    if not isinstance(task_state_id, int):
        return None
    return BrandReviewTaskState.objects.filter(pk=task_state_id).only("outcome", "automatic").first()


def workflow_message(log_entry) -> str:
    """What a workflow entry means for the document, in Lastmile's words."""
    action = log_entry.action
    if action == "wagtail.workflow.start":
        return "Sent to brand review"
    if action == "wagtail.workflow.cancel":
        return "Withdrawn from review by the requester"
    if action == "wagtail.workflow.resume":
        return "Resubmitted to brand review"
    round_ = _review_round(log_entry)
    if action == "wagtail.workflow.approve":
        if round_ is None:
            return "Checked against the brand rules"
        if round_.automatic:
            return "Approved automatically: every value is within the brand rules"
        return OUTCOME_MESSAGES[ReviewOutcome.APPROVED]
    if round_ is not None and round_.outcome in OUTCOME_MESSAGES:
        return OUTCOME_MESSAGES[ReviewOutcome(round_.outcome)]
    return "Sent back to the requester"


class WorkflowWording(LogFormatter):
    def format_message(self, log_entry):
        return workflow_message(log_entry)

    def format_comment(self, log_entry):
        return (log_entry.data or {}).get("comment", "")


def register_workflow_wording(actions) -> None:
    """Replace Wagtail's workflow labels and messages (run after Wagtail registers its own)."""
    for action, label in WORKFLOW_LABELS.items():
        actions.choices[:] = [choice for choice in actions.choices if choice[0] != action]
        actions.register_action(action)(type("LastmileWorkflowWording", (WorkflowWording,), {"label": label}))
