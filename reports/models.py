"""What the company sets for its reports (Wagtail settings), the permission to read them, and the
weekly record (with who gets it by email)."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

DECIDED_MAX_CHARS = 10000


def parse_bands(text: str) -> list[Decimal]:
    """ "10000, 50000, 250000" → the upper edges of the deal-size bands, ascending."""
    edges = []
    for part in text.replace(";", ",").split(","):
        part = part.strip().replace(" ", "")
        if not part:
            continue
        try:
            edges.append(Decimal(part))
        except ArithmeticError as exc:
            raise ValidationError(f"“{part[:20]}” is not a number.") from exc
    if edges != sorted(set(edges)) or any(edge <= 0 for edge in edges):
        raise ValidationError("Give positive amounts in ascending order, e.g. 10000, 50000, 250000.")
    if len(edges) > 10:
        raise ValidationError("Ten bands at most.")
    return edges


@register_setting(icon="table")
class ReportSettings(BaseGenericSetting):
    min_closed_deals = models.PositiveSmallIntegerField(
        "closed deals needed to judge",
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
        help_text="Below this many closed deals in either group a win rate is greyed: too few to judge.",
    )
    false_discovery_rate = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.10"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("0.50"))],
        help_text="Benjamini–Hochberg q: the share of “better” or “worse” verdicts allowed to be wrong.",
    )
    deal_size_bands = models.CharField(
        max_length=200,
        default="10000, 50000, 250000",
        validators=[parse_bands],
        help_text="Upper edges of the deal-size bands used for “hold deal size equal”, in each deal's own currency.",
    )
    corporate_share_low = models.PositiveSmallIntegerField(
        "corporate share: low end (%)", default=60, validators=[MaxValueValidator(100)]
    )
    corporate_share_high = models.PositiveSmallIntegerField(
        "corporate share: high end (%)",
        default=70,
        validators=[MaxValueValidator(100)],
        help_text="The reference band for content from corporate (IDC: 60–70% of field marketing).",
    )

    class Meta:
        verbose_name = "report settings"
        permissions = [("view_reports", "Can see marketing reports")]

    def __str__(self) -> str:
        return "Report settings"

    def clean(self) -> None:
        if self.corporate_share_low > self.corporate_share_high:
            raise ValidationError({"corporate_share_high": "The high end must not be below the low end."})

    @property
    def size_band_edges(self) -> list[Decimal]:
        return parse_bands(self.deal_size_bands)


class WeeklyRecord(models.Model):
    """The written record of one week (Monday to Sunday) for one region, or for the whole company
    (no region): the week's figures as they were when built (a snapshot, so later changes to the
    data do not rewrite history) and what the weekly meeting decided. Built once per week and
    region by reports.services.weekly; mailed once to those subscribed (`sent_at`)."""

    week_start = models.DateField(help_text="The Monday the week starts on.")
    region = models.ForeignKey(
        "accounts.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty for the whole company.",
    )
    figures = models.JSONField(default=dict, editable=False)
    has_activity = models.BooleanField(default=False, editable=False)
    built_at = models.DateTimeField(editable=False)
    built_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    decided = models.TextField("what was decided", blank=True, max_length=DECIDED_MAX_CHARS)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-week_start", "region__name", "pk"]
        verbose_name = "weekly record"
        constraints = [
            models.UniqueConstraint(
                fields=["week_start", "region"], condition=Q(region__isnull=False), name="weekly_record_once_per_region"
            ),
            models.UniqueConstraint(
                fields=["week_start"], condition=Q(region__isnull=True), name="weekly_record_once_for_company"
            ),
        ]

    def __str__(self) -> str:
        return f"Week of {self.week_start:%d %b %Y}, {self.region.name if self.region_id else 'whole company'}"

    @property
    def week_end(self):
        return self.week_start + datetime.timedelta(days=6)


class WeeklyRecordSubscription(models.Model):
    """`user` wants the weekly record of `region` (none: the whole company) by email."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    region = models.ForeignKey("accounts.Region", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "region"], condition=Q(region__isnull=False), name="weekly_subscription_once_per_region"
            ),
            models.UniqueConstraint(
                fields=["user"], condition=Q(region__isnull=True), name="weekly_subscription_once_for_company"
            ),
        ]

    def __str__(self) -> str:
        return f"weekly record of region {self.region_id or 'all'} for user {self.user_id}"


class WeeklyRecordMail(models.Model):
    """One recipient of one weekly record: created once when the record is sent (so a second
    run sends nothing), `mailed_at` set by the task worker when the mail went out."""

    record = models.ForeignKey(WeeklyRecord, on_delete=models.CASCADE, related_name="mails")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    mailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["record", "recipient"], name="weekly_record_mail_once")]

    def __str__(self) -> str:
        return f"weekly record {self.record_id} to user {self.recipient_id}"
