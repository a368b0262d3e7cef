"""Write-back (ADR 20): when a final PDF is downloaded for a CRM deal, or a share link is first
opened, the CRM gets one activity on the deal, if an administrator turned write-back on.

The download only adds a Writeback row in its own transaction (nothing waits for the CRM); the
worker writes it. A Writeback is claimed before the CRM is called, so two workers never write the
same one, and once the CRM has answered with an id it is never written again. Failures retry with
a doubling delay (the CRM's Retry-After when it sends one) and show on the connection page; after
LASTMILE_WRITEBACK_ATTEMPTS the row is given up. One case can still write twice: the CRM wrote the
activity but the answer was lost (a crash, a timeout) before its id was saved."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import F
from django.utils import timezone

from django_tasks import task

from accounts.task_retry import retry_transient_errors

from ..credentials import CredentialsUnavailable
from ..crm.base import CrmError, CrmRateLimited, client_for, is_syncable
from ..models import Channel, DeliveryEvent, Writeback, WritebackState

logger = logging.getLogger(__name__)

WRITTEN_CHANNELS = {Channel.PORTAL_PDF, Channel.SHARE_VIEW, Channel.SHARE_DOWNLOAD}
# How long a claimed write-back is left alone by other workers (longer than any CRM timeout).
CLAIM = timedelta(minutes=5)
MAX_DELAY = timedelta(hours=6)


def writeback_queue(event: DeliveryEvent) -> Writeback | None:
    """A Writeback for `event` when its deal comes from a CRM connection with write-back on; the
    worker writes it after the caller's transaction commits. Never raises: a database problem here
    is logged and the delivery goes on without its activity."""
    deal = event.deal
    if event.channel not in WRITTEN_CHANNELS or deal is None or not deal.external_id or deal.connection_id is None:
        return None
    connection = deal.connection
    if not connection.writeback_enabled or not is_syncable(connection) or not connection.has_credentials:
        return None
    try:
        with transaction.atomic():
            writeback, _ = Writeback.objects.get_or_create(event=event, defaults={"connection": connection})
    except DatabaseError:
        logger.exception("Could not queue the write-back of event %s", event.pk)
        return None
    writeback_id = writeback.pk
    transaction.on_commit(lambda: write_back.enqueue(writeback_id))
    return writeback


def _claim(writeback_id: int, now: datetime) -> bool:
    return (
        Writeback.objects.filter(pk=writeback_id, state=WritebackState.PENDING, next_attempt_at__lte=now).update(
            attempts=F("attempts") + 1, next_attempt_at=now + CLAIM
        )
        == 1
    )


def activity_text(event: DeliveryEvent, prefix: str) -> tuple[str, str]:
    """The activity's subject and body: what left the portal, to whom, when. Plain text."""
    document = event.document
    when = f"{event.occurred_at:%Y-%m-%d %H:%M} UTC"
    if event.channel == Channel.PORTAL_PDF:
        who = (event.user.get_full_name() or event.user.get_username()) if event.user else "Someone"
        subject = f"{prefix} {document.title} downloaded".strip()
        body = f"{who} downloaded the final PDF of “{document.title}” on {when}."
    else:
        link = event.share_link
        recipient = link.recipient_name if link else "The recipient"
        subject = f"{prefix} {document.title} opened by {recipient}".strip()
        body = f"{recipient} first opened “{document.title}” through a share link on {when}."
    body += f"\nLastmile document {document.public_id}, event {event.public_id}."
    return subject[:255], body


def _retry_delay(attempts: int, error: Exception) -> timedelta:
    if isinstance(error, CrmRateLimited) and error.retry_after:
        return min(timedelta(seconds=error.retry_after), MAX_DELAY)
    return min(timedelta(seconds=settings.LASTMILE_WRITEBACK_RETRY_SECONDS * 2 ** (attempts - 1)), MAX_DELAY)


def writeback_attempt(writeback_id: int, *, now: datetime | None = None) -> str | None:
    """Write one activity if it is due and not claimed by another worker; its state afterwards,
    or None when there was nothing to do."""
    now = now or timezone.now()
    if not _claim(writeback_id, now):
        return None
    writeback = Writeback.objects.select_related(
        "connection", "event__deal", "event__document", "event__user", "event__share_link"
    ).get(pk=writeback_id)
    event = writeback.event
    try:
        subject, body = activity_text(event, writeback.connection.writeback_subject)
        remote_id = client_for(writeback.connection).write_activity(
            external_id=event.deal.external_id, subject=subject, body=body, occurred_at=event.occurred_at
        )
    except (CrmError, CredentialsUnavailable) as error:
        given_up = writeback.attempts >= settings.LASTMILE_WRITEBACK_ATTEMPTS
        Writeback.objects.filter(pk=writeback_id).update(
            state=WritebackState.FAILED if given_up else WritebackState.PENDING,
            next_attempt_at=now + _retry_delay(writeback.attempts, error),
            last_error=str(error)[:1000],
        )
        return WritebackState.FAILED if given_up else WritebackState.PENDING
    Writeback.objects.filter(pk=writeback_id).update(
        state=WritebackState.WRITTEN, remote_id=str(remote_id)[:64], written_at=timezone.now(), last_error=""
    )
    return WritebackState.WRITTEN


def writebacks_due(*, now: datetime | None = None) -> int:
    """Attempt every write-back that is due (the schedule's sweep: retries after a delay, and rows
    whose task was lost); returns how many were written."""
    now = now or timezone.now()
    due = Writeback.objects.filter(state=WritebackState.PENDING, next_attempt_at__lte=now).values_list("pk", flat=True)
    return sum(writeback_attempt(pk, now=now) == WritebackState.WRITTEN for pk in list(due[:500]))


@task()
@retry_transient_errors
def write_back(writeback_id: int) -> str:
    state = writeback_attempt(writeback_id)
    if state == WritebackState.PENDING and write_back.get_backend().supports_defer:
        retry_at = Writeback.objects.get(pk=writeback_id).next_attempt_at
        write_back.using(run_after=retry_at).enqueue(writeback_id)
    return state or "not due"
