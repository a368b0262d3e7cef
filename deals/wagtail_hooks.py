"""Deals in Wagtail admin. Each part registers its own viewsets and views from deals/admin/."""

from .admin import vocabulary  # noqa: F401 (stages, connections, mappings, deals)
