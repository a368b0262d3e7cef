"""Organisation and user names stored before they were single-line (brand.text.single_line):
line breaks and other control characters out. Only rows that change are written."""

from django.db import migrations

from brand.text import single_line


def clean_names(apps, schema_editor):
    Organisation = apps.get_model("accounts", "Organisation")
    for pk, name, contact_name in Organisation.objects.values_list("pk", "name", "contact_name").iterator(2000):
        changes = {}
        if single_line(contact_name) != contact_name:
            changes["contact_name"] = single_line(contact_name)
        if single_line(name) != name:
            cleaned = single_line(name)
            # Names are unique: "Acme\nLtd" may already exist as "Acme Ltd". Keep both, told apart.
            if Organisation.objects.filter(name=cleaned).exclude(pk=pk).exists():
                cleaned = f"{cleaned[:150]} ({pk})"
            changes["name"] = cleaned
        if changes:
            Organisation.objects.filter(pk=pk).update(**changes)

    User = apps.get_model("accounts", "User")
    for pk, first_name, last_name in User.objects.values_list("pk", "first_name", "last_name").iterator(2000):
        if single_line(first_name) != first_name or single_line(last_name) != last_name:
            User.objects.filter(pk=pk).update(first_name=single_line(first_name), last_name=single_line(last_name))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_logo_review"),
    ]

    operations = [
        # Nothing to undo: the removed characters were never meant to be stored.
        migrations.RunPython(clean_names, migrations.RunPython.noop),
    ]
