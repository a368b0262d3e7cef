"""Background work of the approval loop, run by the task worker (`manage.py lastmile_worker`): final
PDFs rendered ahead of their download, and notification mail sent outside the request. A transient
database error makes a task run again (`retry_transient_errors`); the mail task reads everything
before it sends anything, so a retry never sends twice."""

import logging

from django.apps import apps
from django.core.mail import send_mail
from django.db import transaction

from django_tasks import task

from accounts.links import absolute_url
from accounts.task_retry import retry_transient_errors
from brand.text import single_line
from templates_lib.models import CollateralDocument
from templates_lib.rendering.cache import render_pdf_cached
from templates_lib.rendering.profile import Profile

from .models import Notification
from .output import final_output, final_output_refusal

logger = logging.getLogger(__name__)


@task()
@retry_transient_errors
def render_final_pdf(document_id: int, profile: str, deal_id: int | None = None) -> str:
    """Render a document's final PDF (its approved content, with the deal tokens of `deal_id`) into
    the render cache; return its storage name. Fails, with the reason, when the document has no
    final output any more."""
    document = CollateralDocument.objects.select_related("owner", "template", "live_revision").get(pk=document_id)
    # The deals app sits above this one: its model is looked up by name, never imported.
    deal = apps.get_model("deals", "Deal").objects.get(pk=deal_id) if deal_id is not None else None
    return render_pdf_cached(final_output(document, profile=profile, deal=deal).job)


def final_render_queue(document: CollateralDocument, *, profile: str = Profile.DIGITAL) -> None:
    """After the surrounding transaction commits, render the document's final PDF in the background,
    so the download that usually follows a save is served from the cache (the PDF for email and
    screen, the portal's default download). Nothing is queued for a
    document without approved content."""
    if final_output_refusal(document):
        return
    document_id = document.pk
    transaction.on_commit(lambda: render_final_pdf.enqueue(document_id, profile))


@task()
@retry_transient_errors
def send_notification_mail(notification_ids: list[int]) -> int:
    """Email each notification to its recipient; returns how many went out. A failure is logged
    per address and does not stop the others."""
    sent = 0
    for notification in Notification.objects.filter(pk__in=notification_ids).select_related("recipient"):
        address = notification.recipient.email
        if not address:
            continue
        body = notification.body
        message = f"{body}\n\n{absolute_url(notification.url)}" if notification.url else body
        try:
            send_mail(f"[Lastmile] {single_line(notification.title)}", message, None, [address])
        except Exception:
            logger.exception("Could not send the notification %r to %s", notification.title, address)
            continue
        sent += 1
    return sent
