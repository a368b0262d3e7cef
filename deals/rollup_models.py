"""Rollups of delivery events: what the reports read (ADR 17). Kept current in the same
transaction as each event by `deals.services.rollups.roll_up`, with database-side increments;
`manage.py check_rollups` recomputes them from the events. Imported at the end of deals/models.py.

"Used" dates are calendar days in the portal's time zone: a deal used a template when a final
download or share view of it for that deal happened on or before the deal's close date."""

from django.conf import settings
from django.db import models


class TemplateDealUse(models.Model):
    """Template T was delivered for deal D: first and last time, and how often."""

    template = models.ForeignKey("templates_lib.CollateralTemplate", on_delete=models.PROTECT, related_name="+")
    deal = models.ForeignKey("deals.Deal", on_delete=models.PROTECT, related_name="template_uses")
    first_used_on = models.DateField()
    first_used_at = models.DateTimeField()
    last_used_at = models.DateTimeField()
    deliveries = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["template", "deal"], name="template_deal_use_once")]
        indexes = [models.Index(fields=["deal"], name="template_deal_use_deal")]

    def __str__(self) -> str:
        return f"template {self.template_id} for deal {self.deal_id} from {self.first_used_on}"


class RevisionDealUse(models.Model):
    """The same, per template revision: "did the new version do better?"."""

    template_revision = models.ForeignKey("wagtailcore.Revision", on_delete=models.PROTECT, related_name="+")
    template = models.ForeignKey("templates_lib.CollateralTemplate", on_delete=models.PROTECT, related_name="+")
    deal = models.ForeignKey("deals.Deal", on_delete=models.PROTECT, related_name="+")
    first_used_on = models.DateField()
    deliveries = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["template_revision", "deal"], name="revision_deal_use_once")]
        indexes = [models.Index(fields=["template", "deal"], name="revision_deal_use_template")]

    def __str__(self) -> str:
        return f"template revision {self.template_revision_id} for deal {self.deal_id} from {self.first_used_on}"


class DealUse(models.Model):
    """Deal D received some Lastmile document: the comparison group "no template" is the closed
    deals without one (or whose first came after they closed)."""

    deal = models.OneToOneField("deals.Deal", on_delete=models.PROTECT, primary_key=True, related_name="use")
    first_used_on = models.DateField()
    deliveries = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"deal {self.deal_id} used Lastmile from {self.first_used_on}"


class ActivityDay(models.Model):
    """Deliveries per day, template revision, person, organisation, region and deal: downloads,
    distinct deals, people and organisations over any period, and adoption per person."""

    key = models.CharField(max_length=100, unique=True, editable=False)
    day = models.DateField()
    template = models.ForeignKey("templates_lib.CollateralTemplate", on_delete=models.PROTECT, related_name="+")
    template_revision = models.ForeignKey("wagtailcore.Revision", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey("accounts.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    deal = models.ForeignKey("deals.Deal", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    downloads = models.PositiveIntegerField(default=0, help_text="Final PDFs and PNGs, from the portal or a link.")
    views = models.PositiveIntegerField(default=0, help_text="Share-link page views.")

    class Meta:
        indexes = [
            models.Index(fields=["day", "template"], name="activity_day_template"),
            # Covering: a report's grouped counts read this index alone, never the table.
            models.Index(
                fields=["template", "day", "deal", "user", "organisation", "region", "downloads", "views"],
                name="activity_template_covering",
            ),
            models.Index(fields=["user", "day"], name="activity_user_day"),
        ]

    def __str__(self) -> str:
        return self.key

    @staticmethod
    def key_for(*, day, revision_id, user_id, organisation_id, region_id, deal_id) -> str:
        return f"{day.isoformat()}:{revision_id}:{user_id or 0}:{organisation_id or 0}:{region_id or 0}:{deal_id or 0}"
