from django.db import migrations


def create(apps, schema_editor):
    from deals.append_only import create_triggers

    create_triggers(schema_editor.connection)


def drop(apps, schema_editor):
    from deals.append_only import drop_triggers

    drop_triggers(schema_editor.connection)


class Migration(migrations.Migration):
    """Refuse UPDATE and DELETE on delivery events and on Lastmile's audit entries, in the database
    (SQLite and PostgreSQL triggers, see deals/append_only.py and ADR 14)."""

    dependencies = [
        ("deals", "0004_share_link_opens"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create, drop)]
