"""The "preparing" page of a download rendered in the background (portal/views/downloads.py,
`document_render_status`, and `RenderProgress` in portal/presenters.py): it reports a failed render
with a message meant for the user and a way to try again, and it never polls for ever."""

from datetime import timedelta

from django.urls import reverse

import pytest
from django_tasks.base import TaskError
from django_tasks_db.compat import task_started
from django_tasks_db.models import DBTaskResult

from approvals.services import document_create
from portal.presenters import RenderProgress, render_failure_message
from portal.views import downloads

from ..factories.templates_lib import make_template
from ..locks import sqlite_only
from ..queue import outside_transaction, run_worker


@pytest.fixture
def brochure(rep, brand_kit, monkeypatch):
    """A document whose final PDF renders in the background, as the multi-page layouts do."""
    monkeypatch.setattr(downloads, "renders_in_background", lambda document: True)
    return document_create(template=make_template(), owner=rep, values={}, check_fit=False)


def _download(client, document):
    return client.get(reverse("portal:document-download", args=[document.public_id]) + "?profile=print")


def _status(client, document):
    return client.get(reverse("portal:document-status", args=[document.public_id]) + "?profile=print")


def _try_again_link(document) -> str:
    return f'href="{reverse("portal:document-download", args=[document.public_id])}?profile=print"'


@sqlite_only
@outside_transaction
def test_a_render_that_keeps_meeting_a_locked_database_ends_failed_and_the_page_says_so(
    rep_client, brochure, task_queue, lock_database, monkeypatch, settings
):
    settings.LASTMILE_TASK_ATTEMPTS = 3
    task_sleeps, worker_sleeps, locks = [], [], []
    monkeypatch.setattr("accounts.task_retry.sleep", task_sleeps.append)
    monkeypatch.setattr("portal.worker.sleep", lambda seconds: (worker_sleeps.append(seconds), locks[0].release()))

    def lock_when_it_starts(sender, task_result, **kwargs):
        locks.append(lock_database())

    _download(rep_client, brochure)
    task_started.connect(lock_when_it_starts)
    try:
        run_worker()
    finally:
        task_started.disconnect(lock_when_it_starts)
    status = _status(rep_client, brochure)

    result = DBTaskResult.objects.get()
    assert (result.status, result.exception_class_path) == ("FAILED", "django.db.utils.OperationalError")
    assert len(task_sleeps) == 2  # three attempts in all
    assert len(worker_sleeps) == 1  # the failure itself waited for the lock to go
    assert RenderProgress.BUSY in status.text
    assert _try_again_link(brochure) in status.text
    assert "hx-get" not in status.text


@outside_transaction
def test_a_render_still_waiting_for_the_worker_keeps_polling(rep_client, brochure, task_queue):
    _download(rep_client, brochure)

    status = _status(rep_client, brochure)

    assert 'role="progressbar"' in status.text
    assert "hx-get" in status.text


@outside_transaction
def test_a_render_waiting_far_too_long_stops_polling_and_says_so(rep_client, brochure, task_queue, settings):
    _download(rep_client, brochure)
    DBTaskResult.objects.update(enqueued_at=DBTaskResult.objects.get().enqueued_at - timedelta(seconds=301))
    settings.LASTMILE_QUEUE_STUCK_SECONDS = 300

    status = _status(rep_client, brochure)

    assert RenderProgress.STUCK in status.text
    assert _try_again_link(brochure) in status.text
    assert "hx-get" not in status.text


@outside_transaction
def test_a_render_left_running_by_a_stopped_worker_ends_failed_and_says_so(rep_client, brochure, task_queue):
    _download(rep_client, brochure)
    DBTaskResult.objects.update(status="RUNNING", worker_ids=["test-worker"])
    run_worker()  # the same worker id, started again by its supervisor

    status = _status(rep_client, brochure)

    assert RenderProgress.STOPPED in status.text
    assert _try_again_link(brochure) in status.text


@outside_transaction
def test_no_render_queued_in_this_session_offers_to_try_again_instead_of_polling(rep_client, brochure, task_queue):
    status = _status(rep_client, brochure)

    assert RenderProgress.NOT_QUEUED in status.text
    assert _try_again_link(brochure) in status.text
    assert "hx-get" not in status.text


@outside_transaction
def test_trying_again_queues_a_new_render(rep_client, brochure, task_queue):
    _download(rep_client, brochure)
    DBTaskResult.objects.update(status="FAILED", exception_class_path="django.db.utils.OperationalError")

    _download(rep_client, brochure)
    status = _status(rep_client, brochure)

    assert DBTaskResult.objects.filter(status="READY").count() == 1
    assert "hx-get" in status.text


@pytest.mark.parametrize(
    ("exception_class_path", "message"),
    [
        ("django.db.utils.OperationalError", RenderProgress.BUSY),
        ("django.db.utils.InterfaceError", RenderProgress.BUSY),
        ("portal.worker.WorkerStoppedError", RenderProgress.STOPPED),
        ("templates_lib.models.document.CollateralDocument.DoesNotExist", RenderProgress.PROBLEM),
        ("builtins.MemoryError", RenderProgress.PROBLEM),
        ("no.such.module.Error", RenderProgress.PROBLEM),
    ],
)
def test_a_failure_is_told_by_its_kind_never_by_its_own_text(exception_class_path, message):
    error = TaskError(exception_class_path=exception_class_path, traceback=f"{exception_class_path}: secret details\n")

    assert render_failure_message(error) == message


def test_a_content_failure_is_told_in_the_words_written_for_users():
    error = TaskError(
        exception_class_path="templates_lib.rendering.errors.RenderError",
        traceback="Traceback (most recent call last):\n  ...\n"
        "templates_lib.rendering.errors.RenderError: The document has 30 pages; the limit is 24.\n",
    )

    assert render_failure_message(error) == (
        "The PDF could not be made: The document has 30 pages; the limit is 24. "
        "Open the document, check the fields marked in red, and try again."
    )
