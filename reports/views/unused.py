"""Unused content: published templates without a final download in the period, the never-used
flagged, with a one-click retire for those allowed to retire templates (the lifecycle service
checks it again). What counts is in reports.selectors.unused."""

from django.contrib import messages
from django.http import Http404
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect
from django.urls import include, path, reverse
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from wagtail import hooks
from wagtail.admin.ui.tables import BaseColumn, Column, NumberColumn, TitleColumn

from templates_lib.models import CollateralTemplate
from templates_lib.services.lifecycle import LifecycleError, can_manage_lifecycle, template_retire

from ..access import may_see_reports, report_region_ids
from ..charts import Bar, bar_chart
from ..filters import ReportFilters
from ..selectors.unused import published_templates_in_scope, template_use_counts, unused_template_list
from .base import LastmileReportView, ReportMenuItem, report_view

IGNORED_FILTERS = ("organisation", "tier", "segment")


def template_edit_url(row) -> str:
    return reverse(CollateralTemplate.snippet_viewset.get_url_name("edit"), args=[row.template_id])


class RetireColumn(BaseColumn):
    """A POST button per row; shown only to people who may retire templates."""

    cell_template_name = "reports/unused_retire_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        request = parent_context["request"]
        context["action"] = reverse("lastmile_reports_unused:retire", args=[instance.template_id])
        context["csrf_token"] = get_token(request)
        context["next"] = reverse("lastmile_reports_unused:index") + (
            "?" + request.GET.urlencode() if request.GET else ""
        )
        return context


class UnusedContentView(LastmileReportView):
    page_title = "Unused content"
    header_icon = "warning"
    index_url_name = "lastmile_reports_unused:index"
    index_results_url_name = "lastmile_reports_unused:results"
    results_template_name = "reports/unused_results.html"
    export_filename = "unused-content"
    list_export = ["title", "kind_label", "status", "age_days", "last_editor", "last_revision_on", "last_download_on"]
    export_headings = {
        "kind_label": "Kind",
        "age_days": "Age (days)",
        "last_editor": "Last edited by",
        "last_revision_on": "Last revision",
        "last_download_on": "Last download",
    }
    export_definitions = {
        "title": "A published template (live, not retired) without a final download in the window.",
        "kind_label": "The template's kind (one-pager, brochure…).",
        "status": "Never used: no download or share view ever. No download in period: used before, not in the window.",
        "age_days": "Days since the template was created.",
        "last_editor": "Who saved the template's latest revision.",
        "last_revision_on": "The day the latest revision was saved.",
        "last_download_on": "The last day with a final PDF/PNG download, ever (share views are not downloads).",
    }

    @cached_property
    def can_retire(self) -> bool:
        return can_manage_lifecycle(self.request.user)

    @property
    def columns(self):
        columns = [
            TitleColumn("title", label="Template", get_url=template_edit_url),
            Column("kind_label", label="Kind"),
            Column("status", label="Use"),
            NumberColumn("age_days", label="Age (days)"),
            Column("last_editor", label="Last edited by"),
            Column("last_revision_on", label="Last revision"),
            Column("last_download_on", label="Last download"),
        ]
        if self.can_retire:
            columns.append(RetireColumn("retire", label="Retire"))
        return columns

    def report_rows(self, filters: ReportFilters) -> list:
        return unused_template_list(filters)

    def filter_notes(self) -> list[str]:
        notes = super().filter_notes()
        ignored = [self.filters.form.fields[name].label for name in IGNORED_FILTERS if self.filters.form[name].value()]
        if ignored:
            notes.append(f"Not applied to templates: {', '.join(ignored)}")
        return notes

    def get_export_notes(self) -> list[str]:
        return [
            *super().get_export_notes(),
            "Use is counted in every region: retiring a template takes it away from all of them.",
        ]

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        counts = template_use_counts(self.report_filters)
        context["use_counts"] = counts
        context["use_chart"] = bar_chart(
            [
                Bar("Downloaded in the period", counts.used),
                Bar("Not downloaded in the period", counts.unused),
                Bar("Never used", counts.never_used),
            ],
            caption=f"Published templates, {self.report_filters.window} (n={counts.total})",
        )
        context["ignored_filters"] = [note for note in self.filter_notes() if note.startswith("Not applied")]
        if counts.total == 0:
            context["no_results_message"] = "No published templates match these filters."
        else:
            context["no_results_message"] = (
                f"Every published template was downloaded at least once in this period ({counts.total} of {counts.total})."
            )
        return context


@require_POST
def retire_view(request, pk: int):
    """Retire one template from the report, then back to the report with a message. PermissionDenied
    (403) for anyone the lifecycle service refuses; a template outside the user's regions is a 404."""
    if not may_see_reports(request.user):
        raise Http404
    template = get_object_or_404(
        published_templates_in_scope(ReportFilters(region_ids=tuple(report_region_ids(request.user)))), pk=pk
    )
    try:
        template_retire(template=template, user=request.user)
    except LifecycleError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"“{template.title}” is retired: it has left the library.")
    index = reverse("lastmile_reports_unused:index")
    target = request.POST.get("next", "")
    if not (target.startswith(index) and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})):
        target = index
    return redirect(target)


def urls() -> list:
    patterns = [
        path("", report_view(UnusedContentView.as_view()), name="index"),
        path("results/", report_view(UnusedContentView.as_view(results_only=True)), name="results"),
        path("<int:pk>/retire/", report_view(retire_view), name="retire"),
    ]
    return [path("unused-content/", include((patterns, "lastmile_reports_unused")))]


@hooks.register("register_reports_menu_item")
def register_unused_menu_item():
    return ReportMenuItem(
        "Unused content",
        reverse("lastmile_reports_unused:index"),
        name="lastmile-unused-content",
        icon_name="warning",
        order=1320,
    )
