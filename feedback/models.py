"""What the field tells marketing: ratings of templates, requests for templates (and the "me too"s
that count the demand behind them), documents nominated to become corporate templates, and the
deals marketing and sales agreed to prioritise.

Feedback sits above deals in the layers (it points at deals: a "me too" names the deal it is for,
a priority deal is a deal) and below reports, which read it for the weekly record (ADR 21).
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from brand.text import SingleLineCharField

COMMENT_MAX_CHARS = 2000
REQUEST_TEXT_MAX_CHARS = 4000


class Rating(models.Model):
    """One person's rating of one template (1–5, optional comment); rating again replaces it."""

    template = models.ForeignKey("templates_lib.CollateralTemplate", on_delete=models.CASCADE, related_name="ratings")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="template_ratings")
    organisation = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The rater's organisation when they rated (none for internal users).",
    )
    stars = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    comment = models.TextField(blank=True, max_length=COMMENT_MAX_CHARS)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["template", "user"], name="rating_one_per_user_and_template"),
            models.CheckConstraint(condition=Q(stars__gte=1, stars__lte=5), name="rating_stars_1_to_5"),
        ]
        indexes = [models.Index(fields=["updated_at"], name="rating_updated_at")]

    def __str__(self) -> str:
        return f"{self.stars}/5 for template {self.template_id}"


class RequestKind(models.TextChoices):
    NEW_TEMPLATE = "new", "A new template"
    CHANGE = "change", "A change to a template"


class Urgency(models.TextChoices):
    THIS_WEEK = "this_week", "Needed this week"
    THIS_MONTH = "this_month", "Needed this month"
    WHEN_POSSIBLE = "when_possible", "When possible"


class RequestStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    DONE = "done", "Done"


class TemplateRequest(models.Model):
    """A rep's or partner's request for a template, or for a change to one. Its organisation is
    the requester's at the time: a partner sees only their own organisation's requests."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=10, choices=RequestKind.choices, default=RequestKind.NEW_TEMPLATE)
    title = SingleLineCharField(max_length=160, help_text="In a few words, what is needed.")
    purpose = models.TextField(max_length=REQUEST_TEXT_MAX_CHARS, help_text="What it is for, and for whom.")
    template = models.ForeignKey(
        "templates_lib.CollateralTemplate",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The template to change (change requests only).",
    )
    segment = SingleLineCharField(max_length=120, blank=True)
    urgency = models.CharField(max_length=20, choices=Urgency.choices, default=Urgency.WHEN_POSSIBLE)
    example_image = models.ForeignKey(
        "brand.BrandImage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="template_requests"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey("accounts.Region", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=10, choices=RequestStatus.choices, default=RequestStatus.OPEN)
    decision_reason = models.TextField(blank=True, max_length=REQUEST_TEXT_MAX_CHARS)
    answered_by = models.ForeignKey(
        "templates_lib.CollateralTemplate",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The template that answers the request (when done).",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="request_status_created"),
            models.Index(fields=["organisation", "status"], name="request_organisation_status"),
        ]

    def __str__(self) -> str:
        return self.title


class RequestSupport(models.Model):
    """Someone who needs what a request asks for: the requester (first) and each "me too", with
    the deal it is for, so demand is counted and weighed by the open deals behind it."""

    request = models.ForeignKey(TemplateRequest, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    deal = models.ForeignKey("deals.Deal", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["request", "user"], name="request_support_once_per_user")]

    def __str__(self) -> str:
        return f"support for request {self.request_id}"


class NominationStatus(models.TextChoices):
    PENDING = "pending", "Waiting for the brand team"
    CONVERTED = "converted", "Made into a draft template"
    DECLINED = "declined", "Declined"


class TemplateNomination(models.Model):
    """A rep's approved document put forward as a candidate corporate template."""

    document = models.OneToOneField(
        "templates_lib.CollateralDocument", on_delete=models.CASCADE, related_name="nomination"
    )
    nominated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(blank=True, max_length=REQUEST_TEXT_MAX_CHARS, help_text="Why it works in the field.")
    status = models.CharField(max_length=10, choices=NominationStatus.choices, default=NominationStatus.PENDING)
    draft_template = models.ForeignKey(
        "templates_lib.CollateralTemplate", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_reason = models.TextField(blank=True, max_length=REQUEST_TEXT_MAX_CHARS)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"nomination of document {self.document_id}"


class PriorityDeal(models.Model):
    """A deal marketing and sales agreed to prioritise (the weekly meeting's prioritised accounts)."""

    deal = models.OneToOneField("deals.Deal", on_delete=models.CASCADE, related_name="priority")
    region = models.ForeignKey(
        "accounts.Region",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The region whose list it is on (the deal's region when marked).",
    )
    note = models.CharField(max_length=300, blank=True, help_text="What was agreed for it.")
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    marked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-marked_at", "-pk"]
        permissions = [("mark_priority_deals", "Can mark and unmark priority deals")]

    def __str__(self) -> str:
        return f"priority deal {self.deal_id}"
