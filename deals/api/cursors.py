"""Opaque cursors for keyset pagination: the last row's sort values, base64 JSON. A cursor that
does not decode is a 400, never a query."""

import base64
import binascii
import json
from datetime import datetime

from django.db.models import Q, QuerySet


class BadCursor(ValueError):
    pass


def encode(*values: object) -> str:
    text = json.dumps([v.isoformat() if isinstance(v, datetime) else v for v in values], separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _decode(cursor: str) -> list:
    if len(cursor) > 200:
        raise BadCursor("The cursor is not one this API gave.")
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise BadCursor("The cursor is not one this API gave.") from None
    if not isinstance(values, list):
        raise BadCursor("The cursor is not one this API gave.")
    return values


def after_id(rows: QuerySet, cursor: str | None) -> QuerySet:
    """Rows in id order after the cursor (append-only rows: events)."""
    rows = rows.order_by("pk")
    if not cursor:
        return rows
    values = _decode(cursor)
    if len(values) != 1 or not isinstance(values[0], int):
        raise BadCursor("The cursor is not one this API gave.")
    return rows.filter(pk__gt=values[0])


def after_update(rows: QuerySet, cursor: str | None) -> QuerySet:
    """Rows in (updated_at, id) order after the cursor: a row changed while a client pages moves
    to the end, so an incremental pull never misses it."""
    rows = rows.order_by("updated_at", "pk")
    if not cursor:
        return rows
    values = _decode(cursor)
    try:
        updated_at, pk = datetime.fromisoformat(values[0]), int(values[1])
    except (IndexError, TypeError, ValueError):
        raise BadCursor("The cursor is not one this API gave.") from None
    if len(values) != 2 or updated_at.tzinfo is None:
        raise BadCursor("The cursor is not one this API gave.")
    return rows.filter(Q(updated_at__gt=updated_at) | Q(updated_at=updated_at, pk__gt=pk))


def page(rows: QuerySet, *, limit: int, key) -> tuple[list, str | None]:
    """One page and the cursor of the next (None at the end)."""
    items = list(rows[: limit + 1])
    if len(items) <= limit:
        return items, None
    items = items[:limit]
    return items, encode(*key(items[-1]))
