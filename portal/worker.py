"""The task worker's loop (`manage.py lastmile_worker`), made to outlive the database's bad moments.

django-tasks-db's `Worker` stops for good on the first database error outside the one call where
it expects a lock: on SQLite, `BEGIN EXCLUSIVE` itself raises "database is locked" before that call
(the incident behind this module: multi-page downloads stayed on "preparing" for ever); on
PostgreSQL, a dropped connection raises an error that is not a lock. And a task whose outcome the
database refuses to save stays RUNNING for ever.

`LastmileWorker` keeps upstream's loop and changes three things:

- after a transient database error (`accounts.task_retry.is_transient_database_error`) it closes
  the broken connections, waits (doubling from 1 s up to LASTMILE_RETRY_MAX_DELAY_SECONDS, with
  jitter) and goes on; any other error still ends the process, for its supervisor (systemd, or
  `bin/supervise` in the demo) to start it again;
- a task's outcome (its return value, or the error it raised) that cannot be saved is kept and
  saved before anything else is fetched, so a finished task never stays RUNNING;
- on start, it fails the tasks that a worker with its own `--worker-id` left RUNNING when it
  stopped (a crash, a kill), with `WorkerStoppedError`. Only its own: with several workers, each
  has its own id (systemd: `--worker-id %H-%i`), and another worker's task may still be running.
"""

import logging
from dataclasses import dataclass
from time import monotonic, sleep
from typing import Any

from django.conf import settings

from django_tasks_db.compat import TaskContext, task_finished, task_started
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from accounts.task_retry import backoff_delay, close_connections, is_transient_database_error

logger = logging.getLogger("django_tasks_db")


class WorkerStoppedError(Exception):
    """Recorded on a task that was running when its worker stopped."""


@dataclass
class _Outcome:
    value: Any = None
    error: BaseException | None = None


class LastmileWorker(Worker):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._unsaved: tuple[DBTaskResult, _Outcome] | None = None
        self._has_failed_orphans = False

    def run(self) -> None:
        failures = 0
        while True:
            entered = monotonic()
            try:
                if not self._has_failed_orphans:
                    self.fail_orphaned_tasks()
                    self._has_failed_orphans = True
                self._save_unsaved_outcome()
                super().run()
                return
            except Exception as exc:
                if not is_transient_database_error(exc):
                    raise
                # A loop that ran longer than the longest wait before this error starts afresh.
                if monotonic() - entered > settings.LASTMILE_RETRY_MAX_DELAY_SECONDS:
                    failures = 0
                failures += 1
                delay = backoff_delay(failures)
                logger.warning(
                    "Database error in worker_id=%s (%s: %s); trying again in %.1f s",
                    self.worker_id,
                    type(exc).__name__,
                    exc,
                    delay,
                )
                close_connections()
                self.startup_delay = False
                if not self.running:
                    return
                sleep(delay)

    def fail_orphaned_tasks(self) -> None:
        """Fail the tasks this worker id left RUNNING when it last stopped."""
        running = DBTaskResult.objects.running().filter(backend_name=self.backend_name)
        for db_task_result in running:
            if db_task_result.worker_ids and db_task_result.worker_ids[-1] == self.worker_id:
                logger.warning("Task id=%s was running when worker_id=%s stopped", db_task_result.id, self.worker_id)
                db_task_result.set_failed(WorkerStoppedError("The worker stopped while this task was running."))

    def run_task(self, db_task_result: DBTaskResult) -> None:
        """Upstream's `run_task`, except that the outcome is kept until the database takes it."""
        self.running_task = True
        try:
            self._unsaved = (db_task_result, self._call(db_task_result))
            self._save_unsaved_outcome()
        finally:
            self.running_task = False

    def _call(self, db_task_result: DBTaskResult) -> _Outcome:
        try:
            task = db_task_result.task
            task_result = db_task_result.task_result
            task_started.send(sender=type(task.get_backend()), task_result=task_result)
            if task.takes_context:
                args = (TaskContext(task_result=task_result), *task_result.args)
            else:
                args = tuple(task_result.args)
            return _Outcome(value=task.call(*args, **task_result.kwargs))
        except BaseException as exc:  # as upstream: whatever the task raised is its failure
            return _Outcome(error=exc)
        finally:
            self._run_tasks += 1

    def _save_unsaved_outcome(self) -> None:
        """Save the kept outcome. A transient database error leaves it kept (and is raised, for
        the loop to wait); a return value the database cannot store is saved as a failure."""
        if self._unsaved is None:
            return
        db_task_result, outcome = self._unsaved
        if outcome.error is None:
            try:
                db_task_result.set_successful(outcome.value)
            except Exception as exc:
                if is_transient_database_error(exc):
                    raise
                outcome = _Outcome(error=exc)
        if outcome.error is not None:
            db_task_result.set_failed(outcome.error)
        self._unsaved = None
        try:
            task_finished.send(sender=type(db_task_result.task.get_backend()), task_result=db_task_result.task_result)
        except Exception:
            logger.exception("Task id=%s finished, but its finished signal failed", db_task_result.id)
