"""Telling people: a portal notification for each recipient and an email through Django's mail
framework (the console backend in development). Mail goes out from the task worker after the
transaction commits, so a decision that rolls back tells nobody, the request never waits for a
mail server, and a mail failure is logged and never undoes a decision."""

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q, QuerySet

from .models import Notification
from .tasks import send_notification_mail
from .workflow import review_task


def notify(
    recipients: Iterable, *, kind: str, title: str, body: str = "", url: str = "", document=None
) -> list[Notification]:
    """A notification for each active recipient, and its email queued after commit."""
    recipients = [user for user in recipients if user is not None and user.is_active]
    if not recipients:
        return []
    notifications = Notification.objects.bulk_create(
        Notification(recipient=user, kind=kind, title=title[:200], body=body, url=url, document=document)
        for user in recipients
    )
    ids = [notification.pk for notification in notifications]
    transaction.on_commit(lambda: send_notification_mail.enqueue(ids))
    return notifications


def reviewers_for(owner) -> QuerySet:
    """Active members of the review task's groups whose review regions include the owner's region
    (reviewers without regions review every region)."""
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
