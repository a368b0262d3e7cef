"""Append-only in the database (DOMAIN rule 8, ADR 14): triggers refuse UPDATE and DELETE on delivery
events and on Lastmile's own entries (action `lastmile.*`) in Wagtail's model log. Wagtail's other
entries keep working as Wagtail expects.

SQLite and PostgreSQL each get their own SQL. Migration 0005 creates the triggers, and every
`migrate` puts back any that are missing (`ensure_triggers`): SQLite drops a table's triggers when
a later migration rebuilds the table to alter it. On SQLite, Django's `flush` empties tables with
DELETE, so the `flush` command of this app drops the triggers around it and puts them back
(`without_triggers`); PostgreSQL's flush uses TRUNCATE, which row triggers do not see."""

from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.recorder import MigrationRecorder

APPEND_ONLY_MIGRATION = "0005_append_only_events"

MESSAGE = "append-only: delivery events and Lastmile audit entries are never changed or deleted"

SQLITE_TRIGGERS = {
    "lastmile_deliveryevent_no_update": (
        f"CREATE TRIGGER IF NOT EXISTS lastmile_deliveryevent_no_update BEFORE UPDATE ON deals_deliveryevent "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
    ),
    "lastmile_deliveryevent_no_delete": (
        f"CREATE TRIGGER IF NOT EXISTS lastmile_deliveryevent_no_delete BEFORE DELETE ON deals_deliveryevent "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
    ),
    "lastmile_audit_no_update": (
        f"CREATE TRIGGER IF NOT EXISTS lastmile_audit_no_update BEFORE UPDATE ON wagtailcore_modellogentry "
        f"WHEN substr(OLD.action, 1, 9) = 'lastmile.' BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
    ),
    "lastmile_audit_no_delete": (
        f"CREATE TRIGGER IF NOT EXISTS lastmile_audit_no_delete BEFORE DELETE ON wagtailcore_modellogentry "
        f"WHEN substr(OLD.action, 1, 9) = 'lastmile.' BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
    ),
}

POSTGRESQL_CREATE = [
    "DROP TRIGGER IF EXISTS lastmile_deliveryevent_append_only ON deals_deliveryevent",
    "DROP TRIGGER IF EXISTS lastmile_audit_append_only ON wagtailcore_modellogentry",
    f"""CREATE OR REPLACE FUNCTION lastmile_refuse_change() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION '{MESSAGE} (% on %)', TG_OP, TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';
    END;
    $$ LANGUAGE plpgsql""",
    "CREATE TRIGGER lastmile_deliveryevent_append_only BEFORE UPDATE OR DELETE ON deals_deliveryevent "
    "FOR EACH ROW EXECUTE FUNCTION lastmile_refuse_change()",
    "CREATE TRIGGER lastmile_audit_append_only BEFORE UPDATE OR DELETE ON wagtailcore_modellogentry "
    "FOR EACH ROW WHEN (left(OLD.action, 9) = 'lastmile.') EXECUTE FUNCTION lastmile_refuse_change()",
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS lastmile_audit_append_only ON wagtailcore_modellogentry",
    "DROP TRIGGER IF EXISTS lastmile_deliveryevent_append_only ON deals_deliveryevent",
    "DROP FUNCTION IF EXISTS lastmile_refuse_change()",
]


def create_triggers(connection) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for sql in SQLITE_TRIGGERS.values():
                cursor.execute(sql)
        elif connection.vendor == "postgresql":
            for sql in POSTGRESQL_CREATE:
                cursor.execute(sql)


def drop_triggers(connection) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for name in SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        elif connection.vendor == "postgresql":
            for sql in POSTGRESQL_DROP:
                cursor.execute(sql)


def sqlite_triggers_present(connection) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'lastmile_%'")
        return cursor.fetchone()[0] == len(SQLITE_TRIGGERS)


def ensure_triggers(sender=None, *, using=DEFAULT_DB_ALIAS, **kwargs) -> None:
    """After `migrate` (and `flush`): the triggers exist wherever both tables do (post_migrate)."""
    connection = connections[using]
    if not {"deals_deliveryevent", "wagtailcore_modellogentry"} <= set(connection.introspection.table_names()):
        return
    recorder = MigrationRecorder(connection)
    if not recorder.migration_qs.filter(app="deals", name=APPEND_ONLY_MIGRATION).exists():
        return
    create_triggers(connection)


@contextmanager
def without_triggers(connection):
    """SQLite only: the triggers are dropped for the block and recreated after it, even when it
    fails. Used by `flush`, which empties every table with DELETE. Elsewhere, does nothing."""
    if connection.vendor != "sqlite":
        yield
        return
    had_triggers = sqlite_triggers_present(connection)
    drop_triggers(connection)
    try:
        yield
    finally:
        if had_triggers:
            create_triggers(connection)
