"""Remind brand reviewers of submissions that have waited too long.

Run it from cron (or any scheduler) as often as you like: each round of review waiting longer
than the period (settings.LASTMILE_REVIEW_REMINDER_HOURS, or --hours) gets one reminder, and
another only once a further period has passed since the last (`reminded_at`)."""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from wagtail.models import TaskState

from approvals.models import BrandReviewTaskState, NotificationKind
from approvals.notifications import notify, reviewers_for


def _waited(since, now) -> str:
    hours = int((now - since).total_seconds() // 3600)
    if hours >= 48:
        return f"{hours // 24} days"
    return f"{hours} hour{'' if hours == 1 else 's'}"


def review_reminders_send(*, hours: float, now=None) -> int:
    """Notify the region's reviewers of every round in review for longer than `hours` and not
    reminded within the last `hours`. Returns how many rounds were reminded. Each round is
    locked and checked again before it is reminded, so overlapping runs remind once."""
    now = now or timezone.now()
    cutoff = now - timedelta(hours=hours)
    due = Q(status=TaskState.STATUS_IN_PROGRESS, started_at__lte=cutoff) & (
        Q(reminded_at__isnull=True) | Q(reminded_at__lte=cutoff)
    )
    candidates = BrandReviewTaskState.objects.filter(due, document__deleted_at__isnull=True).values_list(
        "pk", flat=True
    )
    reminded = 0
    for pk in list(candidates):
        with transaction.atomic():
            round_ = (
                BrandReviewTaskState.objects.select_for_update(of=("self",))
                .filter(due, pk=pk)
                .select_related("document__owner", "document__template")
                .first()
            )
            if round_ is None:
                continue
            document = round_.document
            owner = document.owner
            owner_name = owner.get_full_name() or owner.get_username()
            notify(
                reviewers_for(owner),
                kind=NotificationKind.REMINDER,
                title=f"“{document.title}” has waited {_waited(round_.started_at, now)} for review",
                body=f"{owner_name} submitted it on {timezone.localtime(round_.started_at):%d %b %Y at %H:%M} "
                f"({document.template.title}).",
                url=reverse("approvals_admin:review", args=[round_.pk]),
                document=document,
            )
            round_.reminded_at = now
            round_.save(update_fields=["reminded_at"])
            reminded += 1
    return reminded


class Command(BaseCommand):
    help = "Remind brand reviewers of documents waiting for review longer than LASTMILE_REVIEW_REMINDER_HOURS."

    def add_arguments(self, parser):
        parser.add_argument(
            "--hours",
            type=float,
            default=None,
            help="Override the waiting time (and the time between reminders), in hours.",
        )

    def handle(self, *args, hours=None, **options):
        hours = settings.LASTMILE_REVIEW_REMINDER_HOURS if hours is None else hours
        if hours <= 0:
            raise CommandError("--hours must be more than 0.")
        count = review_reminders_send(hours=hours)
        self.stdout.write(
            f"Sent reminders for {count} submission{'' if count == 1 else 's'} waiting longer than {hours:g} hours."
        )
