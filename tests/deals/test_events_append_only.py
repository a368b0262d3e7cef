"""Events and Lastmile's audit entries are append-only in the database: the triggers refuse UPDATE
and DELETE whatever the application does, and Wagtail's own log entries keep working."""

from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from wagtail.models import ModelLogEntry

import pytest

from deals.append_only import sqlite_triggers_present
from deals.models import DeliveryEvent

from .conftest import make_event


def _refused(statement: str, params=()) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, params)
    except DatabaseError:
        return True
    return False


def _log_entry(action: str) -> ModelLogEntry:
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    return ModelLogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(DeliveryEvent),
        object_id="1",
        label="something",
        action=action,
        data={},
        timestamp=timezone.now(),
    )


def test_an_event_cannot_be_updated_in_the_database(event):
    assert _refused("UPDATE deals_deliveryevent SET sha256 = 'forged' WHERE id = %s", [event.pk])
    event.refresh_from_db()
    assert event.sha256 != "forged"


def test_an_event_cannot_be_updated_through_the_orm(event):
    with pytest.raises(DatabaseError), transaction.atomic():
        DeliveryEvent.objects.filter(pk=event.pk).update(channel="api")


def test_an_event_cannot_be_deleted_in_the_database(event):
    assert _refused("DELETE FROM deals_deliveryevent WHERE id = %s", [event.pk])
    assert DeliveryEvent.objects.filter(pk=event.pk).exists()


def test_an_event_cannot_be_deleted_through_the_orm(event):
    with pytest.raises(DatabaseError), transaction.atomic():
        DeliveryEvent.objects.filter(pk=event.pk).delete()
    assert DeliveryEvent.objects.filter(pk=event.pk).exists()


def test_a_lastmile_audit_entry_cannot_be_updated_in_the_database(db):
    entry = _log_entry("lastmile.document.downloaded")

    assert _refused("UPDATE wagtailcore_modellogentry SET label = 'forged' WHERE id = %s", [entry.pk])
    entry.refresh_from_db()
    assert entry.label == "something"


def test_a_lastmile_audit_entry_cannot_be_deleted_in_the_database(db):
    entry = _log_entry("lastmile.document.approved")

    assert _refused("DELETE FROM wagtailcore_modellogentry WHERE id = %s", [entry.pk])
    assert ModelLogEntry.objects.filter(pk=entry.pk).exists()


def test_an_audit_entry_cannot_be_renamed_out_of_lastmile(db):
    entry = _log_entry("lastmile.document.approved")

    assert _refused("UPDATE wagtailcore_modellogentry SET action = 'wagtail.edit' WHERE id = %s", [entry.pk])


def test_wagtails_own_log_entries_keep_working(db):
    entry = _log_entry("wagtail.edit")

    ModelLogEntry.objects.filter(pk=entry.pk).update(label="changed")
    assert ModelLogEntry.objects.get(pk=entry.pk).label == "changed"
    ModelLogEntry.objects.filter(pk=entry.pk).delete()
    assert not ModelLogEntry.objects.filter(pk=entry.pk).exists()


def test_new_events_and_entries_are_still_written(event):
    _log_entry("lastmile.document.downloaded")

    assert DeliveryEvent.objects.count() == 1
    assert ModelLogEntry.objects.filter(action="lastmile.document.downloaded").count() == 1


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's triggers are listed in sqlite_master")
def test_the_triggers_exist_after_migrate(db):
    assert sqlite_triggers_present(connection)


def _trigger_names() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="PostgreSQL flushes with TRUNCATE, which row triggers ignore (and which "
    "cannot run inside the test's transaction)",
)
def test_flush_empties_the_tables_and_keeps_them_append_only(approved_document, rep):
    """As TransactionTestCase and live-server tests flush between tests. SQLite's flush uses DELETE:
    the triggers are lifted around it and put back. Runs inside the test's transaction (SQLite's
    DDL is transactional), so nothing leaks into the next test."""
    make_event(approved_document, user=rep)
    assert ModelLogEntry.objects.filter(action__startswith="lastmile.").exists()
    triggers = _trigger_names()

    # No post_migrate: nothing but the flush command itself may put the triggers back.
    call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True, reset_sequences=False)
    ContentType.objects.clear_cache()

    assert not DeliveryEvent.objects.exists()
    assert not ModelLogEntry.objects.exists()
    assert _trigger_names() == triggers
    assert {name for name in triggers if name.startswith("lastmile_")}
