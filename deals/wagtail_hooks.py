"""Deals in Wagtail admin. Each part registers its own viewsets and views from deals/admin/; the
Deals menu groups the deals, their stage vocabulary and the connections they come from."""

from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSetGroup

from .admin import (
    api_keys,  # noqa: F401 - API keys: list, make (shown once), revoke; superusers only
    events,  # noqa: F401 - delivery events: browse, inspect, verify (read-only)
)
from .admin import imports as _imports_admin  # noqa: F401 (deal CSV imports, ADR 13)
from .admin.connections import ConnectionViewSet
from .admin.vocabulary import DealViewSet, StageMappingViewSet, StageViewSet
from .audit import register_actions


class DealsGroup(ViewSetGroup):
    menu_label = "Deals"
    menu_icon = "tasks"
    menu_order = 350
    items = (DealViewSet, StageViewSet, ConnectionViewSet, StageMappingViewSet)


@hooks.register("register_admin_viewset")
def register_deal_viewsets():
    return DealsGroup()


@hooks.register("register_log_actions")
def register_deals_log_actions(actions):
    register_actions(actions)
