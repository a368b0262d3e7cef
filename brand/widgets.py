"""The brand kit's colour input: the hex field with a swatch and the browser's colour picker
beside it, and the contrast against the brand's text colours shown as it changes."""

import json
import re

from django import forms
from django.utils.html import format_html

HEX = re.compile(r"#[0-9A-Fa-f]{6}")


class ColourHexInput(forms.TextInput):
    """A #RRGGBB text input with a swatch, a colour picker and a live WCAG contrast line against
    `text_colours` ([{"name", "hex"}], set by the brand kit form)."""

    text_colours: list[dict] = []

    class Media:
        js = ["brand/colour.js"]

    def render(self, name, value, attrs=None, renderer=None):
        text = super().render(name, value, {**(attrs or {}), "size": 9, "maxlength": 7}, renderer)
        picker_value = value if isinstance(value, str) and HEX.fullmatch(value) else "#000000"
        return format_html(
            '<div class="lm-colour" data-text-colours="{}" style="display:flex;flex-wrap:wrap;gap:.5rem;'
            'align-items:center">{}<input type="color" value="{}" aria-label="Pick the colour" '
            'style="width:3rem;height:2.5rem;padding:0;border:0">'
            '<span class="lm-colour__swatch" aria-hidden="true" style="display:inline-block;width:2.5rem;'
            'height:2.5rem;border-radius:.3rem;border:1px solid #888;background:{}"></span>'
            '<p class="lm-colour__contrast help" aria-live="polite" style="flex-basis:100%;margin:0"></p></div>',
            json.dumps(self.text_colours),
            text,
            picker_value.lower(),
            picker_value,
        )
