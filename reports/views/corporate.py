"""Corporate vs local: the share of each document's content that came from corporate, averaged per
template, region or partner organisation, against the company's reference band."""

from django.urls import include, path, reverse
from django.utils.functional import cached_property

from wagtail import hooks
from wagtail.admin.ui.tables import Column

import django_filters

from ..charts import Bar, band_chart, format_value
from ..filters import ReportFilters, ReportFilterSet
from ..selectors.corporate import GroupBy, corporate_share_rows
from .base import LastmileReportView, ReportMenuItem, report_view

NAMESPACE = "corporate_report"


class DefinedColumn(Column):
    """A column whose header carries its one-line definition (on hover, and for screen readers)."""

    header_template_name = "reports/corporate_column_header.html"

    def __init__(self, name, *, definition: str = "", **kwargs):
        super().__init__(name, **kwargs)
        self.definition = definition


class PercentColumn(DefinedColumn):
    """A share shown as a whole percentage with its n: "64% (n=12)"; a dash with no data."""

    def __init__(self, name, *, n_accessor: str, **kwargs):
        super().__init__(name, **kwargs)
        self.n_accessor = n_accessor

    def get_value(self, instance):
        value = super().get_value(instance)
        n = getattr(instance, self.n_accessor)
        return f"{format_value(value, 'percent')} (n={n})" if value is not None else f"— (n={n})"


def defined_columns(definitions: dict, specs: list) -> list[Column]:
    return [
        column_class(name, label=label, definition=definitions.get(name, ""), **kwargs)
        for column_class, name, label, kwargs in specs
    ]


class CorporateFilterSet(ReportFilterSet):
    by = django_filters.ChoiceFilter(label="Group by", choices=GroupBy.CHOICES, empty_label=None, null_label=None)
    # Documents have no deal segment: the key is refused rather than silently ignored.
    segment = None

    class Meta(ReportFilterSet.Meta):
        pass


CORPORATE_DEFINITIONS = {
    "group": "The template, the owner's region (a partner's organisation's region) or the owner's partner organisation.",
    "documents": "Documents (not deleted) created in the window, within the filters.",
    "share": (
        "Mean over documents of the corporate share of what the document shows: corporate characters plus "
        "corporate image slots, each image slot weighed as the document's average text field, over the whole."
    ),
    "n": "Documents with any content, the n behind the corporate share.",
    "text_share": (
        "Mean over documents of corporate characters / all characters. Corporate: locked, token and choice "
        "fields, and free text equal to the template's default or a pre-approved (or promoted) wording. "
        "Characters as shown: markup stripped, whitespace runs counted once."
    ),
    "text_n": "Documents with text.",
    "image_share": (
        "Mean over documents of library image slots / filled image slots. Library, default and data-filled "
        "images are corporate; images users uploaded are local."
    ),
    "image_n": "Documents with at least one image.",
    "flag": "“Below band” or “above band” when the corporate share is outside the company's band (Report settings).",
}


class CorporateReportView(LastmileReportView):
    page_title = "Corporate vs local content"
    header_icon = "doc-full"
    filterset_class = CorporateFilterSet
    results_template_name = "reports/corporate_results.html"
    index_url_name = f"{NAMESPACE}:index"
    index_results_url_name = f"{NAMESPACE}:results"
    export_filename = "corporate-vs-local"
    list_export = ["group", "documents", "share", "n", "text_share", "text_n", "image_share", "image_n", "flag"]
    export_headings = {
        "group": "Group",
        "documents": "Documents",
        "share": "Corporate share",
        "n": "n (share)",
        "text_share": "Corporate share of text",
        "text_n": "n (text)",
        "image_share": "Corporate share of images",
        "image_n": "n (images)",
        "flag": "Outside the band",
    }
    export_definitions = CORPORATE_DEFINITIONS
    paginate_by = 100

    @cached_property
    def columns(self):
        return defined_columns(
            CORPORATE_DEFINITIONS,
            [
                (DefinedColumn, "group", self.group_label, {}),
                (DefinedColumn, "documents", "Documents", {}),
                (PercentColumn, "share", "Corporate share", {"n_accessor": "n"}),
                (PercentColumn, "text_share", "Text", {"n_accessor": "text_n"}),
                (PercentColumn, "image_share", "Images", {"n_accessor": "image_n"}),
                (DefinedColumn, "flag", "Band", {}),
            ],
        )

    @property
    def by(self) -> str:
        return self.filters.form.cleaned_data.get("by") or GroupBy.TEMPLATE

    @property
    def group_label(self) -> str:
        return dict(GroupBy.CHOICES)[self.by]

    @property
    def band(self) -> tuple[float, float]:
        return (self.settings.corporate_share_low / 100, self.settings.corporate_share_high / 100)

    def report_rows(self, filters: ReportFilters) -> list:
        return corporate_share_rows(filters, by=self.by, band=self.band)

    def get_export_notes(self) -> list[str]:
        low, high = self.band
        return [
            *super().get_export_notes(),
            f"Grouped by: {self.group_label}",
            f"Company band: {low:.0%} to {high:.0%} corporate",
        ]

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        rows = self.object_list
        context["chart"] = band_chart(
            [Bar(label=row.group, value=row.share, note=f"n={row.n}") for row in rows[:20]],
            caption=f"Corporate share by {self.group_label.lower()}"
            + (f" (the 20 largest of {len(rows)})" if len(rows) > 20 else ""),
            band=self.band,
            band_label="Company band",
        )
        context["definitions"] = [(self.export_headings[name], text) for name, text in CORPORATE_DEFINITIONS.items()]
        context["band"] = self.band
        return context


def urls() -> list:
    urls = [
        path("", report_view(CorporateReportView.as_view()), name="index"),
        path("results/", report_view(CorporateReportView.as_view(results_only=True)), name="results"),
    ]
    return [path("corporate/", include((urls, NAMESPACE)))]


@hooks.register("register_reports_menu_item")
def register_menu_item():
    return ReportMenuItem(
        "Corporate vs local", reverse(f"{NAMESPACE}:index"), name="corporate-vs-local", icon_name="doc-full", order=1100
    )
