"""A template's own report page: its figures, its use month by month, and its revisions side by
side ("did the new version do better?")."""

from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property

from templates_lib.models import CollateralTemplate

from ..charts import trend_chart
from ..filters import PerformanceFilterSet
from ..selectors.performance import activity_rows, days_from_first_use_to_close, revision_performance
from .base import LastmileReportView, report_view
from .performance import DEFINITIONS, HEADINGS, TemplatePerformanceView, export_row


def monthly_use(template: CollateralTemplate, filters) -> list[tuple[str, int, int]]:
    """(month, downloads, distinct deals) for each month of the window that had any."""
    rows = (
        activity_rows(filters)
        .filter(template=template)
        .annotate(month=TruncMonth("day"))
        .order_by("month")
        .values("month")
        .annotate(downloads=Sum("downloads"), deals=Count("deal_id", distinct=True))
    )
    return [(f"{row['month']:%b %Y}", row["downloads"], row["deals"]) for row in rows]


class TemplateReportView(TemplatePerformanceView):
    """The performance report narrowed to one template, plus its trend and its revisions."""

    results_template_name = "reports/template_page_results.html"
    index_url_name = "reports_template"
    index_results_url_name = "reports_template_results"
    export_filename = "template-revisions"
    filterset_class = PerformanceFilterSet
    paginate_by = None

    @cached_property
    def template(self) -> CollateralTemplate:
        return get_object_or_404(CollateralTemplate, pk=self.kwargs["pk"])

    @property
    def page_title(self):
        return f"Template report: {self.template.title}"

    def get_index_url(self):
        return reverse(self.index_url_name, args=[self.template.pk])

    def get_index_results_url(self):
        return reverse(self.index_results_url_name, args=[self.template.pk])

    def report_rows(self, filters) -> list:
        return revision_performance(self.template, filters, settings=self.settings)

    def get_context_data(self, *args, **kwargs):
        context = LastmileReportView.get_context_data(self, *args, **kwargs)
        adjusted = bool(self.report_filters.adjust)
        template_row = next((row for row in self.report.rows if row.key == self.template.pk), None)
        months = monthly_use(self.template, self.report_filters)
        days_to_win, days_n = days_from_first_use_to_close(self.template, self.report_filters)
        context.update(
            report=self.report,
            subject=self.template,
            template_row=template_row,
            template_text=export_row(template_row, adjusted=adjusted) if template_row else None,
            months=months,
            days_to_win=days_to_win,
            days_n=days_n,
            trend=trend_chart(
                [(label, downloads) for label, downloads, _ in months],
                f"Final downloads per month, {self.report_filters.window}",
            ),
            definitions=DEFINITIONS,
            headings=HEADINGS,
            adjusted=adjusted,
            table_rows=[{"row": row, "text": export_row(row, adjusted=adjusted)} for row in context["object_list"]],
            today=timezone.localdate(),
        )
        return context

    def dispatch(self, request, *args, **kwargs):
        if not CollateralTemplate.objects.filter(pk=kwargs.get("pk")).exists():
            raise Http404
        return super().dispatch(request, *args, **kwargs)


def urls() -> list:
    view = TemplateReportView
    return [
        path("templates/<int:pk>/", report_view(view.as_view()), name=view.index_url_name),
        path(
            "templates/<int:pk>/results/",
            report_view(view.as_view(results_only=True)),
            name=view.index_results_url_name,
        ),
    ]
