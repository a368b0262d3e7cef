"""A report's window on a timestamp column: whole local days, as bounds the database can use an
index for (`created_at__date` would call a function on every row)."""

import datetime

from django.db.models import Q
from django.utils import timezone

from ..filters import ReportFilters


def start_of_day(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


def in_window(field: str, filters: ReportFilters) -> Q:
    """`field` (a datetime) falls on a local day from `filters.start` to `filters.end`, inclusive."""
    window = Q()
    if filters.start:
        window &= Q(**{f"{field}__gte": start_of_day(filters.start)})
    if filters.end:
        window &= Q(**{f"{field}__lt": start_of_day(filters.end + datetime.timedelta(days=1))})
    return window
