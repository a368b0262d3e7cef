"""The filters every report takes (date range, region, partner organisation, tier, template kind,
segment) and the performance report's own (comparison group, what to hold equal).

Query parameters are validated by a filter form whose choices are limited to what the user may see;
anything else (an unknown key, another region's id, a hostile value) is refused with a 400 and
never reaches the ORM. Selectors receive a `ReportFilters`, never request data."""

import datetime
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone

from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet

import django_filters

from accounts.models import Organisation, Region, Tier, User
from deals.models import Deal
from templates_lib.layouts import Kind

from .access import report_region_ids


class Comparison:
    BOTH = "both"
    NO_TEMPLATE = "none"
    OTHER_TEMPLATES = "other"
    CHOICES = [
        (BOTH, "No template and other templates, side by side"),
        (NO_TEMPLATE, "Deals that used no Lastmile document"),
        (OTHER_TEMPLATES, "Deals that used other templates"),
    ]


ADJUSTMENTS = [
    ("size", "Deal size band"),
    ("region", "Region"),
    ("segment", "Segment"),
    ("owner", "Owner"),
]

DEFAULT_WINDOW_DAYS = 365
# Keys any report page may receive besides its filters: Wagtail's listing (page, ordering, the
# filter fragment of its AJAX refresh) and the spreadsheet export.
LISTING_KEYS = frozenset({"p", "ordering", "export", "_w_filter_fragment"})


def regions_in_scope(request) -> QuerySet[Region]:
    scope = report_region_ids(request.user)
    regions = Region.objects.order_by("name")
    return regions.filter(pk__in=scope) if scope else regions


def organisations_in_scope(request) -> QuerySet[Organisation]:
    scope = report_region_ids(request.user)
    organisations = Organisation.objects.order_by("name")
    return organisations.filter(region__in=scope) if scope else organisations


def segment_choices() -> list[tuple[str, str]]:
    segments = Deal.objects.exclude(segment="").order_by("segment").values_list("segment", flat=True).distinct()
    return [(segment, segment) for segment in segments[:500]]


class ReportFilterSet(WagtailFilterSet):
    """Used for its form (validation and Wagtail's filter UI); selectors do the filtering."""

    period = django_filters.DateFromToRangeFilter(label="Period", widget=DateRangePickerWidget)
    region = django_filters.ModelChoiceFilter(queryset=regions_in_scope, empty_label="All regions")
    organisation = django_filters.ModelChoiceFilter(
        label="Partner organisation", queryset=organisations_in_scope, empty_label="All organisations"
    )
    tier = django_filters.ModelChoiceFilter(queryset=Tier.objects.order_by("-rank"), empty_label="All tiers")
    kind = django_filters.ChoiceFilter(label="Template kind", choices=Kind.choices, empty_label="All kinds")
    segment = django_filters.ChoiceFilter(choices=segment_choices, empty_label="All segments")

    class Meta:
        model = Deal
        fields: list[str] = []


class PerformanceFilterSet(ReportFilterSet):
    compare = django_filters.ChoiceFilter(
        label="Compare with", choices=Comparison.CHOICES, empty_label=None, null_label=None
    )
    adjust = django_filters.MultipleChoiceFilter(label="Hold equal", choices=ADJUSTMENTS)

    class Meta(ReportFilterSet.Meta):
        pass


@dataclass(frozen=True)
class ReportFilters:
    start: datetime.date | None = None
    end: datetime.date | None = None
    region_ids: tuple[int, ...] = ()
    organisation_id: int | None = None
    tier_id: int | None = None
    kind: str = ""
    segment: str = ""
    compare: str = Comparison.BOTH
    adjust: tuple[str, ...] = field(default_factory=tuple)

    @property
    def window(self) -> str:
        if self.start is None and self.end is None:
            return "all time"
        start = self.start.isoformat() if self.start else "the beginning"
        end = self.end.isoformat() if self.end else "today"
        return f"{start} to {end}"


def unknown_keys(query: QueryDict, filterset: WagtailFilterSet) -> list[str]:
    """Keys that are neither a filter of this report nor a listing key: refused, never used."""
    known = set(LISTING_KEYS)
    for name, filter_ in filterset.filters.items():
        widget = filter_.field.widget
        suffixes = getattr(widget, "suffixes", None)
        known.update(f"{name}_{suffix}" for suffix in suffixes) if suffixes else known.add(name)
    return sorted(key for key in query if key not in known)


def default_start(today: datetime.date | None = None) -> datetime.date:
    return (today or timezone.localdate()) - datetime.timedelta(days=DEFAULT_WINDOW_DAYS)


def report_filters(cleaned: dict, *, user: User) -> ReportFilters:
    """Turn a valid filter form's data into what selectors take, inside `user`'s regions."""
    period = cleaned.get("period")
    start, end = (period.start, period.stop) if period else (None, None)
    if start is None and end is None:
        start = default_start()
    start = start.date() if isinstance(start, datetime.datetime) else start
    end = end.date() if isinstance(end, datetime.datetime) else end
    scope = tuple(report_region_ids(user))
    region = cleaned.get("region")
    return ReportFilters(
        start=start,
        end=end,
        region_ids=(region.pk,) if region else scope,
        organisation_id=cleaned["organisation"].pk if cleaned.get("organisation") else None,
        tier_id=cleaned["tier"].pk if cleaned.get("tier") else None,
        kind=cleaned.get("kind") or "",
        segment=cleaned.get("segment") or "",
        compare=cleaned.get("compare") or Comparison.BOTH,
        adjust=tuple(cleaned.get("adjust") or ()),
    )
