"""Deals in Wagtail admin. Each part registers its own viewsets and views from deals/admin/."""

from .admin import (
    events,  # noqa: F401 - delivery events: browse, inspect, verify (read-only)
    vocabulary,  # noqa: F401 (stages, connections, mappings, deals)
)
from .admin import imports as _imports_admin  # noqa: F401 (deal CSV imports, ADR 13)
