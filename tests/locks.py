"""A real SQLite lock, held by another connection, for tests of what the worker and the tasks do
when the database is locked.

The test database is SQLite in memory with a shared cache: a second connection to it that begins
an exclusive transaction makes every query of Django's connection fail at once with
`OperationalError: database schema is locked: main` (SQLITE_LOCKED, the shared-cache form of the
"database is locked" that a file database reports after its busy timeout). Tests using it need
to run outside a test transaction (`@outside_transaction`, tests/queue.py) and are skipped on
PostgreSQL, where a dropped connection is tested instead.
"""

import sqlite3

from django.db import connection

import pytest

from .queue import require_outside_transaction

sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="a real SQLite lock needs the SQLite test database"
)


class HeldLock:
    """An exclusive transaction on the test database, held by a connection of its own."""

    def __init__(self):
        name = connection.settings_dict["NAME"]
        self._connection = sqlite3.connect(name, uri=str(name).startswith("file:"), isolation_level=None)
        self._connection.execute("BEGIN EXCLUSIVE")
        self.is_held = True

    def release(self) -> None:
        if self.is_held:
            self._connection.execute("COMMIT")
            self._connection.close()
            self.is_held = False


@pytest.fixture
def lock_database(request, transactional_db):
    """Call it to lock the database from another connection, until the test calls `release()` on
    what it returns (or the test ends)."""
    require_outside_transaction(request)
    locks = []

    def lock() -> HeldLock:
        connection.ensure_connection()  # the in-memory database lives as long as Django's connection
        locks.append(HeldLock())
        return locks[-1]

    yield lock
    for held in locks:
        held.release()
