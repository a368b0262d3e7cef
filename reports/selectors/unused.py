"""Unused content: published templates nobody downloaded as a final PDF/PNG in the period, and
those never delivered at all. Read from the `ActivityDay` rollup, never the raw events.

- Published: live and not retired (a retired template is out of the question already).
- Used in the period: at least one final download (`ActivityDay.downloads`); share-link page views
  are not downloads. Never used: no delivery of any kind (download or view), ever.
- Use is counted everywhere, whatever the region filter: retiring a template takes it away from
  every region, so "unused" must mean unused by anyone.
- Region (a region-limited brand manager's regions, or the region filter) picks templates whose
  audience includes one of those regions, templates for all internal users, and templates with no
  regional audience at all (partner-only ones, shared by tier or by organisation).
- Organisation, tier and segment filters do not apply to templates and are ignored here.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from deals.models import ActivityDay
from templates_lib.layouts import Kind
from templates_lib.models import CollateralTemplate

from ..filters import ReportFilters


@dataclass(frozen=True)
class UnusedTemplateRow:
    template_id: int
    title: str
    kind: str
    age_days: int
    last_editor: str
    last_revision_on: datetime.date | None
    last_download_on: datetime.date | None
    is_never_used: bool

    @property
    def kind_label(self) -> str:
        return Kind(self.kind).label if self.kind in Kind.values else self.kind

    @property
    def status(self) -> str:
        return "Never used" if self.is_never_used else "No download in period"


@dataclass(frozen=True)
class UseCounts:
    """Published templates in scope: downloaded in the period, not downloaded, never delivered."""

    used: int
    unused: int
    never_used: int

    @property
    def total(self) -> int:
        return self.used + self.unused + self.never_used


def published_templates_in_scope(filters: ReportFilters) -> QuerySet[CollateralTemplate]:
    templates = CollateralTemplate.objects.filter(live=True, retired_at__isnull=True)
    if filters.kind:
        templates = templates.filter(kind=filters.kind)
    if filters.region_ids:
        regional = CollateralTemplate.audience_regions.through.objects
        templates = templates.filter(
            Q(audience_internal=True)
            | ~Exists(regional.filter(collateraltemplate_id=OuterRef("pk")))
            | Exists(regional.filter(collateraltemplate_id=OuterRef("pk"), region_id__in=filters.region_ids))
        )
    return templates


def _in_period(filters: ReportFilters) -> Q:
    period = Q()
    if filters.start:
        period &= Q(day__gte=filters.start)
    if filters.end:
        period &= Q(day__lte=filters.end)
    return period


def _annotated(filters: ReportFilters) -> QuerySet[CollateralTemplate]:
    activity = ActivityDay.objects.filter(template_id=OuterRef("pk"))
    return published_templates_in_scope(filters).annotate(
        downloaded_in_period=Exists(activity.filter(_in_period(filters), downloads__gt=0)),
        ever_delivered=Exists(activity),
    )


def template_use_counts(filters: ReportFilters) -> UseCounts:
    counts = {"used": 0, "unused": 0, "never_used": 0}
    for downloaded, delivered in _annotated(filters).values_list("downloaded_in_period", "ever_delivered"):
        key = "used" if downloaded else "unused" if delivered else "never_used"
        counts[key] += 1
    return UseCounts(**counts)


def unused_template_list(filters: ReportFilters, *, today: datetime.date | None = None) -> list[UnusedTemplateRow]:
    """Published templates in scope without a final download in the period: never-used ones
    first, then the longest unused, then by title."""
    today = today or timezone.localdate()
    last_download = (
        ActivityDay.objects.filter(template_id=OuterRef("pk"), downloads__gt=0).order_by("-day").values("day")[:1]
    )
    templates = (
        _annotated(filters)
        .filter(downloaded_in_period=False)
        .select_related("latest_revision__user")
        .annotate(last_download_day=Subquery(last_download))
    )
    rows = []
    for template in templates:
        revision = template.latest_revision
        editor = revision.user if revision is not None else None
        rows.append(
            UnusedTemplateRow(
                template_id=template.pk,
                title=template.title,
                kind=template.kind,
                age_days=(today - timezone.localdate(template.created_at)).days,
                last_editor=(editor.get_full_name() or editor.get_username()) if editor else "",
                last_revision_on=timezone.localdate(revision.created_at) if revision is not None else None,
                last_download_on=template.last_download_day,
                is_never_used=not template.ever_delivered,
            )
        )
    rows.sort(
        key=lambda row: (
            not row.is_never_used,
            row.last_download_on or datetime.date.min,
            -row.age_days,
            row.title.casefold(),
        )
    )
    return rows
