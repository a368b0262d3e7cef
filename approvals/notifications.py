"""Telling people: a portal notification for each recipient and an email through Django's mail
framework (the console backend in development). Sent after the transaction commits, so a
decision that rolls back tells nobody; a mail failure is logged and never undoes a decision."""

import logging
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q

from .models import Notification

logger = logging.getLogger(__name__)


def absolute_url(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def notify(recipients: Iterable, *, kind: str, title: str, body: str = "", url: str = "", document=None) -> None:
    recipients = [user for user in recipients if user is not None and user.is_active]
    if not recipients:
        return
    Notification.objects.bulk_create(
        Notification(recipient=user, kind=kind, title=title[:200], body=body, url=url, document=document)
        for user in recipients
    )
    addresses = [user.email for user in recipients if user.email]
    message = f"{body}\n\n{absolute_url(url)}" if url else body

    def send():
        for address in addresses:
            try:
                send_mail(f"[Lastmile] {title}", message, None, [address])
            except Exception:
                logger.exception("Could not send the notification %r to %s", title, address)

    transaction.on_commit(send)


def reviewers_for(owner):
    """Active members of the review task's groups whose review regions include the owner's region
    (reviewers without regions review every region)."""
    from .workflow import review_task

    task = review_task()
    group_ids = list(task.groups.values_list("pk", flat=True)) if task else []
    region_id = owner.effective_region_id if owner is not None else None
    in_scope = Q(review_regions__isnull=True)
    if region_id is not None:
        in_scope |= Q(review_regions=region_id)
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__in=group_ids, organisation__isnull=True)
        .filter(in_scope)
        .distinct()
    )
