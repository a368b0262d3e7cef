"""Migration templates_lib.0004 renames Customisation to CollateralDocument in place. A database
holding the demo data (and a sharing grant) goes back to the old name and forwards again, and every
row, revision, workflow state, task state, audit entry, guardian grant and permission survives."""

import io

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection

from wagtail.models import ModelLogEntry, Revision, WorkflowState

import pytest

from accounts.roles import Role
from approvals.models import BrandReviewTaskState, BrandRulesTaskState
from templates_lib.models import CollateralDocument, DocumentUserGrant
from templates_lib.services.documents import document_share

from ..factories.accounts import partner_member

# Migrations cannot run inside the test transaction. serialized_rollback restores the migrated data
# for the transactional tests that follow, as the browser tests do.
pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _document_type():
    ContentType.objects.clear_cache()
    return ContentType.objects.get_for_model(CollateralDocument, for_concrete_model=False)


def _snapshot() -> dict:
    document_type = _document_type()
    analysts = Group.objects.get(name=Role.MARKETING_ANALYST.label)
    return {
        "content_type_id": document_type.pk,
        "documents": sorted(
            CollateralDocument.objects.values_list(
                "pk", "public_id", "title", "values", "approval_state", "latest_revision_id", "live_revision_id"
            )
        ),
        "revisions": sorted(Revision.objects.filter(base_content_type=document_type).values_list("pk", "object_id")),
        "workflow_states": sorted(
            WorkflowState.objects.filter(base_content_type=document_type).values_list("pk", "object_id", "status")
        ),
        "rules_states": sorted(BrandRulesTaskState.objects.values_list("pk", "document_id")),
        "review_states": sorted(BrandReviewTaskState.objects.values_list("pk", "document_id", "status")),
        "log_entries": sorted(
            ModelLogEntry.objects.filter(content_type=document_type).values_list("pk", "object_id", "action")
        ),
        "grants": sorted(DocumentUserGrant.objects.values_list("user_id", "content_object_id", "permission__codename")),
        "analyst_permissions": sorted(analysts.permissions.values_list("pk", "codename")),
    }


def _old_table_rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM templates_lib_customisation")
        return cursor.fetchone()[0]


@pytest.fixture
def demo_database():
    call_command("load_demo", stdout=io.StringIO())
    partner = CollateralDocument.objects.filter(owner__username="partner").select_related("owner").first()
    colleague = partner_member(partner.owner.organisation, username="colleague", email="colleague@iberia.example")
    document_share(document=partner, by=partner.owner, email=colleague.email)
    yield
    call_command("migrate", verbosity=0)
    # Migrating clears ContentType's cache. Restoring the serialized data saves objects whose
    # signal handlers look content types up, before those rows are restored: with a cold cache
    # they would be created again under new ids and clash with the restored rows.
    for model in apps.get_models():
        ContentType.objects.get_for_model(model, for_concrete_model=False)
        ContentType.objects.get_for_model(model)


def test_the_rename_keeps_every_row_revision_state_entry_grant_and_permission(demo_database):
    before = _snapshot()

    call_command("migrate", "templates_lib", "0003", verbosity=0)
    old_rows = _old_table_rows()
    old_codenames = set(
        Permission.objects.filter(content_type__app_label="templates_lib").values_list("codename", flat=True)
    )
    call_command("migrate", verbosity=0)
    after = _snapshot()

    assert old_rows == len(before["documents"]) > 0
    assert "view_customisation" in old_codenames
    assert after == before
    assert len(after["revisions"]) >= len(after["documents"])
    assert after["workflow_states"]
    assert after["log_entries"]
    assert after["grants"] == [
        (after["grants"][0][0], after["grants"][0][1], "view_collateraldocument"),
    ]
    assert "view_collateraldocument" in {codename for _, codename in after["analyst_permissions"]}
    document = CollateralDocument.objects.exclude(latest_revision=None).first()
    assert isinstance(document.latest_revision.as_object(), CollateralDocument)
    assert document.latest_revision.as_object().values == document.values
    shared = DocumentUserGrant.objects.select_related("user", "content_object").get()
    assert shared.user.has_perm("templates_lib.view_collateraldocument", shared.content_object)
    analyst = Group.objects.get(name=Role.MARKETING_ANALYST.label).user_set.get()
    assert analyst.has_perm("templates_lib.view_collateraldocument")
