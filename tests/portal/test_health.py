"""Health checks (portal/views/health.py): /healthz for load balancers (the process answers and
reaches its database) and /healthz/queue for monitoring (no background task waits too long to
start, i.e. the worker is running and keeping up)."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

import pytest
from django_tasks_db.models import DBTaskResult

from accounts.tasks import send_password_reset_email


@pytest.fixture
def database_queue(settings, db):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.LASTMILE_QUEUE_STUCK_SECONDS = 300


def _waiting_task(*, waited: timedelta):
    result = send_password_reset_email.enqueue("dana@example.com")
    DBTaskResult.objects.filter(pk=result.id).update(enqueued_at=timezone.now() - waited)
    return result


def test_an_empty_queue_is_healthy(client, database_queue):
    response = client.get(reverse("healthz-queue"))

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "queue": {"waiting": 0, "oldest_wait_seconds": None, "stuck_after_seconds": 300},
    }


def test_a_task_waiting_less_than_the_limit_is_healthy(client, database_queue):
    _waiting_task(waited=timedelta(seconds=290))

    response = client.get(reverse("healthz-queue"))

    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["queue"]["waiting"] == 1


def test_a_task_waiting_longer_than_the_limit_means_a_stuck_queue(client, database_queue):
    _waiting_task(waited=timedelta(seconds=20))
    _waiting_task(waited=timedelta(seconds=400))

    response = client.get(reverse("healthz-queue"))

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "stuck"
    assert body["queue"]["waiting"] == 2
    assert 400 <= body["queue"]["oldest_wait_seconds"] < 410


def test_running_and_finished_tasks_are_not_waiting(client, database_queue):
    for status in ("RUNNING", "SUCCESSFUL", "FAILED"):
        result = _waiting_task(waited=timedelta(hours=2))
        DBTaskResult.objects.filter(pk=result.id).update(status=status)

    response = client.get(reverse("healthz-queue"))

    assert response.status_code == 200
    assert response.json()["queue"]["waiting"] == 0


def test_a_deferred_task_waits_from_the_time_it_may_run(client, database_queue):
    result = send_password_reset_email.using(run_after=timezone.now() - timedelta(seconds=10)).enqueue("a@example.com")
    DBTaskResult.objects.filter(pk=result.id).update(enqueued_at=timezone.now() - timedelta(days=1))

    response = client.get(reverse("healthz-queue"))

    assert response.status_code == 200
    assert 10 <= response.json()["queue"]["oldest_wait_seconds"] < 20


def test_the_answer_names_no_task_and_is_never_cached(client, database_queue):
    _waiting_task(waited=timedelta(seconds=400))

    response = client.get(reverse("healthz-queue"))

    assert "dana@example.com" not in response.text
    assert "send_password_reset_email" not in response.text
    assert "no-cache" in response["Cache-Control"]


def test_the_queue_check_is_one_query(client, database_queue, django_assert_num_queries):
    _waiting_task(waited=timedelta(seconds=400))

    with django_assert_num_queries(1):
        client.get(reverse("healthz-queue"))


def test_without_the_database_task_backend_there_is_no_queue_to_watch(client, db):
    response = client.get(reverse("healthz-queue"))  # the test settings run tasks at once

    assert response.status_code == 200
    assert response.json()["queue"]["waiting"] == 0
