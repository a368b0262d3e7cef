"""Deals in Wagtail admin. Each part registers its own viewsets and views from deals/admin/."""

from .admin import events  # noqa: F401 - delivery events: browse, inspect, verify (read-only)
