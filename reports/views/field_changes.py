"""What the field changes (per editable text field: how often, how far, the common values, with one
click to make a value a pre-approved wording) and approval turnaround (median and 90th percentile
from submission to decision, rejection rate)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseForbidden
from django.middleware.csrf import get_token
from django.shortcuts import redirect
from django.urls import include, path, reverse
from django.utils.functional import cached_property
from django.views.decorators.http import require_POST

from wagtail import hooks

import django_filters

from approvals.reviewers import is_brand_reviewer
from approvals.services import ApprovalError, promote_wording

from ..access import may_see_reports, report_region_ids
from ..charts import format_value
from ..filters import ReportFilters, ReportFilterSet
from ..selectors.corporate import GroupBy
from ..selectors.field_changes import MIN_WRITERS, field_change_rows, promotion_source, turnaround_rows
from .base import LastmileReportView, ReportMenuItem, report_view
from .corporate import DefinedColumn, defined_columns

NAMESPACE = "field_changes_report"


class DocumentFilterSet(ReportFilterSet):
    segment = None  # documents and review rounds have no deal segment: the key is refused

    class Meta(ReportFilterSet.Meta):
        pass


class TurnaroundFilterSet(DocumentFilterSet):
    by = django_filters.ChoiceFilter(label="Group by", choices=GroupBy.CHOICES, empty_label=None, null_label=None)

    class Meta(DocumentFilterSet.Meta):
        pass


class FormattedColumn(DefinedColumn):
    def __init__(self, name, *, value_format: str, **kwargs):
        super().__init__(name, **kwargs)
        self.value_format = value_format

    def get_value(self, instance):
        value = super().get_value(instance)
        if self.value_format == "hours":
            return "—" if value is None else f"{value:.1f} h"
        return format_value(value, self.value_format)


class CommonValuesColumn(DefinedColumn):
    cell_template_name = "reports/field_changes_values_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        request = parent_context["request"]
        context["can_promote"] = instance.can_promote and is_brand_reviewer(request.user)
        context["csrf_token"] = get_token(request)
        context["promote_url"] = reverse(f"{NAMESPACE}:promote")
        context["next_url"] = request.get_full_path().replace("/results/", "/", 1)
        return context


FIELD_DEFINITIONS = {
    "template": "The template the documents were made from.",
    "field": "An editable text field (free or choice), by its label in the document's template revision.",
    "documents": "Documents (not deleted) created in the window whose template revision has this field: the n.",
    "changed": "Documents whose value, as shown (markup stripped), differs from the field's default.",
    "change_rate": "Changed / documents.",
    "distance": (
        "Mean over changed documents of the Levenshtein distance to the default divided by the longer text's "
        "length: 0% is the default, 100% nothing in common."
    ),
    "common_values_text": (
        f"The most written changed values; a value is shown only when at least {MIN_WRITERS} different people "
        "wrote it. Truncated to 120 characters."
    ),
}

TURNAROUND_DEFINITIONS = {
    "group": "The template, the review region (the document owner's region, which decides who reviews) or the owner's organisation.",
    "decided": "Rounds of brand review a person decided, submitted in the window: the n behind every figure.",
    "median_hours": "Median hours from submission to brand review to the reviewer's decision.",
    "p90_hours": "90th percentile of the same hours (linear interpolation, as PostgreSQL percentile_cont).",
    "rejected": "Rounds rejected (changes requested is not a rejection).",
    "rejection_rate": "Rejected / decided.",
}


class FieldChangesReportView(LastmileReportView):
    page_title = "What the field changes"
    header_icon = "edit"
    filterset_class = DocumentFilterSet
    results_template_name = "reports/field_changes_results.html"
    index_url_name = f"{NAMESPACE}:index"
    index_results_url_name = f"{NAMESPACE}:results"
    export_filename = "field-changes"
    list_export = ["template", "field", "documents", "changed", "change_rate", "distance", "common_values_text"]
    export_headings = {
        "template": "Template",
        "field": "Field",
        "documents": "Documents",
        "changed": "Changed",
        "change_rate": "Changed from default",
        "distance": "How far (edit distance)",
        "common_values_text": "Common values",
    }
    export_definitions = FIELD_DEFINITIONS
    paginate_by = 100

    @cached_property
    def columns(self):
        return defined_columns(
            FIELD_DEFINITIONS,
            [
                (DefinedColumn, "template", "Template", {}),
                (DefinedColumn, "field", "Field", {}),
                (DefinedColumn, "documents", "Documents", {}),
                (FormattedColumn, "change_rate", "Changed from default", {"value_format": "percent"}),
                (FormattedColumn, "distance", "How far", {"value_format": "percent"}),
                (CommonValuesColumn, "common_values_text", "Common values", {}),
            ],
        )

    def report_rows(self, filters: ReportFilters) -> list:
        return field_change_rows(filters)

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        context["definitions"] = [(self.export_headings[name], text) for name, text in FIELD_DEFINITIONS.items()]
        context["min_writers"] = MIN_WRITERS
        context["turnaround_url"] = reverse(f"{NAMESPACE}:turnaround")
        return context


class TurnaroundReportView(LastmileReportView):
    page_title = "Approval turnaround"
    header_icon = "time"
    filterset_class = TurnaroundFilterSet
    results_template_name = "reports/field_changes_turnaround_results.html"
    index_url_name = f"{NAMESPACE}:turnaround"
    index_results_url_name = f"{NAMESPACE}:turnaround-results"
    export_filename = "approval-turnaround"
    list_export = ["group", "decided", "median_hours", "p90_hours", "rejected", "rejection_rate"]
    export_headings = {
        "group": "Group",
        "decided": "Decided (n)",
        "median_hours": "Median hours",
        "p90_hours": "90th percentile hours",
        "rejected": "Rejected",
        "rejection_rate": "Rejection rate",
    }
    export_definitions = TURNAROUND_DEFINITIONS

    @property
    def by(self) -> str:
        return self.filters.form.cleaned_data.get("by") or GroupBy.TEMPLATE

    @property
    def group_label(self) -> str:
        return {GroupBy.REGION: "Review region"}.get(self.by, dict(GroupBy.CHOICES)[self.by])

    @cached_property
    def columns(self):
        return defined_columns(
            TURNAROUND_DEFINITIONS,
            [
                (DefinedColumn, "group", self.group_label, {}),
                (DefinedColumn, "decided", "Decided (n)", {}),
                (FormattedColumn, "median_hours", "Median", {"value_format": "hours"}),
                (FormattedColumn, "p90_hours", "90th percentile", {"value_format": "hours"}),
                (FormattedColumn, "rejection_rate", "Rejection rate", {"value_format": "percent"}),
            ],
        )

    def report_rows(self, filters: ReportFilters) -> list:
        return turnaround_rows(filters, by=self.by)

    def get_export_notes(self) -> list[str]:
        return [*super().get_export_notes(), f"Grouped by: {self.group_label}"]

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        context["definitions"] = [(self.export_headings[name], text) for name, text in TURNAROUND_DEFINITIONS.items()]
        return context


@require_POST
def promote(request):
    """Make a common value a pre-approved wording through the approval loop's promote service,
    which checks that the user may review the source document."""
    if not may_see_reports(request.user):
        raise Http404
    next_url = request.POST.get("next", "")
    if not next_url.startswith(reverse(f"{NAMESPACE}:index")):
        next_url = reverse(f"{NAMESPACE}:index")
    if not is_brand_reviewer(request.user):
        return HttpResponseForbidden("Only the brand team may add pre-approved wordings.")
    try:
        template_id = int(request.POST.get("template", ""))
    except ValueError:
        raise Http404 from None
    field_key = request.POST.get("field", "")[:60]
    source = promotion_source(
        template_id=template_id,
        field_key=field_key,
        text=request.POST.get("value", ""),
        region_ids=report_region_ids(request.user),
    )
    if source is None:
        messages.error(request, "Not added: no approved document in your regions holds this wording.")
        return redirect(next_url)
    try:
        promote_wording(document=source, field_key=field_key, reviewer=request.user)
    except PermissionDenied:
        return HttpResponseForbidden("You may not review documents with this wording.")
    except ApprovalError as exc:
        messages.error(request, f"Not added: {exc}")
    else:
        messages.success(request, f"Added as a pre-approved wording of “{source.template.title}”.")
    return redirect(next_url)


def urls() -> list:
    urls = [
        path("", report_view(FieldChangesReportView.as_view()), name="index"),
        path("results/", report_view(FieldChangesReportView.as_view(results_only=True)), name="results"),
        path("promote/", report_view(promote), name="promote"),
        path("turnaround/", report_view(TurnaroundReportView.as_view()), name="turnaround"),
        path(
            "turnaround/results/",
            report_view(TurnaroundReportView.as_view(results_only=True)),
            name="turnaround-results",
        ),
    ]
    return [path("field-changes/", include((urls, NAMESPACE)))]


@hooks.register("register_reports_menu_item")
def register_menu_items():
    return ReportMenuItem(
        "What the field changes", reverse(f"{NAMESPACE}:index"), name="field-changes", icon_name="edit", order=1110
    )


@hooks.register("register_reports_menu_item")
def register_turnaround_menu_item():
    return ReportMenuItem(
        "Approval turnaround",
        reverse(f"{NAMESPACE}:turnaround"),
        name="approval-turnaround",
        icon_name="time",
        order=1120,
    )
