"""Building a template from its layout: a field for every slot the template does not fill yet."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from wagtail.models import Revision

from accounts.models import User
from brand.services import brand_snapshot

from ..field_locks import LockMode
from ..layouts import Layout, Slot, SlotType
from ..models import CollateralTemplate, TemplateField
from ..rendering.cache import renders_storage, store_atomically
from ..rendering.pages import page_png
from ..rendering.pdf import render_collateral_pdf

# Starting limits for the free text a new field offers; the brand manager tunes them.
STARTING_LIMITS: dict[SlotType, tuple[int, int | None]] = {
    SlotType.TEXT: (80, 2),
    SlotType.RICH_TEXT: (600, None),
    SlotType.BULLETS: (240, 4),
}


def _new_field(slot: Slot, *, key: str, section: int) -> TemplateField:
    label = slot.label + (f" {section}" if slot.in_section and section > 1 else "")
    field = TemplateField(key=key, label=label, slot=slot.name, section=section, help_text=slot.help[:255])
    if slot.type == SlotType.CONTACT:
        field.lock_mode, field.token_source = LockMode.TOKEN, "user.contact"
    elif slot.type == SlotType.IMAGE:
        field.lock_mode, field.allow_upload = LockMode.IMAGE, True
    else:
        field.lock_mode = LockMode.FREE
        field.max_chars, field.max_lines = STARTING_LIMITS[slot.type]
    return field


def missing_layout_fields(*, template: CollateralTemplate, layout: Layout | None = None) -> list[TemplateField]:
    """Unsaved fields for the slots of the layout (per section) that no field of the template
    fills, in the layout's order: free text with starting limits, images users pick or upload,
    the contact block from the user's profile."""
    layout = layout or template.layout_spec
    existing = list(template.fields.all())
    keys = {tf.key for tf in existing}
    filled = {
        (tf.slot, tf.section if layout.has_slot(tf.slot) and layout.slot(tf.slot).in_section else 0) for tf in existing
    }
    sections = max(template.section_count, layout.section.min_count if layout.section else 0, 1)
    new = []
    for slot in layout.slots:
        for section in range(1, sections + 1) if slot.in_section else (0,):
            if (slot.name, section) in filled:
                continue
            key = slot.name if section <= 1 else f"{slot.name}_{section}"
            while key in keys:
                key += "_new"
            keys.add(key)
            new.append(_new_field(slot, key=key, section=section or 1))
    return new


@transaction.atomic
def template_fill_from_layout(*, template: CollateralTemplate, user: User) -> tuple[Revision | None, int]:
    """Add a field for every slot the template's latest draft leaves unfilled, as a new draft
    revision (nothing goes live). Returns (revision, fields added); (None, 0) when none is missing."""
    if not user.has_perm("templates_lib.change_collateraltemplate"):
        raise PermissionDenied
    draft = template.latest_revision.as_object() if template.latest_revision else template
    new = missing_layout_fields(template=draft)
    if not new:
        return None, 0
    existing = list(draft.fields.all())
    order = max((tf.sort_order or 0 for tf in existing), default=-1)
    for offset, field in enumerate(new, start=1):
        field.sort_order = order + offset
    draft.fields = existing + new
    if not draft.live:
        draft.save()
    return draft.save_revision(user=user, clean=False), len(new)


def _sketch_template(layout: Layout) -> CollateralTemplate:
    """An unsaved template that shows each text slot's label in its own box (images left empty)."""
    template = CollateralTemplate(title=f"{layout.name} sketch", layout=layout.key)
    fields = []
    sections = layout.section.min_count if layout.section else 0
    for index, slot in enumerate(layout.slots):
        if slot.type in (SlotType.IMAGE, SlotType.CONTACT):
            continue
        for section in range(1, sections + 1) if slot.in_section else (1,):
            text = slot.label if slot.type != SlotType.RICH_TEXT else f"<p>{slot.label}</p>"
            key = f"{slot.name}_{section}"
            fields.append(
                TemplateField(
                    key=key,
                    label=slot.label,
                    slot=slot.name,
                    section=section,
                    lock_mode=LockMode.LOCKED,
                    default_text=text,
                    sort_order=index,
                )
            )
    template.fields = fields
    return template


def layout_sketch_png(*, layout: Layout, width: int = 300) -> bytes:
    """The layout's first page with every text slot showing its label, cached per layout version
    and brand kit. Raises RenderError when it cannot be drawn."""
    storage = renders_storage()
    name = f"layout-sketches/{layout.key}-{layout.version}-{brand_snapshot().version}-w{width}.png"
    if storage.exists(name):
        with storage.open(name, "rb") as handle:
            return handle.read()
    pdf = render_collateral_pdf(template=_sketch_template(layout), values={}, profile="digital", check_fit=False)
    png = page_png(pdf, page=0, width=width)
    store_atomically(storage, name, png)
    return png
