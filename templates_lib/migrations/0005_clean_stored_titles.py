"""Document and template titles stored before they were single-line (brand.text.single_line):
line breaks and other control characters out. Only rows that change are written; revisions keep
their history (a restored revision's title is cleaned again when it is saved)."""

from django.db import migrations

from brand.text import single_line


def _clean(model):
    for pk, title in model.objects.values_list("pk", "title").iterator(2000):
        if single_line(title) != title:
            model.objects.filter(pk=pk).update(title=single_line(title))


def clean_titles(apps, schema_editor):
    _clean(apps.get_model("templates_lib", "CollateralDocument"))
    _clean(apps.get_model("templates_lib", "CollateralTemplate"))


class Migration(migrations.Migration):
    dependencies = [
        ("templates_lib", "0004_rename_customisation_to_collateraldocument"),
    ]

    operations = [
        # Nothing to undo: the removed characters were never meant to be stored.
        migrations.RunPython(clean_titles, migrations.RunPython.noop),
    ]
