"""The document model takes one name everywhere: Customisation becomes CollateralDocument and its
sharing grants DocumentUserGrant.

Tables are renamed in place, so every row keeps its primary key. Django's contenttypes app renames
the content type row after each RenameModel (it injects RenameContentType when `migrate` runs),
so revisions, workflow states, task states, log entries and Wagtail's workflow assignment, which
all point at that content type by id, keep pointing at documents. Permissions keep their rows
(and so every group permission and guardian grant that refers to them); only their codenames
change to the new model names here."""

from django.db import migrations, models
import django.db.models.deletion
from django.conf import settings


RENAMED_PERMISSIONS = {
    "customisation": ("collateraldocument", None),
    "customisationusergrant": ("documentusergrant", ("customisation user grant", "document user grant")),
}
ACTIONS = ("add", "change", "delete", "view")


def _rename_permissions(apps, *, forwards: bool) -> None:
    Permission = apps.get_model("auth", "Permission")
    for old_model, (new_model, names) in RENAMED_PERMISSIONS.items():
        source, target = (old_model, new_model) if forwards else (new_model, old_model)
        for action in ACTIONS:
            permission = Permission.objects.filter(
                content_type__app_label="templates_lib", codename=f"{action}_{source}"
            ).first()
            if permission is None:
                continue
            permission.codename = f"{action}_{target}"
            if names:
                old_name, new_name = names if forwards else names[::-1]
                permission.name = permission.name.replace(old_name, new_name)
            permission.save(update_fields=["codename", "name"])


def rename_permissions(apps, schema_editor):
    _rename_permissions(apps, forwards=True)


def restore_permissions(apps, schema_editor):
    _rename_permissions(apps, forwards=False)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("templates_lib", "0003_document_approval_and_template_lifecycle"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameModel("Customisation", "CollateralDocument"),
        migrations.RenameModel("CustomisationUserGrant", "DocumentUserGrant"),
        migrations.AlterField(
            model_name="collateraldocument",
            name="owner",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="documents", to=settings.AUTH_USER_MODEL
            ),
        ),
        migrations.AlterField(
            model_name="collateraldocument",
            name="template",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="documents",
                to="templates_lib.collateraltemplate",
            ),
        ),
        migrations.RenameIndex(
            model_name="collateraldocument", new_name="document_owner_recent", old_name="customisation_owner_recent"
        ),
        migrations.RenameIndex(
            model_name="collateraldocument", new_name="document_approval_state", old_name="customisation_approval"
        ),
        migrations.RunPython(rename_permissions, restore_permissions),
    ]
