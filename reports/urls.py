"""Report pages, mounted by portal/urls.py at admin/reports/ ahead of Wagtail admin's URLs so that
anyone who may not read reports gets a 404 (reports.views.base.report_view)."""

from .views import adoption, corporate, field_changes, performance, template_page, unused, weekly

urlpatterns = [
    *performance.urls(),
    *template_page.urls(),
    *corporate.urls(),
    *field_changes.urls(),
    *unused.urls(),
    *adoption.urls(),
    *weekly.urls(),
]
