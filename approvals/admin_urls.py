from django.urls import path

from . import audit_views
from .views import review

app_name = "approvals_admin"

urlpatterns = [
    path("", review.queue, name="queue"),
    path("audit/", audit_views.DocumentSearchView.as_view(), name="audit-documents"),
    path("audit/results/", audit_views.DocumentSearchView.as_view(results_only=True), name="audit-documents-results"),
    path("audit/documents/<int:pk>/", audit_views.DocumentTrailView.as_view(), name="audit-document"),
    path(
        "audit/documents/<int:pk>/results/",
        audit_views.DocumentTrailView.as_view(results_only=True),
        name="audit-document-results",
    ),
    path("audit/templates/<int:pk>/", audit_views.TemplateTrailView.as_view(), name="audit-template"),
    path(
        "audit/templates/<int:pk>/results/",
        audit_views.TemplateTrailView.as_view(results_only=True),
        name="audit-template-results",
    ),
    path("<int:task_state_id>/", review.review, name="review"),
]
