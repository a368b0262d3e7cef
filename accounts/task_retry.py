"""Transient database errors, told apart from real ones and retried with backoff.

"database is locked" on SQLite, or a dropped connection, a deadlock or a failed serialisation on
PostgreSQL, clear up on their own within seconds; a missing table or a bug never does. The task
worker's loop (`portal.worker`) waits these out, and so does every task body wrapped in
`@retry_transient_errors` (under `@task()`), a bounded number of times, before the task ends FAILED.

It lives in `accounts`, the lowest app with a task, so that every app's tasks can use it."""

import logging
import random
import sqlite3
from collections.abc import Callable
from functools import wraps
from time import sleep
from typing import ParamSpec, TypeVar

from django.conf import settings
from django.db import InterfaceError, OperationalError, connections

logger = logging.getLogger(__name__)

P = ParamSpec("P")
T = TypeVar("T")

# SQLite reports a lock as SQLITE_BUSY ("database is locked") between files and as SQLITE_LOCKED
# ("database table is locked", "database schema is locked: main") within a shared cache.
_SQLITE_LOCK_WORDS = "is locked"

RETRY_BASE_SECONDS = 1.0


def is_transient_database_error(exc: BaseException) -> bool:
    """True for a database error that goes away on its own, so that trying again makes sense.

    On SQLite only locks count: Python's sqlite3 also reports "no such table" and syntax errors as
    OperationalError. Elsewhere (PostgreSQL), OperationalError is by definition about the server's
    operation (connection lost, deadlock, serialisation failure, statement timeout), and
    InterfaceError is a connection that is already closed."""
    if not isinstance(exc, OperationalError | InterfaceError):
        return False
    if _SQLITE_LOCK_WORDS in str(exc).lower():
        return True
    return not isinstance(exc.__cause__, sqlite3.Error)


def backoff_delay(attempt: int, *, base: float = RETRY_BASE_SECONDS, cap: float | None = None) -> float:
    """Seconds to wait before retry number `attempt` (1, 2, 3, …): doubling from `base`, never
    more than `cap` (LASTMILE_RETRY_MAX_DELAY_SECONDS), with jitter so that workers and tasks
    that failed together do not all try again at the same moment."""
    cap = settings.LASTMILE_RETRY_MAX_DELAY_SECONDS if cap is None else cap
    ceiling = min(cap, base * 2 ** (min(max(attempt, 1), 32) - 1))  # a long outage: no float overflow
    return random.uniform(ceiling / 2, ceiling)  # noqa: S311 (timing jitter, not a secret)


def in_transaction() -> bool:
    return any(connection.in_atomic_block for connection in connections.all(initialized_only=True))


def close_connections() -> None:
    """Close every database connection that is not inside a transaction, so that the next query
    opens a fresh one: a connection the server dropped stays broken until it is closed."""
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close()


def retry_transient_errors(func: Callable[P, T]) -> Callable[P, T]:
    """Run a task body again after a transient database error, up to LASTMILE_TASK_ATTEMPTS
    times in all, waiting `backoff_delay` between attempts; the last error is raised, so the task
    ends FAILED with it. Any other error is raised at once. Inside a transaction (a task run by
    the immediate backend within a request or a test) nothing is retried: the transaction is
    already lost.

    Only for tasks whose database work comes before their side effects (mail is sent last), so
    that a retry never sends twice."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        attempt = 1
        while True:
            try:
                return func(*args, **kwargs)
            except Exception as exc:
                attempts = settings.LASTMILE_TASK_ATTEMPTS
                if attempt >= attempts or not is_transient_database_error(exc) or in_transaction():
                    raise
                delay = backoff_delay(attempt)
                logger.warning(
                    "%s: %s (attempt %d of %d); trying again in %.1f s",
                    func.__qualname__,
                    exc,
                    attempt,
                    attempts,
                    delay,
                )
                close_connections()
                sleep(delay)
                attempt += 1

    return wrapper
