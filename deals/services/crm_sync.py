"""CRM sync (ADR 20): polling from a stored cursor is the baseline, webhooks only ask for a fetch.

A sync takes the connection's lease (one sync per connection at a time: a second one skips),
applies the client's pages one by one, each in its own transaction together with the cursor it
ends at, so a failure anywhere leaves every applied page and its cursor and nothing half-written:
the next sync resumes there. Every value from the CRM goes through the CSV import's row rules
(lengths, emails, amounts, currencies, dates); a deal they refuse is skipped and named on the
connection page, never half-saved."""

import functools
import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from django_tasks import task

from accounts.models import User
from accounts.task_retry import retry_transient_errors

from ..audit import audit
from ..credentials import CredentialsUnavailable
from ..crm.base import CLIENTS, CrmClient, CrmError, RemoteDeal, client_for
from ..imports.formats import DateFormat, NumberFormat
from ..imports.mapping import FIELDS
from ..imports.rows import RowContext, row_values
from ..models import Connection, Deal, Outcome, SyncRun, SyncState, SyncTrigger
from .stages import stage_for
from .upserts import owner_lookup, upsert_deals
from .writeback import writebacks_due

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=10)
LISTED_PROBLEMS = 20
_REMOTE_FIELDS = {"owner": "owner_email"}


class SyncUnavailable(Exception):
    """The connection cannot sync (no credentials, not a CRM): said in plain words."""


def _lease_take(connection: Connection) -> bool:
    now = timezone.now()
    taken = Connection.objects.filter(
        Q(sync_lease_until__isnull=True) | Q(sync_lease_until__lt=now), pk=connection.pk
    ).update(sync_lease_until=now + LEASE)
    return taken == 1


def _lease_release(connection: Connection) -> None:
    Connection.objects.filter(pk=connection.pk).update(sync_lease_until=None)


