"""Template performance in Wagtail admin: which templates win, honestly (issue 13, STATS.md)."""

from django.urls import path, reverse
from django.utils.functional import cached_property

from wagtail import hooks

from ..charts import IntervalPoint, interval_chart
from ..filters import Comparison, PerformanceFilterSet, ReportFilters
from ..presenters import difference_text, money_text, percent, rate_text, ratio_text
from ..selectors.performance import PerformanceReport, TemplatePerformance, template_performance
from .base import LastmileReportView, ReportMenuItem, report_view

DEFINITIONS = {
    "rank": "Position by the lower end of the win rate's 95% interval; blank when too few closed deals to judge.",
    "title": "The template.",
    "documents": "Documents made from the template in the window (deleted ones too).",
    "downloads": "Final PDFs and PNGs delivered in the window (portal and share links).",
    "views": "Share-link page views in the window.",
    "deals": "Distinct deals it was delivered for in the window.",
    "users": "Distinct people who delivered it in the window.",
    "won": "Closed deals (won or lost, closing in the window) that used it on or before their close date, won.",
    "lost": "The same, lost.",
    "pending": "Open deals it was first delivered for in the window: in no win rate.",
    "win_rate": "Won of closed deals that used it, with the Wilson 95% interval.",
    "shrunken": "Win rate shrunk towards all templates' (empirical Bayes): less extreme on few deals.",
    "none_rate": "Closed deals that used no Lastmile document before closing.",
    "none_difference": "Win rate minus no template's, in points, Newcombe 95% interval. Association, not effect.",
    "none_ratio": "Win rate over no template's, Katz 95% interval.",
    "none_adjusted": "Mantel–Haenszel difference holding the chosen factors equal, Sato 95% interval.",
    "none_verdict": "Better or worse than no template after Benjamini–Hochberg control across the templates compared.",
    "other_rate": "Closed deals that used another template, but not this one, before closing.",
    "other_difference": "Win rate minus other templates', in points, Newcombe 95% interval. Association, not effect.",
    "other_ratio": "Win rate over other templates', Katz 95% interval.",
    "other_adjusted": "Mantel–Haenszel difference holding the chosen factors equal, Sato 95% interval.",
    "other_verdict": "Better or worse than other templates after Benjamini–Hochberg control.",
    "revenue": "Won amount per currency of the closed deals that used it; currencies are never added.",
    "judged": "“too few to judge” when fewer closed deals than the threshold in its group or the comparison.",
}

HEADINGS = {
    "rank": "Rank",
    "title": "Template",
    "documents": "Documents",
    "downloads": "Downloads",
    "views": "Share views",
    "deals": "Deals",
    "users": "People",
    "won": "Won",
    "lost": "Lost",
    "pending": "Pending",
    "win_rate": "Win rate",
    "shrunken": "Shrunken rate",
    "none_rate": "No template: win rate",
    "none_difference": "vs no template: difference",
    "none_ratio": "vs no template: ratio",
    "none_adjusted": "vs no template: adjusted difference",
    "none_verdict": "vs no template",
    "other_rate": "Other templates: win rate",
    "other_difference": "vs other templates: difference",
    "other_ratio": "vs other templates: ratio",
    "other_adjusted": "vs other templates: adjusted difference",
    "other_verdict": "vs other templates",
    "revenue": "Won revenue",
    "judged": "Judged",
}


def export_row(row: TemplatePerformance, *, adjusted: bool) -> dict:
    values = {
        "rank": row.rank,
        "title": row.title,
        "documents": row.activity.documents,
        "downloads": row.activity.downloads,
        "views": row.activity.views,
        "deals": row.activity.deals,
        "users": row.activity.users,
        "won": row.won,
        "lost": row.lost,
        "pending": row.pending,
        "win_rate": rate_text(row.rate),
        "shrunken": percent(row.shrunken),
        "revenue": money_text(row.revenue),
        "judged": "too few to judge" if row.too_few else "judged",
    }
    for group, prefix in ((Comparison.NO_TEMPLATE, "none"), (Comparison.OTHER_TEMPLATES, "other")):
        versus = row.versus.get(group)
        if versus is None:
            continue
        values[f"{prefix}_rate"] = rate_text(versus.rate)
        values[f"{prefix}_difference"] = difference_text(versus.difference)
        values[f"{prefix}_ratio"] = ratio_text(versus.ratio)
        values[f"{prefix}_adjusted"] = difference_text(versus.adjusted_difference) if adjusted else "not adjusted"
        values[f"{prefix}_verdict"] = versus.verdict or (
            "too few to judge" if not versus.judged else "no clear difference"
        )
    return values


