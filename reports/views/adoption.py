"""Adoption: who uses the portal, per person or per partner organisation (`by=`), with an
"inactive only" filter. What counts is in reports.selectors.adoption."""

from django.urls import include, path, reverse
from django.utils.functional import cached_property

from wagtail import hooks
from wagtail.admin.ui.tables import Column, NumberColumn

import django_filters

from ..charts import Bar, bar_chart
from ..filters import ReportFilters, ReportFilterSet
from ..selectors.adoption import organisation_adoption_list, person_adoption_list
from .base import LastmileReportView, ReportMenuItem, report_view

BY_PERSON = "person"
BY_ORGANISATION = "organisation"
TOP_ORGANISATIONS = 10
IGNORED_FILTERS = ("kind", "segment")


class AdoptionFilterSet(ReportFilterSet):
    by = django_filters.ChoiceFilter(
        label="Rows",
        choices=[(BY_PERSON, "One per person"), (BY_ORGANISATION, "One per partner organisation")],
        empty_label=None,
        null_label=None,
    )
    inactive = django_filters.ChoiceFilter(
        label="Activity", choices=[("1", "Inactive in the period only")], empty_label="Everyone"
    )

    class Meta(ReportFilterSet.Meta):
        pass


COMMON_DEFINITIONS = {
    "documents": "Documents made in the window (deleted ones included: making one is the use).",
    "downloads": "Final PDF and PNG downloads in the window; share-link page views are not downloads.",
    "deals_touched": "Distinct deals with a download or share view in the window.",
    "first_use": "The first day with a delivery, ever.",
    "last_use": "The last day with a delivery, ever.",
}

PERSON_DEFINITIONS = {
    "name": "A person with portal access: an active sales rep, partner user or partner manager.",
    "role": "Their portal role.",
    "organisation": "Their partner organisation (empty for internal staff).",
    "region": "Their region: a partner's organisation's region, staff's own.",
    "status": "Active: made a document or downloaded one in the window. Inactive otherwise.",
    **COMMON_DEFINITIONS,
}

ORGANISATION_DEFINITIONS = {
    "name": "An active partner organisation.",
    "tier": "Its partner tier.",
    "region": "Its region.",
    "users_with_access": "Its active partner users and managers.",
    "active_users": "Of those, how many made or downloaded a document in the window.",
    "active_share": "Active users / users with access.",
    **COMMON_DEFINITIONS,
    "deals_touched": "Distinct deals any member delivered for (download or share view) in the window.",
}


class AdoptionView(LastmileReportView):
    page_title = "Adoption"
    header_icon = "group"
    filterset_class = AdoptionFilterSet
    index_url_name = "lastmile_reports_adoption:index"
    index_results_url_name = "lastmile_reports_adoption:results"
    results_template_name = "reports/adoption_results.html"
    export_filename = "adoption"
    export_headings = {
        "deals_touched": "Deals touched",
        "first_use": "First use",
        "last_use": "Last use",
        "users_with_access": "Users with access",
        "active_users": "Active users",
        "active_share": "Share active",
    }

    @cached_property
    def by(self) -> str:
        return self.filters.form.cleaned_data.get("by") or BY_PERSON

    @cached_property
    def inactive_only(self) -> bool:
        return bool(self.filters.form.cleaned_data.get("inactive"))

    @property
    def is_by_organisation(self) -> bool:
        return self.by == BY_ORGANISATION

    @property
    def list_export(self):
        if self.is_by_organisation:
            return [
                "name",
                "tier",
                "region",
                "users_with_access",
                "active_users",
                "active_share",
                "documents",
                "downloads",
                "deals_touched",
                "first_use",
                "last_use",
            ]
        return [
            "name",
            "role",
            "organisation",
            "region",
            "status",
            "documents",
            "downloads",
            "deals_touched",
            "first_use",
            "last_use",
        ]

    @property
    def export_definitions(self):
        return ORGANISATION_DEFINITIONS if self.is_by_organisation else PERSON_DEFINITIONS

    @property
    def columns(self):
        counts = [
            NumberColumn("documents", label="Documents made"),
            NumberColumn("downloads", label="Downloads"),
            NumberColumn("deals_touched", label="Deals touched"),
            Column("first_use", label="First use"),
            Column("last_use", label="Last use"),
        ]
        if self.is_by_organisation:
            return [
                Column("name", label="Organisation"),
                Column("tier", label="Tier"),
                Column("region", label="Region"),
                Column("active_label", label="Active users"),
                *counts,
            ]
        return [
            Column("name", label="Person"),
            Column("role", label="Role"),
            Column("organisation", label="Organisation"),
            Column("region", label="Region"),
            Column("status", label="In the period"),
            *counts,
        ]

    def report_rows(self, filters: ReportFilters) -> list:
        if self.is_by_organisation:
            return organisation_adoption_list(filters, inactive_only=self.inactive_only)
        return person_adoption_list(filters, inactive_only=self.inactive_only)

    def filter_notes(self) -> list[str]:
        notes = super().filter_notes()
        ignored = [self.filters.form.fields[name].label for name in IGNORED_FILTERS if self.filters.form[name].value()]
        if ignored:
            notes.append(f"Not applied to people: {', '.join(ignored)}")
        return notes

    def headline_chart(self, rows):
        window = self.report_filters.window
        if self.is_by_organisation:
            ranked = [row for row in rows if row.users_with_access][:TOP_ORGANISATIONS]
            return bar_chart(
                [
                    Bar(row.name, row.active_share, note=f"{row.active_users} of {row.users_with_access}")
                    for row in ranked
                ],
                caption=f"Share of users active, top {len(ranked)} organisations, {window}",
                value_format="percent",
            )
        active = sum(1 for row in rows if row.is_active)
        return bar_chart(
            [Bar("Active", active), Bar("Inactive", len(rows) - active)],
            caption=f"People with access, active or not, {window} (n={len(rows)})",
        )

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        rows = self.object_list
        context["headline_chart"] = self.headline_chart(rows)
        context["is_by_organisation"] = self.is_by_organisation
        context["ignored_filters"] = [note for note in self.filter_notes() if note.startswith("Not applied")]
        if self.inactive_only:
            context["no_results_message"] = "Everyone in these filters used the portal in this period."
        else:
            context["no_results_message"] = "Nobody with portal access matches these filters."
        return context


def urls() -> list:
    patterns = [
        path("", report_view(AdoptionView.as_view()), name="index"),
        path("results/", report_view(AdoptionView.as_view(results_only=True)), name="results"),
    ]
    return [path("adoption/", include((patterns, "lastmile_reports_adoption")))]


@hooks.register("register_reports_menu_item")
def register_adoption_menu_item():
    return ReportMenuItem(
        "Adoption",
        reverse("lastmile_reports_adoption:index"),
        name="lastmile-adoption",
        icon_name="group",
        order=1330,
    )
