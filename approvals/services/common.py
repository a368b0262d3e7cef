"""Errors and small helpers shared by the approval services."""

from django.urls import reverse

from wagtail.models import TaskState

from templates_lib.models import CollateralDocument


class ApprovalError(Exception):
    """A request the approval loop refuses, with a message for the user."""


class DecisionConflict(ApprovalError):
    """Somebody else decided (or the requester withdrew) first."""


class Decision:
    APPROVE = "approve"
    REQUEST_CHANGES = "request_changes"
    REJECT = "reject"
    ALL = (APPROVE, REQUEST_CHANGES, REJECT)


def set_approval_state(document: CollateralDocument, state: str) -> None:
    document.approval_state = state
    CollateralDocument.objects.filter(pk=document.pk).update(approval_state=state)


def review_admin_url(task_state: TaskState) -> str:
    return reverse("approvals_admin:review", args=[task_state.pk])


def lock_document(document_id: int) -> CollateralDocument:
    """The document row, locked for the rest of the transaction (and only that row). Every
    approval write takes this lock first, then the round's, so they never deadlock."""
    return (
        CollateralDocument.objects.select_for_update(of=("self",))
        .select_related("template", "owner")
        .get(pk=document_id)
    )
