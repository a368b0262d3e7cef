"""The approval loop on Wagtail's workflow machinery.

A document (templates_lib.CollateralDocument) is a workflow-enabled model. Its workflow, "Document
approval", has two tasks:

1. `BrandRulesTask` checks every value against the brand rules and always completes on its own,
   recording which rule allowed each value (its task state keeps the assessment);
2. `BrandReviewTask`, a group approval task for brand managers, which approves itself at once
   when the rules found nothing to review and otherwise waits for a reviewer.

When the workflow finishes, the submitted revision is published: the live revision of a
document is its approved content.
"""

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.models import AbstractGroupApprovalTask, Task, TaskState

from .rules import assess_document


def _new_task_state(state_class, task, workflow_state, document):
    """An unsaved task state on the document's latest revision (what Wagtail's Task.start makes,
    with the document it is about)."""
    return state_class(
        workflow_state=workflow_state,
        status=TaskState.STATUS_IN_PROGRESS,
        revision=document.get_latest_revision(),
        task=task,
        document=document,
    )


class BrandRulesTaskState(TaskState):
    document = models.ForeignKey("templates_lib.CollateralDocument", on_delete=models.CASCADE, related_name="+")
    assessment = models.JSONField(default=dict)

    class Meta:
        verbose_name = "brand rules check"


def latest_rules_state(workflow_state_id: int, *, started_by: "datetime | None" = None) -> BrandRulesTaskState | None:
    """The brand rules' latest assessment in a workflow (the one in force for its current
    revision), or the latest one started by `started_by` (for an earlier round of review)."""
    states = BrandRulesTaskState.objects.filter(workflow_state_id=workflow_state_id)
    if started_by is not None:
        states = states.filter(started_at__lte=started_by)
    return states.order_by("-started_at", "-pk").first()


def latest_review_state(workflow_state_id: int) -> "BrandReviewTaskState | None":
    """The latest round of brand review in a workflow."""
    return (
        BrandReviewTaskState.objects.filter(workflow_state_id=workflow_state_id).order_by("-started_at", "-pk").first()
    )


class BrandRulesTask(Task):
    """Applies the brand rules automatically; never waits for a person."""

    task_state_class = BrandRulesTaskState

    def start(self, workflow_state, user=None):

        document = workflow_state.content_object
        task_state = _new_task_state(BrandRulesTaskState, self, workflow_state, document)
        assessment = assess_document(document)
        task_state.assessment = assessment.as_json()
        task_state.save()
        task_state.approve(user=None, update=False, comment=assessment.summary())
        return task_state

    def get_actions(self, obj, user):
        return []

    @classmethod
    def get_description(cls):
        return "Checks each value against the template's lock rules and the approved wordings and images."

    class Meta:
        verbose_name = "brand rules task"
        verbose_name_plural = "brand rules tasks"


class ReviewOutcome(models.TextChoices):
    APPROVED = "approved", "Approved"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    REJECTED = "rejected", "Rejected"


class BrandReviewTaskState(TaskState):
    """One round of brand review of one revision of a document."""

    document = models.ForeignKey("templates_lib.CollateralDocument", on_delete=models.CASCADE, related_name="+")
    note = models.TextField(blank=True, help_text="The requester's note to the reviewer.")
    outcome = models.CharField(max_length=20, choices=ReviewOutcome.choices, blank=True)
    automatic = models.BooleanField(default=False, help_text="Approved without review: nothing needed it.")
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "brand review"


class BrandReviewTask(AbstractGroupApprovalTask):
    """Brand managers (or the groups chosen) review what the rules could not approve."""

    task_state_class = BrandReviewTaskState

    def start(self, workflow_state, user=None):
        document = workflow_state.content_object
        rules_state = latest_rules_state(workflow_state.pk)
        task_state = _new_task_state(BrandReviewTaskState, self, workflow_state, document)
        task_state.save()
        if rules_state is not None and not rules_state.assessment.get("needs_review"):
            task_state.automatic = True
            task_state.outcome = ReviewOutcome.APPROVED
            task_state.save(update_fields=["automatic", "outcome"])
            task_state.approve(user=None, update=False, comment="Nothing to review: every value is within the rules.")
        return task_state

    def get_actions(self, obj, user):
        # Decisions are made on Lastmile's review screen (approvals.views), which records
        # field comments and guards against two reviewers deciding at once.
        return []

    def get_task_states_user_can_moderate(self, user, **kwargs):
        # Wagtail's own "awaiting your review" panel links to editors documents do not have;
        # the review queue (approvals.selectors.review_queue) is where reviewers work.
        return TaskState.objects.none()

    @classmethod
    def get_description(cls):
        return "Brand managers approve, reject or ask for changes to what the rules could not approve."

    class Meta:
        verbose_name = "brand review task"
        verbose_name_plural = "brand review tasks"


class FieldComment(models.Model):
    """A reviewer's comment on one field, given with "request changes"."""

    task_state = models.ForeignKey(BrandReviewTaskState, on_delete=models.CASCADE, related_name="field_comments")
    field_key = models.CharField(max_length=60)
    field_label = models.CharField(max_length=120)
    text = models.TextField()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.field_label}: {self.text}"


class NotificationKind(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted for review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    REMINDER = "reminder", _("Waiting for review")
    LOGO = "logo", _("Logo decision")
    IMAGE = "image", _("Image decision")
    SHARE_OPENED = "share_opened", _("Share link opened")
    SHARE_SUMMARY = "share_summary", _("Share link opens")
    REQUEST = "request", _("Template request")
    NOMINATION = "nomination", _("Template nomination")
    PRIORITY_DEAL = "priority_deal", _("Priority deal")
    WEEKLY_RECORD = "weekly_record", _("Weekly record")


class Notification(models.Model):
    """What a user is told in the portal (and, usually, by email)."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    document = models.ForeignKey(
        "templates_lib.CollateralDocument", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at", "-created_at"], name="notification_inbox")]

    def __str__(self) -> str:
        return self.title
