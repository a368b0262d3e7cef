"""What every report page shares: who may open it (404 for anyone else), the filters (refused
with a 400 when unknown or out of the user's scope), the window and notes in exports."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponseBadRequest
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import cached_property

from wagtail.admin.auth import require_admin_access
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.reports import ReportView

from ..access import may_see_reports
from ..exports import SafeSpreadsheetExportMixin
from ..filters import LISTING_KEYS, ReportFilters, ReportFilterSet, report_filters, unknown_keys
from ..models import ReportSettings


class LastmileReportView(SafeSpreadsheetExportMixin, ReportView):
    """A report over rows a selector computes (dataclasses, not a queryset). Subclasses set
    `filterset_class` and implement `report_rows(filters)`."""

    filterset_class = ReportFilterSet
    template_name = "reports/report.html"
    header_icon = "table"
    refused_template_name = "reports/refused_filters.html"

    def dispatch(self, request, *args, **kwargs):
        if not may_see_reports(request.user):
            raise Http404
        refusal = self.refusal()
        if refusal is not None:
            return refusal
        return super().dispatch(request, *args, **kwargs)

    def refusal(self):
        """A 400 naming what is wrong with the filters, or None when they are usable."""
        unknown = unknown_keys(self.request.GET, self.filters)
        if unknown:
            return HttpResponseBadRequest(
                "This report does not take these parameters: " + ", ".join(key[:40] for key in unknown[:10]),
                content_type="text/plain; charset=utf-8",
            )
        if not self.filters.is_valid():
            return TemplateResponse(
                self.request,
                self.refused_template_name,
                {"page_title": self.page_title, "form": self.filters.form, "index_url": self.index_url},
                status=400,
            )
        return None

    @cached_property
    def filters(self):
        # Always a filterset, even when every value is the default: refusal() needs its form.
        return self.filterset_class(**self.get_filterset_kwargs())

    @cached_property
    def report_filters(self) -> ReportFilters:
        return report_filters(self.filters.form.cleaned_data, user=self.request.user)

    @cached_property
    def settings(self) -> ReportSettings:
        return ReportSettings.load(request_or_site=self.request)

    def user_has_permission(self, permission):
        return may_see_reports(self.request.user)

    def get_queryset(self):
        return self.report_rows(self.report_filters)

    def filter_queryset(self, queryset):
        return queryset  # the selector has filtered already

    def report_rows(self, filters: ReportFilters) -> list:
        raise NotImplementedError

    def get_export_notes(self) -> list[str]:
        return [f"Window: {self.report_filters.window}", *self.filter_notes()]

    def filter_notes(self) -> list[str]:
        form = self.filters.form
        notes = []
        for name in form.changed_data:
            if name == "period":
                continue
            value = form.cleaned_data.get(name)
            if value:
                shown = ", ".join(map(str, value)) if isinstance(value, list | tuple) else str(value)
                notes.append(f"{form.fields[name].label}: {shown}")
        return notes

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        context["filters_applied"] = self.report_filters
        query = self.request.GET.copy()
        for key in LISTING_KEYS:
            query.pop(key, None)
        context["filter_query"] = query.urlencode()
        context["report_settings"] = self.settings
        return context


class ReportMenuItem(MenuItem):
    """Shown in Wagtail's Reports menu to those who may read reports."""

    def is_shown(self, request):
        return may_see_reports(request.user)


def report_view(view_func):
    """Report URLs sit beside Wagtail admin's, not inside it: someone signed in who may not read
    reports (a rep, a partner) gets a 404 as if the page did not exist, where Wagtail would
    redirect; those who may get Wagtail's own admin handling."""
    admin_view = require_admin_access(view_func)

    @wraps(view_func)
    def decorated(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("wagtailadmin_login"))
        if not may_see_reports(request.user):
            raise Http404
        return admin_view(request, *args, **kwargs)

    return decorated
