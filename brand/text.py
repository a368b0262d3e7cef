"""Single-line text: titles and names that end up in email subjects, HTTP headers (download file
names), PDF metadata, CSV cells and one-line labels.

`single_line()` is the one rule; `SingleLineCharField` applies it on every path that stores a
value (forms, `full_clean`, `save()`, `QuerySet.update()`), so no service has to remember to.
It lives in brand, the app every other app may import.
"""

import re
import unicodedata

from django import forms
from django.db import models

# Line and paragraph breaks, tabs and the other separators a title can smuggle in become a space.
_BREAKS = re.compile(r"[\t\n\v\f\r\x1c-\x1f\x85\u2028\u2029]")
# Bidirectional embeddings, overrides and isolates reorder what a reader sees (a name that reads
# "invoice.pdf" but is stored backwards): never wanted in a title or a name.
_BIDI_CONTROLS = re.compile(r"[\u202a-\u202e\u2066-\u2069]")


def single_line(value: str) -> str:
    """`value` on one line: breaks become spaces, other control characters are dropped, runs of
    whitespace become one space, and the ends are trimmed. Letters, marks, emoji (zero-width
    joiners included) and punctuation are kept as they are."""
    # Fast path (bulk imports call this for every cell): printable text has no breaks, controls,
    # bidi marks or separators other than the ASCII space, so only spacing could change.
    if value.isprintable() and "  " not in value and value[:1] != " " and value[-1:] != " ":
        return value
    value = _BIDI_CONTROLS.sub("", _BREAKS.sub(" ", value))
    value = "".join(character for character in value if unicodedata.category(character) != "Cc")
    return " ".join(value.split())


class SingleLineFormField(forms.CharField):
    """A CharField whose cleaned value is `single_line()`: length limits and "required" apply to
    what will be stored, and a redisplayed form shows it."""

    def to_python(self, value):
        value = super().to_python(value)
        return single_line(value) if isinstance(value, str) else value


class SingleLineCharField(models.CharField):
    """A CharField that only ever stores `single_line()` text.

    The column is an ordinary varchar, so migrations record it as a CharField: changing a field to
    this class changes no schema (and does not make SQLite rebuild the table). Rows stored before
    the change are cleaned by a data migration."""

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.CharField", args, kwargs

    def to_python(self, value):
        value = super().to_python(value)
        return single_line(value) if isinstance(value, str) else value

    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.attname)
        if isinstance(value, str):
            value = single_line(value)
            setattr(model_instance, self.attname, value)
        return value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return single_line(value) if isinstance(value, str) else value

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": SingleLineFormField, **kwargs})
