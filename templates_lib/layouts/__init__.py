"""Designer-made layouts shipped in code, and the slots each one declares.

`spec` defines what a layout is; `catalogue` registers the layouts Lastmile ships. Importing
this package registers them, so `get_layout` always finds the whole catalogue."""

from . import catalogue  # noqa: F401  (registers the shipped layouts)
from .spec import (
    LAYOUTS,
    RENDER_TEMPLATE_DIR,
    ImageFit,
    Kind,
    Layout,
    RepeatableSection,
    Slot,
    SlotType,
    get_layout,
    layout_choices,
    register_layout,
)

__all__ = [
    "LAYOUTS",
    "RENDER_TEMPLATE_DIR",
    "ImageFit",
    "Kind",
    "Layout",
    "RepeatableSection",
    "Slot",
    "SlotType",
    "get_layout",
    "layout_choices",
    "register_layout",
]
