"""What a layout is: its slots, repeatable section, page formats and version.

A layout is an HTML template plus a stylesheet under
`templates_lib/templates/templates_lib/render/`. It declares its slots (name, type and the
box the content must fit), an optional repeatable section, and the page formats it was
designed for. Its version is a hash of its files, so editing a layout invalidates the
renders made with it.
"""

import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from django.db import models

RENDER_TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates" / "templates_lib" / "render"


class SlotType(models.TextChoices):
    TEXT = "text", "Text"
    RICH_TEXT = "rich_text", "Rich text"
    IMAGE = "image", "Image"
    CONTACT = "contact", "Contact block"
    BULLETS = "bullets", "Bullet list"


class ImageFit(models.TextChoices):
    """How an image slot fills its box. Charts, logos and screenshots are shown whole (contained,
    never cropped); photos fill the box and are cropped around the focal point a brand manager
    sets with Wagtail's focal-point tool (the centre when none is set)."""

    CONTAIN = "contain", "Shown whole"
    COVER = "cover", "Cropped around the focal point"


class Kind(models.TextChoices):
    ONE_PAGER = "one_pager", "One-pager"
    DATASHEET = "datasheet", "Datasheet"
    CASE_STUDY = "case_study", "Case study"
    EVENT_FLYER = "event_flyer", "Event flyer"
    BROCHURE = "brochure", "Brochure"


@dataclass(frozen=True)
class Slot:
    name: str
    type: SlotType
    label: str
    help: str = ""
    in_section: bool = False
    # Image slots only: contained unless the layout says the slot is for photos.
    fit: ImageFit = ImageFit.CONTAIN

    @property
    def is_text_like(self) -> bool:
        return self.type in (SlotType.TEXT, SlotType.RICH_TEXT, SlotType.BULLETS)


@dataclass(frozen=True)
class RepeatableSection:
    """A group of slots the template repeats, e.g. one brochure page per product area."""

    name: str
    label: str
    min_count: int
    max_count: int


@dataclass(frozen=True)
class Layout:
    key: str
    name: str
    kind: Kind
    description: str
    slots: tuple[Slot, ...]
    section: RepeatableSection | None = None
    fixed_pages: int | None = 1
    pages_per_section: int = 0
    orientations: tuple[str, ...] = ("portrait",)
    files: tuple[str, ...] = field(default=())
    # Slots that must not be left empty (a hero without its image, an empty stat band): the
    # publishing gate refuses a template whose fields leave one of them empty.
    required_slots: tuple[str, ...] = field(default=())

    @property
    def template_name(self) -> str:
        return f"templates_lib/render/{self.key}.html"

    @property
    def stylesheet_name(self) -> str:
        return f"templates_lib/render/{self.key}.css"

    def slot(self, name: str) -> Slot:
        for slot in self.slots:
            if slot.name == name:
                return slot
        raise KeyError(name)

    def has_slot(self, name: str) -> bool:
        return any(slot.name == name for slot in self.slots)

    def is_required(self, name: str) -> bool:
        return name in self.required_slots

    def expected_pages(self, section_count: int) -> int:
        return (self.fixed_pages or 0) + self.pages_per_section * section_count

    @cached_property
    def version(self) -> str:
        digest = hashlib.sha256(self.key.encode())
        shared = ("_base.html", "_print.css", "parts/image.html", "parts/logo.html")
        for name in (f"{self.key}.html", f"{self.key}.css", *shared, *self.files):
            path = RENDER_TEMPLATE_DIR / name
            if path.exists():
                digest.update(path.read_bytes())
        return digest.hexdigest()[:16]


LAYOUTS: dict[str, Layout] = {}


def register_layout(layout: Layout) -> Layout:
    LAYOUTS[layout.key] = layout
    return layout


def get_layout(key: str) -> Layout:
    return LAYOUTS[key]


def layout_choices() -> list[tuple[str, str]]:
    return [(layout.key, f"{layout.name} ({layout.kind.label})") for layout in LAYOUTS.values()]
