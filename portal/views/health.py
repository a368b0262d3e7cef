from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from ..selectors import task_queue_health


def healthz(request):
    """For load balancers: the process answers and reaches its database. The task queue is not
    checked here: a stopped worker is no reason to take the web servers out of service."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@never_cache
def healthz_queue(request):
    """For monitoring: 503 when a background task has waited longer than
    LASTMILE_QUEUE_STUCK_SECONDS to start (the worker is down or cannot keep up), or the database
    cannot be read. Counts and durations only: no task names, arguments or error text."""
    try:
        health = task_queue_health()
    except DatabaseError:
        return JsonResponse({"status": "error", "detail": "The database could not be read."}, status=503)
    body = {
        "status": "stuck" if health.is_stuck else "ok",
        "queue": {
            "waiting": health.waiting,
            "oldest_wait_seconds": health.oldest_wait_seconds,
            "stuck_after_seconds": health.stuck_after_seconds,
        },
    }
    return JsonResponse(body, status=503 if health.is_stuck else 200)
