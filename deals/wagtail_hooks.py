"""Deals in Wagtail admin. Each part registers its own viewsets and views from deals/admin/."""

from .admin import imports as _imports_admin  # noqa: F401 (deal CSV imports, ADR 13)
from .admin import vocabulary  # noqa: F401 (stages, connections, mappings, deals)
