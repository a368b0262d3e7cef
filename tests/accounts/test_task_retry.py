import sqlite3

from django.core import mail
from django.db import DatabaseError, IntegrityError, InterfaceError, OperationalError

import pytest

from accounts import task_retry
from accounts.task_retry import backoff_delay, is_transient_database_error
from accounts.tasks import send_password_reset_email

from ..factories.accounts import UserFactory
from ..locks import sqlite_only
from ..queue import outside_transaction


def _raised_by_sqlite(message: str) -> OperationalError:
    """An OperationalError as Django raises it for SQLite: the driver's error as its cause."""
    error = OperationalError(message)
    error.__cause__ = sqlite3.OperationalError(message)
    return error


def _raised_by_postgresql(message: str) -> OperationalError:
    error = OperationalError(message)
    error.__cause__ = RuntimeError(message)  # psycopg's own OperationalError in real life
    return error


@pytest.mark.parametrize(
    ("error", "is_transient"),
    [
        (_raised_by_sqlite("database is locked"), True),
        (_raised_by_sqlite("database table is locked: django_tasks_database_dbtaskresult"), True),
        (_raised_by_sqlite("database schema is locked: main"), True),
        (_raised_by_sqlite("no such table: approvals_notification"), False),
        (_raised_by_postgresql("server closed the connection unexpectedly"), True),
        (_raised_by_postgresql("deadlock detected"), True),
        (InterfaceError("connection already closed"), True),
        (IntegrityError("UNIQUE constraint failed"), False),
        (DatabaseError("value too long"), False),
        (ValueError("database is locked"), False),
    ],
)
def test_only_errors_that_clear_up_on_their_own_are_transient(error, is_transient):
    assert is_transient_database_error(error) is is_transient


def test_backoff_doubles_with_jitter_and_stops_at_the_cap():
    delays = [[backoff_delay(attempt, base=1, cap=10) for _ in range(50)] for attempt in (1, 2, 3, 4, 5, 9)]

    assert [(min(d) >= c / 2, max(d) <= c) for d, c in zip(delays, (1, 2, 4, 8, 10, 10), strict=True)] == [
        (True, True)
    ] * 6
    assert len({round(d, 6) for d in delays[2]}) > 1  # jittered, not all the same


@pytest.fixture
def sleeps(monkeypatch):
    """The waits between attempts, recorded instead of slept."""
    recorded = []
    monkeypatch.setattr(task_retry, "sleep", recorded.append)
    return recorded


@sqlite_only
@outside_transaction
def test_a_task_that_meets_a_locked_database_runs_again_and_succeeds(lock_database, sleeps, monkeypatch):
    UserFactory(email="dana@example.com")
    held_lock = lock_database()
    monkeypatch.setattr(task_retry, "sleep", lambda seconds: (sleeps.append(seconds), held_lock.release()))

    sent = send_password_reset_email.call("dana@example.com")

    assert sent == 1
    assert [message.to for message in mail.outbox] == [["dana@example.com"]]
    assert len(sleeps) == 1


@sqlite_only
@outside_transaction
def test_a_task_that_keeps_meeting_a_locked_database_gives_up_after_its_attempts(lock_database, sleeps, settings):
    settings.LASTMILE_TASK_ATTEMPTS = 3
    lock_database()

    with pytest.raises(OperationalError, match="is locked"):
        send_password_reset_email.call("dana@example.com")

    assert len(sleeps) == 2
    assert mail.outbox == []


def test_a_task_that_meets_any_other_error_fails_at_once(db, sleeps, monkeypatch):
    def broken(**kwargs):
        raise IntegrityError("UNIQUE constraint failed")

    monkeypatch.setattr("accounts.mail.password_reset_email_send", broken)

    with pytest.raises(IntegrityError):
        send_password_reset_email.call("dana@example.com")

    assert sleeps == []


def test_a_task_run_inside_a_transaction_is_not_retried(db, sleeps, monkeypatch):
    def locked(**kwargs):
        raise _raised_by_sqlite("database is locked")

    monkeypatch.setattr("accounts.mail.password_reset_email_send", locked)

    with pytest.raises(OperationalError):
        send_password_reset_email.call("dana@example.com")  # `db`: the test's own transaction is open

    assert sleeps == []
