"""Background work of the deals app, run by the task worker (`manage.py lastmile_worker`)."""

from django_tasks import task

from accounts.task_retry import retry_transient_errors

from .services.share_links import share_summaries_send


@task()
@retry_transient_errors
def send_share_summaries() -> int:
    """The daily summary of share-link opens (see share_summaries_send); returns owners told.
    Safe to run again: each owner's opens are summarised once."""
    return share_summaries_send()
