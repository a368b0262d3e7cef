"""Field feedback in Wagtail admin: one "Field feedback" menu with requests, nominations, ratings and
priority deals (each shown to those whose permissions its viewset checks)."""

from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSetGroup

from .admin.nominations import nomination_viewset
from .admin.priority import priority_deal_viewset
from .admin.ratings import rating_viewset
from .admin.requests import template_request_viewset


class FieldFeedbackGroup(ViewSetGroup):
    menu_label = "Field feedback"
    menu_icon = "help"
    menu_order = 420
    items = (template_request_viewset, nomination_viewset, rating_viewset, priority_deal_viewset)


@hooks.register("register_admin_viewset")
def register_field_feedback():
    return FieldFeedbackGroup()
