from django.db import migrations

TIERS = [("Registered", 10), ("Silver", 20), ("Gold", 30), ("Platinum", 40)]


def add_tiers(apps, schema_editor):
    Tier = apps.get_model("accounts", "Tier")
    for name, rank in TIERS:
        Tier.objects.get_or_create(name=name, defaults={"rank": rank})


def remove_tiers(apps, schema_editor):
    apps.get_model("accounts", "Tier").objects.filter(name__in=[name for name, _ in TIERS]).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_images")]

    operations = [migrations.RunPython(add_tiers, remove_tiers)]
