from django import forms

from wagtail.admin.forms import WagtailAdminModelForm

from accounts.models import Organisation

from .field_locks import field_config_problems
from .layouts import LAYOUTS
from .services.audience import template_shared_organisation_ids
from .tokens import TOKEN_SOURCES


def slot_choices(layout_key: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """The layouts' slots as grouped choices (name, label and type), the given layout's first."""
    ordered = sorted(LAYOUTS.values(), key=lambda layout: layout.key != layout_key)
    return [
        (
            f"{layout.name}{' (this template’s layout)' if layout.key == layout_key else ''}",
            [
                (slot.name, f"{slot.label} · {slot.type.label.lower()}{' · per section' if slot.in_section else ''}")
                for slot in layout.slots
            ],
        )
        for layout in ordered
    ]


def _with_slot_choices(form_class, layout_key: str):
    class FieldForm(form_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            choices = slot_choices(layout_key)
            current = (self.data.get(self.add_prefix("slot")) if self.is_bound else None) or self.initial.get("slot")
            current = str(current or "")[:60]
            known = {name for _group, options in choices for name, _label in options}
            if current and current not in known:  # kept, so nothing typed before is lost
                choices = [(current, f"{current} (not a slot of any layout)"), *choices]
            self.fields["slot"].widget = forms.Select(choices=[("", "Choose the slot this field fills…"), *choices])

    FieldForm.__name__ = form_class.__name__
    return FieldForm


class CollateralTemplateForm(WagtailAdminModelForm):
    """Checks every field against the chosen layout: known slot, lock mode that suits it,
    section within range, one field per slot, keys unique. Also offers the partner organisations
    the template is shared with (django-guardian grants, applied when the template is saved)."""

    shared_organisations = forms.ModelMultipleChoiceField(
        queryset=Organisation.objects.active(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Shared with partner organisations",
        help_text="Members of these organisations may use the template. Applies as soon as you save.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["shared_organisations"].initial = list(template_shared_organisation_ids(template=self.instance))
        formset = self.formsets.get("fields")
        if formset is not None:
            # Before the rows are built, so every row and the "Add field" row offer the slots.
            formset.form = _with_slot_choices(formset.form, self.data.get("layout") or self.instance.layout)

    def is_valid(self):
        # Field forms are cleaned by the inline formset after this form's own clean(), so the
        # cross-checks against the layout run once everything has been cleaned.
        valid = super().is_valid()
        if hasattr(self, "cleaned_data"):
            self._check_against_layout(self.cleaned_data)
        return valid and not self.errors and all(not form.errors for form in self.formsets["fields"].forms)

    def _check_against_layout(self, cleaned):
        layout = LAYOUTS.get(cleaned.get("layout") or "")
        formset = self.formsets.get("fields")
        if layout is None or formset is None:
            return cleaned
        orientation = cleaned.get("orientation")
        if orientation and orientation not in layout.orientations:
            self.add_error(
                "orientation", f"The layout {layout.name} is designed for {', '.join(layout.orientations)} pages."
            )
        seen_keys: set[str] = set()
        seen_slots: set[tuple[str, int]] = set()
        for form in formset.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE"):
                continue
            self._check_field(form, data, layout, seen_keys, seen_slots)
        return cleaned

    def _check_field(self, form, data, layout, seen_keys, seen_slots):
        key, slot_name = data.get("key"), data.get("slot")
        if key in seen_keys:
            form.add_error("key", "Another field already uses this key.")
        seen_keys.add(key)
        if not layout.has_slot(slot_name or ""):
            names = ", ".join(slot.name for slot in layout.slots)
            form.add_error("slot", f"The layout {layout.name} has no slot {slot_name!r}. Its slots: {names}.")
            return
        slot = layout.slot(slot_name)
        section = data.get("section") or 1 if slot.in_section else 0
        if slot.in_section and layout.section and section > layout.section.max_count:
            form.add_error("section", f"This layout repeats at most {layout.section.max_count} sections.")
        if (slot_name, section) in seen_slots:
            form.add_error("slot", "Another field already fills this slot.")
        seen_slots.add((slot_name, section))
        source = TOKEN_SOURCES.get(data.get("token_source") or "")
        variants = [v for v in (data.get("variants") or "").replace("\r\n", "\n").split("\n\n") if v.strip()]
        for problem in field_config_problems(
            slot_type=slot.type,
            lock_mode=data.get("lock_mode"),
            has_default=bool(data.get("default_text") or data.get("default_image")),
            variant_count=len(variants),
            has_collection=bool(data.get("collection")),
            allow_upload=bool(data.get("allow_upload")),
            token_source=data.get("token_source") or "",
            token_slot_types=source.slot_types if source else None,
            max_chars=data.get("max_chars"),
            has_formatting=any(data.get(f"allow_{o}") for o in ("bold", "italic", "lists", "links")),
        ):
            form.add_error(None, problem)


__all__ = ["CollateralTemplateForm", "forms"]
