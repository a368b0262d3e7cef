"""The database task backend and its worker, for tests of what happens in the background.

The test settings run tasks at once (the immediate backend); `task_queue` switches to the
database backend that production uses, so that enqueued tasks wait in the queue until
`run_worker()` runs them, the way `manage.py lastmile_worker` does.

A worker runs outside any transaction of the test (its loop closes a connection it finds inside
one, which on PostgreSQL ends the test's transaction), so tests using it are marked
`@outside_transaction`: a transactional test that puts the migrated data (the root collection,
tiers) back first, and flushes without re-running post_migrate handlers afterwards, so that the
serialized-rollback tests after it (browser tests) still start from the migrated data.
"""

import pytest

from portal.worker import LastmileWorker

outside_transaction = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def require_outside_transaction(request) -> None:
    marker = request.node.get_closest_marker("django_db")
    if not (marker and marker.kwargs.get("transaction") and marker.kwargs.get("serialized_rollback")):
        pytest.fail("Mark the test @outside_transaction (tests/queue.py): it runs work outside a test transaction.")


@pytest.fixture
def task_queue(request, transactional_db, settings):
    require_outside_transaction(request)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def make_worker(**options) -> LastmileWorker:
    """A worker as `lastmile_worker --batch --no-startup-delay` makes it: it runs every task that is
    waiting, then returns."""
    defaults = {
        "queue_names": ["default"],
        "interval": 0,
        "batch": True,
        "backend_name": "default",
        "startup_delay": False,
        "max_tasks": None,
        "worker_id": "test-worker",
        "excluded_queue_names": [],
    }
    return LastmileWorker(**(defaults | options))


def run_worker(**options) -> LastmileWorker:
    worker = make_worker(**options)
    worker.run()
    return worker
