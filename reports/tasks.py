"""Background work of the reports, run by the task worker (`manage.py lastmile_worker`): the weekly
record's mail. A transient database error makes the task run again (`retry_transient_errors`);
each mail is marked as it goes out, under a row lock, so a retry never sends one twice."""

import logging

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from django_tasks import task

from accounts.links import absolute_url
from accounts.task_retry import retry_transient_errors
from brand.text import single_line

from .models import WeeklyRecordMail
from .selectors.weekly import record_context

logger = logging.getLogger(__name__)


def weekly_record_message(mail: WeeklyRecordMail) -> EmailMultiAlternatives:
    """The record as a plain-text mail with an HTML alternative, linking to its admin page."""
    record = mail.record
    context = {
        **record_context(record),
        "recipient": mail.recipient,
        "url": absolute_url(reverse("lastmile_reports_weekly:detail", args=[record.pk])),
    }
    subject = single_line(f"[Lastmile] Weekly record: {record}")
    message = EmailMultiAlternatives(
        subject, render_to_string("reports/weekly/email.txt", context), None, [mail.recipient.email]
    )
    message.attach_alternative(render_to_string("reports/weekly/email.html", context), "text/html")
    return message


@task()
@retry_transient_errors
def send_weekly_record_mail(mail_ids: list[int]) -> int:
    """Send each weekly record mail not sent yet; returns how many went out. A failure is logged
    per address and does not stop the others."""
    sent = 0
    for mail_id in mail_ids:
        with transaction.atomic():
            mail = (
                WeeklyRecordMail.objects.select_for_update(of=("self",))
                .select_related("record__region", "record__decided_by", "recipient")
                .filter(pk=mail_id, mailed_at__isnull=True)
                .first()
            )
            if mail is None or not mail.recipient.email:
                continue
            try:
                weekly_record_message(mail).send()
            except Exception:
                logger.exception("Could not send the weekly record %s to %s", mail.record_id, mail.recipient.email)
                continue
            mail.mailed_at = timezone.now()
            mail.save(update_fields=["mailed_at"])
            sent += 1
    return sent