def headline_chart(report: PerformanceReport, *, limit: int = 12):
    rows = [row for row in report.rows if row.closed][:limit]
    points = []
    for row in rows:
        interval = row.interval
        points.append(
            IntervalPoint(
                label=row.title,
                value=row.rate.value,
                low=interval.low if interval else None,
                high=interval.high if interval else None,
                n=row.closed,
                greyed=row.too_few,
                note="too few to judge" if row.too_few else "",
            )
        )
    none = report.groups[Comparison.NO_TEMPLATE]
    return interval_chart(
        points,
        caption=(
            f"Win rate of closed deals that used each template, with 95% intervals ({report.filters.window}); "
            f"the line is deals that used no template."
        ),
        reference=none.value,
        reference_label=f"No template (n={none.n})",
    )


class TemplatePerformanceView(LastmileReportView):
    page_title = "Template performance"
    header_icon = "success"
    filterset_class = PerformanceFilterSet
    index_url_name = "reports_template_performance"
    index_results_url_name = "reports_template_performance_results"
    results_template_name = "reports/performance_results.html"
    export_filename = "template-performance"
    export_headings = HEADINGS
    export_definitions = DEFINITIONS
    paginate_by = 50

    @property
    def list_export(self):
        fields = list(HEADINGS)
        if not self.report_filters.adjust:
            fields = [f for f in fields if not f.endswith("_adjusted")]
        if self.report_filters.compare == Comparison.NO_TEMPLATE:
            fields = [f for f in fields if not f.startswith("other_")]
        elif self.report_filters.compare == Comparison.OTHER_TEMPLATES:
            fields = [f for f in fields if not f.startswith("none_")]
        return fields

    @cached_property
    def report(self) -> PerformanceReport:
        return template_performance(self.report_filters, settings=self.settings)

    def report_rows(self, filters: ReportFilters) -> list:
        return self.report.rows

    def to_row_dict(self, item):
        row = export_row(item, adjusted=bool(self.report_filters.adjust))
        return {field: row.get(field, "") for field in self.list_export}

    def get_export_notes(self) -> list[str]:
        report = self.report
        notes = [
            f"Closed deals: won or lost with a close date in {report.filters.window}.",
            "Association, not effect: templates are not assigned at random.",
            f"Too few to judge: fewer than {report.min_closed} closed deals in a group.",
            *(
                f"Benjamini–Hochberg at q = {report.q:.2f} across {n} templates compared with "
                f"{'no template' if group == Comparison.NO_TEMPLATE else 'other templates'}."
                for group, n in report.compared.items()
            ),
        ]
        if report.filters.adjust:
            notes.append("Held equal: " + ", ".join(report.filters.adjust) + ".")
        return notes + self.filter_notes()

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        report = self.report
        adjusted = bool(report.filters.adjust)
        context.update(
            report=report,
            chart=headline_chart(report),
            definitions=DEFINITIONS,
            headings=HEADINGS,
            adjusted=adjusted,
            comparisons=[g for g in (Comparison.NO_TEMPLATE, Comparison.OTHER_TEMPLATES) if g in report.compared],
            none_rate=rate_text(report.groups[Comparison.NO_TEMPLATE]),
            table_rows=[{"row": row, "text": export_row(row, adjusted=adjusted)} for row in context["object_list"]],
        )
        return context


def urls() -> list:
    view = TemplatePerformanceView
    return [
        path("templates/", report_view(view.as_view()), name=view.index_url_name),
        path("templates/results/", report_view(view.as_view(results_only=True)), name=view.index_results_url_name),
    ]


@hooks.register("register_reports_menu_item")
def register_menu_item():
    return ReportMenuItem(
        "Template performance",
        reverse(TemplatePerformanceView.index_url_name),
        name="template-performance",
        icon_name="success",
        order=100,
    )
