"""Deals written in batches by external id, for CSV imports and the API: new ones inserted leaving
any (connection, external id) another writer created meanwhile to the database constraint, the
rest compared with what the database holds and updated only where they differ (ADR 13, ADR 19)."""

import datetime
import uuid
from collections import Counter
from collections.abc import Callable

from django.db import connections, models, transaction
from django.utils import timezone

from accounts.models import User

from ..imports.rows import DEAL_FIELDS
from ..models import Connection, Deal


def owner_lookup(organisation_id: int | None) -> Callable[[str], int | None]:
    """Owner value → user id: by email (any case); failing that, by a full name only one candidate has.
    A partner organisation's deals are owned by its members; internal deals by internal users."""
    users = User.objects.filter(is_active=True)
    if organisation_id:
        users = users.filter(organisation_id=organisation_id)
    else:
        users = users.filter(organisation__isnull=True)
    by_email, by_name = {}, {}
    for pk, email, first, last in users.values_list("pk", "email", "first_name", "last_name"):
        if email:
            by_email[email.casefold()] = pk
        full = " ".join(f"{first} {last}".split()).casefold()
        if full:
            by_name[full] = None if full in by_name else pk

    def lookup(value: str) -> int | None:
        key = value.casefold()
        return by_email.get(key) or by_name.get(key)

    return lookup


def existing_deals(connection: Connection, external_ids: list[str]) -> dict[str, dict]:
    rows = Deal.objects.filter(connection=connection, external_id__in=external_ids).values(
        "pk", "external_id", *DEAL_FIELDS
    )
    return {row["external_id"]: row for row in rows}


def differs(values: dict, existing: dict) -> bool:
    return any(values[name] != existing[name] for name in DEAL_FIELDS)


_PASSED_AS_IS = (models.CharField, models.TextField, models.IntegerField, models.BooleanField, models.ForeignKey)


def _insert_leaving_conflicts(rows: list[dict]) -> int:
    """INSERT … ON CONFLICT DO NOTHING (SQLite and PostgreSQL) of new deals given as field values
    by attname: a deal whose (connection, external id) exists by now is left to the unique
    constraint. A few hundred rows per statement, without bulk_create's per-row compiling (the
    import's hot path, bench/deals_import.py). Text arrives single-lined from the row check;
    dates, decimals and uuids are prepared by their fields; other fields take their defaults."""
    db = transaction.get_connection()
    fields = [model_field for model_field in Deal._meta.concrete_fields if not model_field.primary_key]
    quote = db.ops.quote_name
    # Only table and column names from the model are formatted in; every value is a parameter.
    table = quote(Deal._meta.db_table)
    columns = ", ".join(quote(f.column) for f in fields)
    row_placeholder = "(" + ", ".join(["%s"] * len(fields)) + ")"
    plain = [isinstance(f, _PASSED_AS_IS) for f in fields]
    # Dates, amounts and timestamps repeat from row to row: each distinct one is prepared once.
    repeating = [not isinstance(f, models.UUIDField) for f in fields]
    prepared: dict = {}
    params = []
    for row in rows:
        values = []
        for index, model_field in enumerate(fields):
            name = model_field.attname
            value = row[name] if name in row else model_field.get_default()
            if plain[index] or value is None:
                values.append(value)
            elif repeating[index]:
                key = (index, value)
                if key not in prepared:
                    prepared[key] = model_field.get_db_prep_save(value, db)
                values.append(prepared[key])
            else:
                values.append(model_field.get_db_prep_save(value, db))
        params.append(values)
    if db.vendor == "postgresql":
        # COPY into a transaction-scoped scratch table, then one INSERT … SELECT: the fastest way
        # PostgreSQL takes many rows, with the same conflict rule.
        db.ensure_connection()
        with db.wrap_database_errors, db.connection.cursor() as raw:
            raw.execute(
                f"CREATE TEMP TABLE IF NOT EXISTS deal_import_rows ON COMMIT DROP AS "  # noqa: S608
                f"SELECT {columns} FROM {table} WITH NO DATA"
            )
            raw.execute("TRUNCATE deal_import_rows")
            with raw.copy(f"COPY deal_import_rows ({columns}) FROM STDIN") as copy:
                for values in params:
                    copy.write_row(values)
            raw.execute(
                f"INSERT INTO {table} ({columns}) SELECT {columns} FROM deal_import_rows ON CONFLICT DO NOTHING"  # noqa: S608
            )
            return raw.rowcount
    # Several rows per statement, well under SQLite's limit on parameters (32,766).
    batch = max(1, 16_000 // len(fields))
    inserted = 0
    with db.cursor() as cursor:
        for start in range(0, len(params), batch):
            rows_batch = params[start : start + batch]
            values_sql = ", ".join([row_placeholder] * len(rows_batch))
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {values_sql} ON CONFLICT DO NOTHING",  # noqa: S608
                [value for row in rows_batch for value in row],
            )
            inserted += cursor.rowcount
    return inserted


def upsert_deals(
    *,
    connection: Connection,
    source: str,
    organisation_id: int | None,
    created_by_id: int | None,
    rows: dict[str, dict],
) -> Counter:
    """Write one chunk. New deals are inserted leaving any (connection, external id) that exists by
    then to the constraint; every row is then compared with what the database holds, so a deal
    another writer created or changed meanwhile is updated, never duplicated."""
    counts = Counter()
    by_id = rows
    existing = existing_deals(connection, list(by_id))
    now = timezone.now()
    new = [
        {
            "public_id": uuid.uuid4(),
            "source": source,
            "connection_id": connection.pk,
            "external_id": external_id,
            "organisation_id": organisation_id,
            "created_by_id": created_by_id,
            "created_at": now,
            "updated_at": now,
            **values,
        }
        for external_id, values in sorted(by_id.items())  # one order for every import: fewer deadlocks
        if external_id not in existing
    ]
    if new:
        inserted = _insert_leaving_conflicts(new)
        counts["created"] += inserted
        # Rows another writer inserted first (ours were left to the constraint): not our public ids.
        raced = (
            Deal.objects.filter(connection=connection, external_id__in=[row["external_id"] for row in new])
            .exclude(public_id__in=[row["public_id"] for row in new])
            .values("pk", "external_id", *DEAL_FIELDS)
        )
        for current in raced if inserted < len(new) else ():
            existing[current["external_id"]] = current
    changed = []
    for external_id, current in existing.items():
        values = by_id[external_id]
        if not differs(values, current):
            counts["unchanged"] += 1
            continue
        changed.append((current["pk"], values))
    if changed:
        _update_deals(changed, now)
        counts["changed"] += len(changed)
    return counts


_UPDATED_FIELDS = [Deal._meta.get_field(name) for name in (*DEAL_FIELDS, "updated_at")]


def _update_deals(changed: list[tuple[int, dict]], now: datetime.datetime) -> None:
    """One parameterised UPDATE per deal, sent as one executemany: linear in the rows, where
    bulk_update's CASE WHEN per field grows with rows × fields (2.4 s for 1,000 deals on SQLite)."""
    connection = connections[Deal.objects.db]
    assignments = ", ".join(f"{connection.ops.quote_name(field.column)} = %s" for field in _UPDATED_FIELDS)
    sql = f"UPDATE {connection.ops.quote_name(Deal._meta.db_table)} SET {assignments} WHERE id = %s"  # noqa: S608 (our own column names)
    rows = [
        [
            field.get_db_prep_save(now if field.name == "updated_at" else values[field.attname], connection)
            for field in _UPDATED_FIELDS
        ]
        + [pk]
        for pk, values in changed
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
