"""The task worker's loop (portal/worker.py) and `manage.py lastmile_worker`: transient database
errors are waited out, an outcome the database refuses is saved later, and tasks the worker left
running when it stopped end failed."""

from django.core import mail
from django.core.management import call_command
from django.db import ProgrammingError, connection
from django.db.utils import OperationalError

import pytest
from django_tasks import task
from django_tasks_db.models import DBTaskResult, DBTaskResultQuerySet

from accounts.tasks import send_password_reset_email
from portal import worker as worker_module
from portal.worker import WorkerStoppedError

from ..factories.accounts import UserFactory
from ..locks import sqlite_only
from ..queue import make_worker, outside_transaction, run_worker

pytestmark = outside_transaction

# What a test's task needs from the test: set by the test, read by the task in the worker.
_from_test = {}


@task()
def locks_the_database_as_it_finishes() -> str:
    _from_test["lock"] = _from_test["lock_database"]()
    return "finished"


@task()
def drops_its_own_database_connection() -> str:
    """Ends the worker's PostgreSQL session from another connection, as a server restart does."""
    pid = connection.cursor().execute("SELECT pg_backend_pid()").fetchone()[0]
    other = connection.copy()
    with other.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    other.close()
    return "finished"


@pytest.fixture
def worker_sleeps(monkeypatch):
    """The loop's waits, recorded instead of slept."""
    recorded = []
    monkeypatch.setattr(worker_module, "sleep", recorded.append)
    return recorded


def _status(result) -> str:
    return DBTaskResult.objects.get(pk=result.id).status


@sqlite_only
def test_the_worker_waits_out_a_locked_database_and_runs_the_next_task(
    lock_database, task_queue, worker_sleeps, monkeypatch
):
    UserFactory(email="dana@example.com")
    result = send_password_reset_email.enqueue("dana@example.com")
    held = lock_database()
    monkeypatch.setattr(worker_module, "sleep", lambda seconds: (worker_sleeps.append(seconds), held.release()))

    run_worker()

    assert _status(result) == "SUCCESSFUL"
    assert [message.to for message in mail.outbox] == [["dana@example.com"]]
    assert len(worker_sleeps) == 1


def test_the_worker_waits_out_a_dropped_connection_while_fetching(task_queue, worker_sleeps, monkeypatch):
    UserFactory(email="dana@example.com")
    result = send_password_reset_email.enqueue("dana@example.com")
    get_locked = DBTaskResultQuerySet.get_locked
    errors = [OperationalError("server closed the connection unexpectedly")]

    def dropped_once(queryset):
        if errors:
            raise errors.pop()
        return get_locked(queryset)

    monkeypatch.setattr(DBTaskResultQuerySet, "get_locked", dropped_once)

    run_worker()

    assert _status(result) == "SUCCESSFUL"
    assert len(worker_sleeps) == 1


def test_the_worker_waits_longer_after_each_error_in_a_row(task_queue, worker_sleeps, monkeypatch):
    monkeypatch.setattr("portal.worker.backoff_delay", lambda attempt: attempt)
    errors = [OperationalError("server closed the connection unexpectedly") for _ in range(4)]

    def locked(queryset):
        if errors:
            raise errors.pop()

    monkeypatch.setattr(DBTaskResultQuerySet, "get_locked", locked)

    run_worker()

    assert worker_sleeps == [1, 2, 3, 4]


def test_any_other_database_error_stops_the_worker_for_its_supervisor(task_queue, worker_sleeps, monkeypatch):
    def broken(queryset):
        raise ProgrammingError("relation does not exist")

    monkeypatch.setattr(DBTaskResultQuerySet, "get_locked", broken)

    with pytest.raises(ProgrammingError):
        run_worker()

    assert worker_sleeps == []


@sqlite_only
def test_an_outcome_the_database_refuses_is_kept_and_saved_once_it_can(lock_database, task_queue, monkeypatch):
    result = locks_the_database_as_it_finishes.enqueue()
    _from_test["lock_database"] = lock_database
    monkeypatch.setattr(worker_module, "sleep", lambda seconds: _from_test["lock"].release())

    run_worker()

    saved = DBTaskResult.objects.get(pk=result.id)
    assert (saved.status, saved.return_value) == ("SUCCESSFUL", "finished")


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="ends a PostgreSQL session")
def test_an_outcome_is_saved_after_the_server_drops_the_workers_connection(task_queue, worker_sleeps):
    result = drops_its_own_database_connection.enqueue()

    run_worker()

    saved = DBTaskResult.objects.get(pk=result.id)
    assert (saved.status, saved.return_value) == ("SUCCESSFUL", "finished")
    assert len(worker_sleeps) >= 1


def test_a_task_left_running_by_this_worker_id_ends_failed_when_it_starts(task_queue):
    orphan = send_password_reset_email.enqueue("dana@example.com")
    elsewhere = send_password_reset_email.enqueue("mia@example.com")
    DBTaskResult.objects.filter(pk=orphan.id).update(status="RUNNING", worker_ids=["test-worker"])
    DBTaskResult.objects.filter(pk=elsewhere.id).update(status="RUNNING", worker_ids=["test-worker", "other"])

    run_worker()

    failed = DBTaskResult.objects.get(pk=orphan.id)
    assert failed.status == "FAILED"
    assert failed.exception_class_path == f"{WorkerStoppedError.__module__}.{WorkerStoppedError.__qualname__}"
    assert _status(elsewhere) == "RUNNING"


def test_the_command_runs_the_waiting_tasks(task_queue, monkeypatch):
    monkeypatch.setattr(worker_module.LastmileWorker, "configure_signals", lambda worker: None)
    UserFactory(email="dana@example.com")
    result = send_password_reset_email.enqueue("dana@example.com")

    call_command("lastmile_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    assert _status(result) == "SUCCESSFUL"
    assert len(mail.outbox) == 1


def test_a_stopping_worker_does_not_wait_after_an_error(task_queue, worker_sleeps, monkeypatch):
    worker = make_worker(batch=False)

    def locked_then_stopped(queryset):
        worker.running = False  # SIGTERM arrived
        raise OperationalError("database is locked")

    monkeypatch.setattr(DBTaskResultQuerySet, "get_locked", locked_then_stopped)

    worker.run()

    assert worker_sleeps == []
