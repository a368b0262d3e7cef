from django.urls import path

from . import audit_views
from .views import assets, queue, review

app_name = "approvals_admin"

urlpatterns = [
    path("", queue.DocumentQueueView.as_view(), name="queue"),
    path("results/", queue.DocumentQueueView.as_view(results_only=True), name="queue-results"),
    path("logos/", queue.LogoQueueView.as_view(), name="logos"),
    path("logos/<int:organisation_id>/", assets.logo_decide, name="logo-decide"),
    path("uploads/", queue.UploadQueueView.as_view(), name="uploads"),
    path("uploads/<int:image_id>/", assets.upload_decide, name="upload-decide"),
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
    path("<int:task_state_id>/promote/", review.promote, name="promote"),
    path("<int:task_state_id>/pages/<int:page>.png", review.review_page, name="review-page"),
    path("<int:task_state_id>/draft.pdf", review.review_pdf, name="review-pdf"),
]
