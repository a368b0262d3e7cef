"""Reads of the portal's own: the background task queue, for the health check."""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Case, Count, F, Min, When
from django.utils import timezone

from django_tasks import task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult, get_date_max


@dataclass(frozen=True)
class QueueHealth:
    waiting: int
    oldest_wait_seconds: int | None
    stuck_after_seconds: int

    @property
    def is_stuck(self) -> bool:
        return self.oldest_wait_seconds is not None and self.oldest_wait_seconds > self.stuck_after_seconds


def task_queue_health(*, now: datetime | None = None) -> QueueHealth:
    """How many tasks wait to start in the database queue, and how long the oldest has waited
    (a deferred task from the time it may run), in one query. Stuck when that is longer than
    LASTMILE_QUEUE_STUCK_SECONDS: no worker is running, or the workers cannot keep up.

    Only waiting tasks count: the oldest of them is what users feel, it does not depend on how
    many workers there are, and the query stays on the queue's index. A task left RUNNING by a
    worker that was killed is failed by that worker's next start (portal/worker.py)."""
    now = now or timezone.now()
    stuck_after = settings.LASTMILE_QUEUE_STUCK_SECONDS
    aliases = [alias for alias in settings.TASKS if isinstance(task_backends[alias], DatabaseBackend)]
    if not aliases:
        return QueueHealth(waiting=0, oldest_wait_seconds=None, stuck_after_seconds=stuck_after)
    never = get_date_max()
    waiting_since = Case(When(run_after=never, then=F("enqueued_at")), default=F("run_after"))
    row = (
        DBTaskResult.objects.ready()  # READY, and not deferred past now
        .filter(backend_name__in=aliases)
        .aggregate(waiting=Count("pk"), oldest=Min(waiting_since))
    )
    oldest = row["oldest"]
    return QueueHealth(
        waiting=row["waiting"],
        oldest_wait_seconds=max(0, int((now - oldest).total_seconds())) if oldest else None,
        stuck_after_seconds=stuck_after,
    )
