"""The weekly record in Wagtail admin: the list of weeks (filtered by region, paginated) and each
record's page, with the form for what was decided, the "email me this record" toggle and, for
marketing analysts, a rebuild. Who sees which record is in reports.selectors.weekly; a record
outside the user's regions is a 404, as is every page for someone who may not read reports."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import include, path, reverse
from django.views.decorators.http import require_POST

from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.generic import BaseListingView

import django_filters

from ..filters import regions_in_scope
from ..models import DECIDED_MAX_CHARS, WeeklyRecord
from ..selectors.weekly import record_context, weekly_records_for
from ..services.weekly import (
    WeeklyRecordError,
    can_rebuild_weekly_records,
    is_subscribed,
    weekly_record_decide,
    weekly_record_rebuild,
    weekly_subscription_set,
)
from .base import ReportMenuItem, report_view

INDEX = "lastmile_reports_weekly:index"


class WeeklyRecordFilterSet(WagtailFilterSet):
    region = django_filters.ModelChoiceFilter(
        queryset=regions_in_scope, empty_label="All", null_label="Whole company", label="Region"
    )

    class Meta:
        model = WeeklyRecord
        fields: list[str] = []


def record_url(record: WeeklyRecord) -> str:
    return reverse("lastmile_reports_weekly:detail", args=[record.pk])


def scope_label(record: WeeklyRecord) -> str:
    return record.region.name if record.region_id else "Whole company"


def week_label(record: WeeklyRecord) -> str:
    start, end = record.week_start, record.week_end
    if start.month == end.month:
        return f"{start.day}–{end.day} {end:%b %Y}"
    return f"{start.day} {start:%b} – {end.day} {end:%b %Y}"


def headline(record: WeeklyRecord, section: str, key: str):
    return record.figures.get(section, {}).get(key, "—")


def activity_label(record: WeeklyRecord) -> str:
    if not record.has_activity:
        return "No activity"
    return f"Mailed {record.sent_at:%d %b}" if record.sent_at else "Not mailed"


class WeeklyRecordIndexView(BaseListingView):
    page_title = "Weekly record"
    header_icon = "date"
    paginate_by = 20
    filterset_class = WeeklyRecordFilterSet
    index_url_name = INDEX
    index_results_url_name = "lastmile_reports_weekly:results"
    default_ordering = "-week_start"
    verbose_name, verbose_name_plural = "weekly record", "weekly records"

    @property
    def columns(self):
        return [
            TitleColumn("week", label="Week", accessor=week_label, get_url=record_url),
            Column("scope", label="Region", accessor=scope_label),
            Column(
                "downloads", label="Downloads", accessor=lambda record: headline(record, "templates_used", "downloads")
            ),
            Column(
                "won",
                label="Deals won with a template",
                accessor=lambda record: headline(record, "templates_used", "deals_won_with_template"),
            ),
            Column("activity", label="Mail", accessor=activity_label),
            Column("decided", label="Decided", accessor=lambda record: "Yes" if record.decided else "—"),
            DateColumn("built_at", label="Built"),
        ]

    def get_base_queryset(self):
        return weekly_records_for(self.request.user)

    def order_queryset(self, queryset):
        return queryset.order_by("-week_start", "region__name", "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["no_results_message"] = "No weekly record has been built yet: `manage.py weekly_record` builds them."
        return context


class DecidedForm(forms.Form):
    decided = forms.CharField(
        label="What was decided",
        required=False,
        max_length=DECIDED_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Filled in during the weekly meeting; saved with the record (plain text).",
    )


def _record_or_404(request, pk: int) -> WeeklyRecord:
    return get_object_or_404(weekly_records_for(request.user), pk=pk)


def _detail(request, record: WeeklyRecord, *, form: DecidedForm | None = None, status: int = 200):
    context = record_context(record)
    title = f"{week_label(record)}: {scope_label(record)}"
    context.update(
        header_title=title,
        page_title=title,
        header_icon="date",
        breadcrumbs_items=[
            {"url": reverse("wagtailadmin_home"), "label": "Home"},
            {"url": reverse(INDEX), "label": "Weekly record"},
            {"url": "", "label": title},
        ],
        form=form or DecidedForm(initial={"decided": record.decided}),
        is_subscribed=is_subscribed(user=request.user, region=record.region),
        scope_possessive=f"{record.region.name}’s" if record.region_id else "the whole company’s",
        can_rebuild=can_rebuild_weekly_records(request.user),
    )
    return TemplateResponse(request, "reports/weekly/detail.html", context, status=status)


def record_detail(request, pk: int):
    return _detail(request, _record_or_404(request, pk))


@require_POST
def record_decide(request, pk: int):
    record = _record_or_404(request, pk)
    form = DecidedForm(request.POST)
    if not form.is_valid():
        return _detail(request, record, form=form, status=400)
    try:
        weekly_record_decide(record=record, text=form.cleaned_data["decided"], user=request.user)
    except WeeklyRecordError as exc:
        form.add_error("decided", str(exc))
        return _detail(request, record, form=form, status=400)
    messages.success(request, "What was decided is saved with the record.")
    return redirect(record_url(record))


@require_POST
def record_subscribe(request, pk: int):
    record = _record_or_404(request, pk)
    wanted = request.POST.get("subscribed") == "on"
    try:
        weekly_subscription_set(user=request.user, region=record.region, subscribed=wanted)
    except PermissionError as exc:
        raise PermissionDenied from exc
    scope = record.region.name if record.region_id else "the whole company"
    if wanted:
        messages.success(request, f"You will get the weekly record of {scope} by email.")
    else:
        messages.success(request, f"You will no longer get the weekly record of {scope} by email.")
    return redirect(record_url(record))


@require_POST
def record_rebuild(request, pk: int):
    record = _record_or_404(request, pk)
    try:
        weekly_record_rebuild(record=record, user=request.user)
    except PermissionError as exc:
        raise PermissionDenied from exc
    messages.success(request, "The record's figures were rebuilt from the data as it is now.")
    return redirect(record_url(record))


def urls() -> list:
    patterns = [
        path("", report_view(WeeklyRecordIndexView.as_view()), name="index"),
        path("results/", report_view(WeeklyRecordIndexView.as_view(results_only=True)), name="results"),
        path("<int:pk>/", report_view(record_detail), name="detail"),
        path("<int:pk>/decided/", report_view(record_decide), name="decide"),
        path("<int:pk>/subscription/", report_view(record_subscribe), name="subscribe"),
        path("<int:pk>/rebuild/", report_view(record_rebuild), name="rebuild"),
    ]
    return [path("weekly/", include((patterns, "lastmile_reports_weekly")))]


@hooks.register("register_reports_menu_item")
def register_weekly_menu_item():
    return ReportMenuItem(
        "Weekly record",
        reverse(INDEX),
        name="lastmile-weekly-record",
        icon_name="date",
        order=1340,
    )
