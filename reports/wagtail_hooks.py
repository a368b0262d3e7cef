"""Reports in Wagtail admin: each report module registers its own URLs and menu item."""

from .views import (  # noqa: F401 - each registers its hooks
    adoption,
    corporate,
    field_changes,
    performance,
    template_page,
    unused,
    weekly,
)
