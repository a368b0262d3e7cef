from django.urls import include, path, reverse

from wagtail import hooks

from . import admin_urls
from .audit import register_actions, register_workflow_wording
from .audit_views import AuditMenuItem, template_audit_buttons
from .views.dashboard import ReviewQueuePanel, ReviewsMenuItem


@hooks.register("register_log_actions")
def lastmile_log_actions(actions):
    register_actions(actions)


@hooks.register("register_log_actions", order=100)  # after Wagtail's own, which it replaces
def lastmile_workflow_wording(actions):
    register_workflow_wording(actions)


@hooks.register("register_admin_menu_item")
def audit_menu_item():

    return AuditMenuItem("Audit trail", reverse("approvals_admin:audit-documents"), icon_name="history", order=9100)


@hooks.register("register_snippet_listing_buttons")
def template_audit_listing_button(snippet, user, next_url=None):

    return template_audit_buttons(snippet, user, menu=True)


@hooks.register("register_collateral_template_header_buttons")
def template_audit_header_button(template, user):

    return template_audit_buttons(template, user)


@hooks.register("register_admin_menu_item")
def reviews_menu_item():

    return ReviewsMenuItem("Reviews", reverse("approvals_admin:queue"), name="reviews", icon_name="tasks", order=150)


@hooks.register("construct_homepage_panels")
def review_queue_panel(request, panels):

    panels.append(ReviewQueuePanel())


@hooks.register("register_admin_urls")
def approvals_admin_urls():

    return [path("reviews/", include(admin_urls, namespace="approvals_admin"))]