class DealConverter:
    """RemoteDeal → (external id, deal values) by the CSV import's row rules. The stage goes
    through the connection's mapping; while a stage is not mapped, the deal keeps the outcome the
    CRM gives it and the stage is listed for an administrator to map."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.context = RowContext(
            header=list(FIELDS.values()),
            columns={name: index for index, name in enumerate(FIELDS)},
            number_format=NumberFormat.DECIMAL_POINT,
            date_format=DateFormat.ISO,
            is_salesforce_ids=False,
            default_currency="",
            stage_lookup=lambda value: None,
            outcome_of=lambda stage: Outcome.OPEN,
            owner_lookup=owner_lookup(connection.organisation_id),
        )
        self.stage_of = functools.cache(lambda value: stage_for(connection, value))
        self.unmapped_stages: Counter = Counter()
        self.problems: list[str] = []

    def convert(self, remote: RemoteDeal) -> tuple[str, dict] | None:
        fields = asdict(remote)
        cells = ["" if name == "stage" else str(fields.get(_REMOTE_FIELDS.get(name, name)) or "") for name in FIELDS]
        checked = row_values(0, cells, self.context)
        if isinstance(checked, list):
            reasons = "; ".join(f"{error.column}: {error.message}" for error in checked)
            self.problems.append(f"{remote.external_id[:64]}: {reasons}")
            return None
        external_id, values = checked
        stage_value = " ".join(remote.stage.split())[:255]
        stage = self.stage_of(stage_value) if stage_value else None
        if stage_value and stage is None:
            self.unmapped_stages[stage_value] += 1
        outcome = stage.category if stage else (remote.outcome if remote.outcome in Outcome.values else Outcome.OPEN)
        close = values["expected_close_date"] or values["close_date"]
        values.update(
            stage_id=stage.pk if stage else None,
            source_stage=stage_value,
            outcome=outcome,
            close_date=None if outcome == Outcome.OPEN else close,
            expected_close_date=close if outcome == Outcome.OPEN else None,
        )
        return external_id, values


def _apply(
    connection: Connection, converter: DealConverter, deals: Iterable[RemoteDeal], deleted: list[str]
) -> Counter:
    """Write one page: the deals (created, changed, brought back if they had been deleted) and the
    deletions. The caller holds the transaction."""
    rows: dict[str, dict] = {}
    counts: Counter = Counter()
    for remote in deals:
        converted = converter.convert(remote)
        if converted is None:
            counts["skipped"] += 1
            continue
        rows[converted[0]] = converted[1]
    if rows:
        counts += upsert_deals(
            connection=connection,
            source=connection.kind,
            organisation_id=connection.organisation_id,
            created_by_id=None,
            rows=rows,
        )
        Deal.objects.filter(connection=connection, external_id__in=list(rows), deleted_at__isnull=False).update(
            deleted_at=None, updated_at=timezone.now()
        )
    if deleted:
        now = timezone.now()
        counts["deleted"] += Deal.objects.filter(
            connection=connection, external_id__in=deleted, deleted_at__isnull=True
        ).update(deleted_at=now, updated_at=now)
    return counts


_SAID_IN_PLAIN_WORDS = (CrmError, CredentialsUnavailable, SyncUnavailable)


def _plain_error(connection: Connection, error: Exception) -> str:
    """What the connection page says about `error`; anything unexpected goes to the server log
    instead (its text may hold what the CRM sent, or worse)."""
    if isinstance(error, _SAID_IN_PLAIN_WORDS):
        return str(error)
    logger.error("Sync of connection %s failed", connection.pk, exc_info=error)
    return "The sync stopped on an unexpected error; the server log has the details. It resumes from its last page."


def _record(run: SyncRun, counts: Counter, converter: DealConverter) -> None:
    for name in ("created", "changed", "unchanged", "deleted", "skipped"):
        setattr(run, name, getattr(run, name) + counts[name])
    run.problems = {
        "skipped": converter.problems[:LISTED_PROBLEMS],
        "unmapped_stages": dict(converter.unmapped_stages.most_common(LISTED_PROBLEMS)),
    }


def _client(connection: Connection) -> CrmClient:
    try:
        return client_for(connection)
    except CrmError as error:
        raise SyncUnavailable(str(error)) from None


def connection_sync(connection: Connection, *, trigger: str = SyncTrigger.MANUAL) -> SyncRun | None:
    """Bring the connection's deals up to date from its cursor; None when another sync of it is
    running (that one does the work). The run records counts, and any error in plain words."""
    if not _lease_take(connection):
        return None
    run = SyncRun.objects.create(connection=connection, trigger=trigger)
    converter = DealConverter(connection)
    try:
        client = _client(connection)
        for page in client.pages(dict(connection.sync_state or {})):
            with transaction.atomic():
                counts = _apply(connection, converter, page.deals, page.deleted)
                Connection.objects.filter(pk=connection.pk).update(
                    sync_state=page.state, sync_lease_until=timezone.now() + LEASE
                )
                _record(run, counts, converter)
                run.save()
            connection.sync_state = page.state
    except Exception as error:
        _finish(connection, run, error=_plain_error(connection, error))
        return run
    _finish(connection, run)
    return run


def _finish(connection: Connection, run: SyncRun, *, error: str = "") -> None:
    now = timezone.now()
    run.state, run.error, run.finished_at = (SyncState.FAILED if error else SyncState.SUCCEEDED), error, now
    run.save()
    updates = {"last_sync_at": now, "sync_lease_until": None}
    if error:
        updates |= {"last_error": error, "last_error_at": now}
    else:
        updates |= {"last_success_at": now, "last_error": ""}
    Connection.objects.filter(pk=connection.pk).update(**updates)
    for name, value in updates.items():
        setattr(connection, name, value)


def connection_fetch(
    connection: Connection, external_ids: list[str], *, trigger: str = SyncTrigger.WEBHOOK
) -> SyncRun | None:
    """Fetch the named deals now (a webhook said they changed) and apply them; the cursor is left
    alone, so the next poll still sees them. None when a sync of the connection is running (it
    will pick the changes up)."""
    external_ids = list(dict.fromkeys(str(external_id)[:64] for external_id in external_ids if external_id))[
        : settings.LASTMILE_API_BATCH_MAX
    ]
    if not external_ids or not _lease_take(connection):
        return None
    run = SyncRun.objects.create(connection=connection, trigger=trigger)
    converter = DealConverter(connection)
    try:
        deals = _client(connection).fetch(external_ids)
        with transaction.atomic():
            counts = _apply(connection, converter, deals, [])
            _record(run, counts, converter)
            run.save()
    except Exception as error:
        _finish(connection, run, error=_plain_error(connection, error))
        return run
    _finish(connection, run)
    return run


def _same_account(kind: str, stored: str, found: str) -> bool:
    # Salesforce ids come in 15- and 18-character forms of the same id.
    return stored[:15] == found[:15] if kind == "salesforce" else stored == found


def connection_test(connection: Connection, *, by: User | None = None) -> str:
    """Ask the CRM who we are connected to; stores and returns its account id. Credentials that
    open another account than the one this connection was set up with are refused (its deals
    would be mixed with another CRM's): remove the credentials first to move it. Raises
    SyncUnavailable or CrmError with a plain message."""
    try:
        account_id = str(_client(connection).check())[:64]
    except CredentialsUnavailable as error:
        raise SyncUnavailable(str(error)) from None
    finally:
        audit(connection, "lastmile.connection.tested", user=by)
    stored = connection.remote_account_id
    if stored and not _same_account(connection.kind, stored, account_id):
        raise SyncUnavailable(
            f"These credentials open account {account_id}, but this connection's deals come from account "
            f"{stored}. To move the connection to another account, remove its credentials first."
        )
    Connection.objects.filter(pk=connection.pk).update(remote_account_id=account_id)
    connection.remote_account_id = account_id
    return account_id


def connections_due(*, now: datetime | None = None) -> list[Connection]:
    """Enabled CRM connections whose last sync is older than LASTMILE_CRM_SYNC_MINUTES."""
    now = now or timezone.now()
    cutoff = now - timedelta(minutes=settings.LASTMILE_CRM_SYNC_MINUTES)
    return list(
        Connection.objects.filter(sync_enabled=True, kind__in=list(CLIENTS))
        .exclude(credentials_sealed="")
        .filter(Q(last_sync_at__isnull=True) | Q(last_sync_at__lte=cutoff))
    )


def connections_sync_due(*, trigger: str = SyncTrigger.SCHEDULE) -> list[SyncRun]:
    return [run for connection in connections_due() if (run := connection_sync(connection, trigger=trigger))]


def connection_sync_queue(connection: Connection, *, trigger: str = SyncTrigger.MANUAL, by: User | None = None) -> None:
    """Run a sync of `connection` in the worker once the current transaction commits ("Sync now")."""
    if by is not None:
        audit(connection, "lastmile.connection.sync_requested", user=by)
    connection_id = connection.pk
    transaction.on_commit(lambda: sync_connection.enqueue(connection_id, trigger))


@task()
@retry_transient_errors
def sync_connection(connection_id: int, trigger: str = SyncTrigger.MANUAL) -> str:
    connection = Connection.objects.filter(pk=connection_id).first()
    if connection is None:
        return "gone"
    run = connection_sync(connection, trigger=trigger)
    return run.state if run else SyncState.SKIPPED


@task()
@retry_transient_errors
def sync_due_connections() -> int:
    """The worker's schedule: sync every connection that is due, then queue itself again for the
    next period (the worker queues the first one when it starts, if none is waiting)."""
    try:
        synced = len(connections_sync_due())
        writebacks_due()
        return synced
    finally:
        sync_schedule_ensure(after=timedelta(minutes=settings.LASTMILE_CRM_SYNC_MINUTES))


def sync_schedule_ensure(*, after: timedelta = timedelta(0)) -> bool:
    """Queue `sync_due_connections` to run after `after` unless one is already waiting; True when
    one was queued. Only a backend that can defer a task (the database one) keeps a schedule."""
    from django_tasks_db.models import DBTaskResult

    if not sync_due_connections.get_backend().supports_defer:
        return False
    if DBTaskResult.objects.filter(status="READY", task_path=sync_due_connections.module_path).exists():
        return False
    sync_due_connections.using(run_after=timezone.now() + after).enqueue()
    return True
