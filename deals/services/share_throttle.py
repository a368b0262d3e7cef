"""Rate limits for share links: requests from one client address (pages, page images, downloads,
and guesses at tokens alike), and opens of one link. Fixed windows: a burst past the limit waits
for the next window.

Each request bumps its counters with one upsert in the database (shared by all app servers), not
through the cache: the database cache needs seven queries for an add-or-increment, which on
PostgreSQL cost a share page a third of its time."""

import hashlib
import time

from django.conf import settings
from django.db import connection

from ..models import ShareLink, ShareRateCounter


def _window() -> int:
    return int(time.time() // settings.LASTMILE_SHARE_LINK_RATE_WINDOW_SECONDS)


def _counted(kind: str, value: str, *, limit: int) -> bool:
    """Count one more request for `value`; whether it is still within `limit` for this window."""
    key = f"{kind}:" + hashlib.sha256(value.encode()).hexdigest()
    quote = connection.ops.quote_name
    table, slot, hits = quote(ShareRateCounter._meta.db_table), quote("slot"), quote("hits")
    upsert = (
        f"INSERT INTO {table} ({quote('counter_key')}, {slot}, {hits}) VALUES (%s, %s, 1) "  # noqa: S608 (names from the model)
        f"ON CONFLICT ({quote('counter_key')}) DO UPDATE SET "
        f"{hits} = CASE WHEN {table}.{slot} = excluded.{slot} THEN {table}.{hits} + 1 ELSE 1 END, "
        f"{slot} = excluded.{slot} RETURNING {hits}"
    )
    with connection.cursor() as cursor:
        cursor.execute(upsert, [key, _window()])
        (count,) = cursor.fetchone()
    return count <= limit


def share_request_allowed(*, address: str) -> bool:
    return _counted("address", address, limit=settings.LASTMILE_SHARE_LINK_REQUESTS_PER_ADDRESS)


def share_open_allowed(*, link: ShareLink) -> bool:
    return _counted("link", link.token_hash, limit=settings.LASTMILE_SHARE_LINK_OPENS_PER_LINK)


def share_rate_counters_prune() -> int:
    """Forget counters of windows that have ended (the daily summary run calls this)."""
    deleted, _ = ShareRateCounter.objects.filter(slot__lt=_window()).delete()
    return deleted
