"""Image titles and brand-kit names stored before they were single-line (brand.text.single_line):
line breaks and other control characters out. Only rows that change are written."""

from django.db import migrations

from brand.text import single_line


def _clean(model, fields):
    for pk, *values in model.objects.values_list("pk", *fields).iterator(2000):
        changes = {name: single_line(value) for name, value in zip(fields, values) if single_line(value) != value}
        if changes:
            model.objects.filter(pk=pk).update(**changes)


def clean_titles(apps, schema_editor):
    _clean(apps.get_model("brand", "BrandImage"), ["title"])
    _clean(apps.get_model("brand", "BrandKit"), ["brand_name", "contact_name"])


class Migration(migrations.Migration):
    dependencies = [
        ("brand", "0003_strict_colour_and_font_name_validators"),
    ]

    operations = [
        # Nothing to undo: the removed characters were never meant to be stored.
        migrations.RunPython(clean_titles, migrations.RunPython.noop),
    ]
