"""Deals in Wagtail admin. Each part registers its own viewsets and views from deals/admin/."""

from wagtail import hooks

from .admin import (
    api_keys,  # noqa: F401 - API keys: list, make (shown once), revoke; superusers only
    events,  # noqa: F401 - delivery events: browse, inspect, verify (read-only)
    vocabulary,  # noqa: F401 (stages, connections, mappings, deals)
)
from .admin import imports as _imports_admin  # noqa: F401 (deal CSV imports, ADR 13)
from .audit import register_actions


@hooks.register("register_log_actions")
def register_deals_log_actions(actions):
    register_actions(actions)
