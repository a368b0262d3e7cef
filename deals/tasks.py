"""Background work of the deals app, run by the task worker (`manage.py lastmile_worker`).

Deal imports: large files are previewed and committed in the background while the import's page
shows the progress. CRM connections (ADR 20): syncs (now, and on the worker's schedule), webhook
deliveries and write-back activities. Those tasks are defined beside their service (deals/services/imports.py), which
queues them; they are gathered here so the worker's tasks are found in one place."""

from django_tasks import task

from accounts.task_retry import retry_transient_errors

from .services.crm_sync import sync_connection, sync_due_connections
from .services.imports import commit_deal_import, preview_deal_import
from .services.share_links import share_summaries_send
from .services.share_throttle import share_rate_counters_prune
from .services.webhooks import process_webhook_deliveries
from .services.writeback import write_back

__all__ = [
    "commit_deal_import",
    "preview_deal_import",
    "process_webhook_deliveries",
    "send_share_summaries",
    "sync_connection",
    "sync_due_connections",
    "write_back",
]


@task()
@retry_transient_errors
def send_share_summaries() -> int:
    """The daily summary of share-link opens (see share_summaries_send); returns owners told.
    Safe to run again: each owner's opens are summarised once."""
    told = share_summaries_send()
    share_rate_counters_prune()
    return told
