from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import include, path

from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from deals.api.views import api as rest_api

from .views import (
    approvals,
    auth,
    deal_imports,
    documents,
    downloads,
    editor,
    health,
    library,
    notifications,
    organisation_usage,
    ratings,
    team,
    uploads,
)
from .views import deals as deal_views
from .views import lifecycle as lifecycle_views
from .views import nominations as nomination_views
from .views import priority_deals as priority_views
from .views import requests as request_views
from .views import share_links as share_link_views

portal_urls = [
    path("", library.home, name="home"),
    path("sign-in/", auth.LoginView.as_view(), name="login"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("password-reset/", auth.PasswordResetView.as_view(), name="password-reset"),
    path("password-reset/sent/", auth.PasswordResetDoneView.as_view(), name="password-reset-done"),
    path("password-reset/<uidb64>/<token>/", auth.PasswordResetConfirmView.as_view(), name="password-reset-confirm"),
    path("password-reset/done/", auth.PasswordResetCompleteView.as_view(), name="password-reset-complete"),
    path("library/", library.library, name="library"),
    path("templates/<uuid:public_id>/", library.template_detail, name="template-detail"),
    path(
        "templates/<uuid:public_id>/pages/<int:revision_id>/<int:page>.png",
        library.template_thumbnail,
        name="template-thumbnail",
    ),
    path("templates/<uuid:public_id>/rating/", ratings.template_rate, name="template-rate"),
    path("templates/<uuid:public_id>/personalise/", editor.template_personalise, name="template-personalise"),
    path("templates/<uuid:public_id>/preview/", editor.template_preview, name="template-preview"),
    path("documents/", documents.document_list, name="documents"),
    path("documents/<uuid:public_id>/", editor.document_edit, name="document-edit"),
    path("documents/<uuid:public_id>/preview/", editor.document_preview, name="document-preview"),
    path("documents/<uuid:public_id>/rename/", documents.document_rename, name="document-rename"),
    path("documents/<uuid:public_id>/duplicate/", documents.document_duplicate, name="document-duplicate"),
    path("documents/<uuid:public_id>/delete/", documents.document_delete, name="document-delete"),
    path("documents/<uuid:public_id>/share/", documents.document_share, name="document-share"),
    path("documents/<uuid:public_id>/upgrade/", lifecycle_views.document_upgrade, name="document-upgrade"),
    path("documents/<uuid:public_id>/download/", downloads.document_download, name="document-download"),
    path("documents/<uuid:public_id>/download/status/", downloads.document_render_status, name="document-status"),
    path("documents/<uuid:public_id>/pdf/", downloads.document_final_pdf, name="document-pdf"),
    path("documents/<uuid:public_id>/draft.pdf", downloads.document_draft_pdf, name="document-draft-pdf"),
    path("documents/<uuid:public_id>/page-1.png", downloads.document_final_png, name="document-png"),
    path("documents/<uuid:public_id>/draft-page-1.png", downloads.document_draft_png, name="document-draft-png"),
    path("documents/<uuid:public_id>/submit/", approvals.document_submit_view, name="document-submit"),
    path("documents/<uuid:public_id>/withdraw/", approvals.document_withdraw_view, name="document-withdraw"),
    path("documents/<uuid:public_id>/nominate/", nomination_views.document_nominate, name="document-nominate"),
    path(
        "documents/<uuid:public_id>/nominate/withdraw/",
        nomination_views.document_nomination_withdraw,
        name="document-nomination-withdraw",
    ),
    # Deals typed and read in the portal (deals/import/… is the CSV import's).
    path("deals/", deal_views.deal_list, name="deals"),
    path("deals/new/", deal_views.deal_create, name="deal-create"),
    path("deals/<uuid:public_id>/", deal_views.deal_detail, name="deal-detail"),
    path("deals/<uuid:public_id>/edit/", deal_views.deal_edit, name="deal-edit"),
    path("deals/<uuid:public_id>/delete/", deal_views.deal_delete, name="deal-delete"),
    path("deals/<uuid:public_id>/restore/", deal_views.deal_restore, name="deal-restore"),
    # Priority deals (issue 16): the list, and marking a deal from its page.
    path("deals/priority/", priority_views.priority_deal_list, name="priority-deals"),
    path("deals/<uuid:public_id>/priority/", priority_views.deal_priority, name="deal-priority"),
    path("deals/<uuid:public_id>/priority/remove/", priority_views.deal_priority_remove, name="deal-priority-remove"),
    # Share links: the owner's pages, and the public pages a prospect opens without signing in.
    path("documents/<uuid:public_id>/share-links/", share_link_views.document_share_links, name="document-share-links"),
    path(
        "documents/<uuid:public_id>/share-links/<uuid:link_id>/revoke/",
        share_link_views.document_share_link_revoke,
        name="document-share-link-revoke",
    ),
    path(
        "documents/<uuid:public_id>/share-links/<uuid:link_id>/notifications/",
        share_link_views.document_share_link_notifications,
        name="document-share-link-notifications",
    ),
    path("s/<str:token>/", share_link_views.share_link_page, name="share-link"),
    path("s/<str:token>/pages/<int:page>.png", share_link_views.share_link_page_image, name="share-link-page-image"),
    path("s/<str:token>/download/", share_link_views.share_link_download, name="share-link-download"),
    # Template requests: the list, a new one, a request's page, "me too" and its undo.
    path("requests/", request_views.request_list_view, name="requests"),
    path("requests/new/", request_views.request_create, name="request-create"),
    path("requests/<uuid:public_id>/", request_views.request_detail, name="request-detail"),
    path("requests/<uuid:public_id>/me-too/", request_views.request_me_too, name="request-me-too"),
    path(
        "requests/<uuid:public_id>/me-too/withdraw/",
        request_views.request_me_too_withdraw,
        name="request-me-too-withdraw",
    ),
    path("notifications/", notifications.notification_list, name="notifications"),
    path("notifications/read-all/", notifications.notification_read_all, name="notifications-read-all"),
    path("notifications/<int:pk>/", notifications.notification_open, name="notification-open"),
    path("team/", team.team_detail, name="team"),
    path("team/usage/", organisation_usage.organisation_usage, name="team-usage"),
    path("team/invite/", team.team_invite, name="team-invite"),
    path("team/logo/", team.team_logo_upload, name="team-logo"),
    path("team/invitations/<uuid:public_id>/revoke/", team.team_invitation_revoke, name="team-invitation-revoke"),
    path("team/members/<uuid:public_id>/deactivate/", team.team_member_deactivate, name="team-member-deactivate"),
    path("team/members/<uuid:public_id>/reactivate/", team.team_member_reactivate, name="team-member-reactivate"),
    path("invitations/<str:token>/", team.invitation_signup, name="invitation-accept"),
    # Deal CSV imports for partner managers (their own organisation's only)
    path("deals/import/", deal_imports.deal_import_list, name="deal-imports"),
    path("deals/import/template.csv", deal_imports.deal_import_template, name="deal-import-template"),
    path("deals/import/<uuid:public_id>/", deal_imports.deal_import_detail, name="deal-import-detail"),
    path("deals/import/<uuid:public_id>/<slug:action>/", deal_imports.deal_import_action, name="deal-import-action"),
    # Users' uploads and partner logos: brand.storage gives them URLs here, never under MEDIA_URL.
    path(f"{settings.LASTMILE_PRIVATE_MEDIA_URL.strip('/')}/<path:name>", uploads.upload_image, name="upload-image"),
]

urlpatterns = [
    # Reports first: whoever may not read them gets a 404 there, not Wagtail's login redirect.
    path("admin/reports/", include("reports.urls")),
    path("admin/", include(wagtailadmin_urls)),
    path("files/", include(wagtaildocs_urls)),
    path("api/v1/", rest_api.urls),
    path("webhooks/", include("deals.webhooks")),
    path("healthz", health.healthz, name="healthz"),
    path("healthz/queue", health.healthz_queue, name="healthz-queue"),
    path("", include((portal_urls, "portal"))),
]

if settings.DEBUG or settings.LASTMILE_SERVE_MEDIA:
    from django.urls import re_path
    from django.views.static import serve

    # MEDIA_ROOT only: private uploads live outside it (LASTMILE_PRIVATE_MEDIA_ROOT), so this never serves them.
    # (django.conf.urls.static.static() would add nothing with DEBUG off, as the demo runs.)
    urlpatterns += [
        re_path(rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT})
    ]

urlpatterns += [path("pages/", include(wagtail_urls))]
