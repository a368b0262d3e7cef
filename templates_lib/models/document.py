"""A rep's or partner's customised copy of a template ("document" in the portal)."""

import uuid

from django.conf import settings
from django.db import models

from wagtail.models import DraftStateMixin, Revision, RevisionMixin, WorkflowMixin

from brand.text import SingleLineCharField

from ..revisions import template_at_revision
from .row_fields import RowFieldsMixin
from .template import CollateralTemplate


class ApprovalState(models.TextChoices):
    """Where a document stands in the approval loop.

    A cached summary of the document's Wagtail workflow (its workflow and task states and its
    live revision are the record), kept on the row so lists can filter and sort by it. Only
    approvals.services writes it."""

    NEEDS_APPROVAL = "needs_approval", "Needs approval"
    IN_REVIEW = "in_review", "In review"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    REJECTED = "rejected", "Rejected"
    APPROVED = "approved", "Approved"


class DocumentQuerySet(models.QuerySet):
    def alive(self):
        return self.filter(deleted_at__isnull=True)

    def owned_by(self, user):
        return self.alive().filter(owner=user)


class CollateralDocument(RowFieldsMixin, WorkflowMixin, DraftStateMixin, RevisionMixin, models.Model):
    """Owned by one user, pinned to the template revision it was made from.

    `values` holds only what the user chose or wrote, keyed by field key; locked and
    token values are resolved at render time and never stored from input.

    Every change of content is a revision; the live revision is the approved content. A
    document is approved when its latest revision is live (see approvals/).
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="documents")
    template = models.ForeignKey("templates_lib.CollateralTemplate", on_delete=models.PROTECT, related_name="documents")
    template_revision = models.ForeignKey("wagtailcore.Revision", on_delete=models.PROTECT, related_name="+")
    title = SingleLineCharField(max_length=200)
    values = models.JSONField(default=dict, blank=True)
    approval_state = models.CharField(
        max_length=20, choices=ApprovalState.choices, default=ApprovalState.NEEDS_APPROVAL, editable=False
    )
    # Overrides DraftStateMixin's default: a document is not approved until the rules or a reviewer say so.
    live = models.BooleanField(verbose_name="approved content live", default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    objects = DocumentQuerySet.as_manager()

    # Fields that belong to the row rather than to a version of its content: publishing an older
    # revision must not undo a rename, a delete or the approval state.
    ROW_FIELDS = ("title", "deleted_at", "approval_state", "owner_id", "updated_at")

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = "document"
        indexes = [
            models.Index(fields=["owner", "-updated_at"], name="document_owner_recent"),
            models.Index(fields=["approval_state"], name="document_approval_state"),
        ]

    def __str__(self) -> str:
        return self.title

    def pinned_template(self) -> CollateralTemplate:
        """The template as it was in the pinned revision (fields included). Read-only: shared."""
        return template_at_revision(self.template_revision)

    def at_revision(self, revision: Revision) -> "CollateralDocument":
        """This document with the content `revision` holds: values and pinned template revision
        from the revision; row fields (title, owner, approval state) from this row. Unsaved."""
        content = self.with_content_json(revision.content)
        content.owner = self.owner
        content.template = self.template
        return content

    @property
    def is_approved(self) -> bool:
        return self.approval_state == ApprovalState.APPROVED
