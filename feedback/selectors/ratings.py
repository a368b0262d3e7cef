"""Reads for template ratings: who may rate, a template's average with its n, the admin's figures."""

import datetime
from dataclasses import dataclass

from django.db.models import Avg, Count, QuerySet, Sum
from django.utils import timezone

from accounts.models import User
from deals.models import ActivityDay, Channel, DeliveryEvent
from templates_lib.models import CollateralTemplate

from ..models import Rating

FIGURES_DAYS = 90

# "Downloaded" means final output the user took from the portal themselves; a prospect opening a
# share link or an API call is not the user having used the template.
DOWNLOAD_CHANNELS = (Channel.PORTAL_PDF, Channel.PORTAL_PNG)


@dataclass(frozen=True)
class RatingSummary:
    average: float | None
    count: int

    @property
    def has_ratings(self) -> bool:
        return self.count > 0

    @property
    def average_label(self) -> str:
        return f"{self.average:.1f}" if self.average is not None else "–"


def has_downloaded(user: User, template: CollateralTemplate) -> bool:
    """Whether `user` took final output of `template` from the portal (a PDF or PNG download)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return DeliveryEvent.objects.filter(user=user, template=template, channel__in=DOWNLOAD_CHANNELS).exists()


def rating_summary(template: CollateralTemplate) -> RatingSummary:
    figures = Rating.objects.filter(template=template).aggregate(average=Avg("stars"), count=Count("pk"))
    return RatingSummary(average=figures["average"], count=figures["count"])


def rating_get(user: User, template: CollateralTemplate) -> Rating | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Rating.objects.filter(template=template, user=user).first()


def rating_summaries(template_ids) -> dict[int, RatingSummary]:
    """Average and n for each template id (templates without ratings are left out)."""
    rows = (
        Rating.objects.filter(template_id__in=list(template_ids))
        .values("template_id")
        .annotate(average=Avg("stars"), count=Count("pk"))
    )
    return {row["template_id"]: RatingSummary(average=row["average"], count=row["count"]) for row in rows}


def ratings_for_admin() -> QuerySet[Rating]:
    """Every rating, newest first, with its template's figures beside it."""
    return Rating.objects.select_related("template", "user", "organisation").order_by("-updated_at", "-pk")


def recent_downloads(template_ids, *, days: int = FIGURES_DAYS) -> dict[int, int]:
    """Final downloads of each template (portal and share links) in the last `days` days, from the
    reports' daily rollup: the figure marketing reads a rating beside."""
    since = timezone.localdate() - datetime.timedelta(days=days - 1)
    rows = (
        ActivityDay.objects.filter(template_id__in=list(template_ids), day__gte=since)
        .values("template_id")
        .annotate(downloads=Sum("downloads"))
    )
    return {row["template_id"]: row["downloads"] or 0 for row in rows}
