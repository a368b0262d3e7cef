"""The weekly record: built once per week and region (and once for the whole company), mailed once
to those subscribed, after the transaction commits, by the task worker (reports.tasks)."""

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Region, User

from ..models import DECIDED_MAX_CHARS, WeeklyRecord, WeeklyRecordMail, WeeklyRecordSubscription
from ..selectors.weekly import may_see_region_record, week_of, weekly_figures
from ..tasks import send_weekly_record_mail


class WeeklyRecordError(Exception):
    """What the user asked for cannot be done; the message says why."""


@dataclass(frozen=True)
class Built:
    record: WeeklyRecord
    created: bool


def _check_week(week_start: datetime.date) -> None:
    if week_start != week_of(week_start):
        raise WeeklyRecordError(f"A week starts on a Monday; {week_start:%A %d %B %Y} is not one.")
    if week_start + datetime.timedelta(days=7) > timezone.localdate():
        raise WeeklyRecordError(f"The week of {week_start:%d %B %Y} has not ended yet.")


def weekly_record_build(*, week_start: datetime.date, region: Region | None) -> Built:
    """The record of this week and region, built now if it does not exist yet. Two runs at once
    build one record: the database's constraint decides, and the loser reads the winner's.
    WeeklyRecordError for a date that is not a Monday or a week that has not ended."""
    _check_week(week_start)
    existing = WeeklyRecord.objects.filter(week_start=week_start, region=region).first()
    if existing is not None:
        return Built(record=existing, created=False)
    figures = weekly_figures(week_start=week_start, region_id=region.pk if region else None)
    try:
        with transaction.atomic():
            record = WeeklyRecord.objects.create(
                week_start=week_start,
                region=region,
                figures=figures,
                has_activity=figures["has_activity"],
                built_at=timezone.now(),
            )
    except IntegrityError:
        return Built(record=WeeklyRecord.objects.get(week_start=week_start, region=region), created=False)
    return Built(record=record, created=True)


def weekly_records_build(*, week_start: datetime.date) -> list[Built]:
    """The whole company's record of the week, then each region's."""
    built = [weekly_record_build(week_start=week_start, region=None)]
    built += [weekly_record_build(week_start=week_start, region=region) for region in Region.objects.order_by("name")]
    return built


@transaction.atomic
def weekly_record_rebuild(*, record: WeeklyRecord, user: User) -> WeeklyRecord:
    """Replace the record's figures with the data as it is now (what was decided is kept).
    PermissionError unless `user` may rebuild records (marketing analysts)."""
    if not can_rebuild_weekly_records(user):
        raise PermissionError("Only marketing analysts rebuild weekly records.")
    record = WeeklyRecord.objects.select_for_update().get(pk=record.pk)
    figures = weekly_figures(week_start=record.week_start, region_id=record.region_id)
    record.figures = figures
    record.has_activity = figures["has_activity"]
    record.built_at = timezone.now()
    record.built_by = user
    record.save(update_fields=["figures", "has_activity", "built_at", "built_by"])
    return record


def can_rebuild_weekly_records(user: User) -> bool:
    return user.is_superuser or user.has_perm("reports.change_reportsettings")


@transaction.atomic
def weekly_record_decide(*, record: WeeklyRecord, text: str, user: User) -> WeeklyRecord:
    """Save what the meeting decided, with who and when. WeeklyRecordError when too long."""
    text = text.replace("\r\n", "\n").strip()
    if len(text) > DECIDED_MAX_CHARS:
        raise WeeklyRecordError(f"Keep it under {DECIDED_MAX_CHARS:,} characters (this is {len(text):,}).")
    record = WeeklyRecord.objects.select_for_update().get(pk=record.pk)
    record.decided = text
    record.decided_by = user
    record.decided_at = timezone.now()
    record.save(update_fields=["decided", "decided_by", "decided_at"])
    return record


def is_subscribed(*, user: User, region: Region | None) -> bool:
    return WeeklyRecordSubscription.objects.filter(user=user, region=region).exists()


def weekly_subscription_set(*, user: User, region: Region | None, subscribed: bool) -> bool:
    """Turn `user`'s email of this region's record (none: the whole company's) on or off; returns
    whether it is on. PermissionError for a record the user may not read."""
    if not may_see_region_record(user, region.pk if region else None):
        raise PermissionError
    if not subscribed:
        WeeklyRecordSubscription.objects.filter(user=user, region=region).delete()
        return False
    try:
        with transaction.atomic():
            WeeklyRecordSubscription.objects.get_or_create(user=user, region=region)
    except IntegrityError:
        pass  # turned on twice at once: it is on
    return True


def weekly_record_recipients(record: WeeklyRecord) -> list[User]:
    """Subscribed, active, with an email address, and still allowed to read this record."""
    users = User.objects.filter(
        pk__in=WeeklyRecordSubscription.objects.filter(region=record.region_id).values("user_id"), is_active=True
    ).exclude(email="")
    return [user for user in users.order_by("pk") if may_see_region_record(user, record.region_id)]


@transaction.atomic
def weekly_record_send(*, record: WeeklyRecord) -> list[WeeklyRecordMail]:
    """Mail the record to those subscribed, once: the record is locked and marked sent, so a second
    run (or two at once) sends nothing. Nothing is sent for a week without activity. The mail
    goes out from the task worker after commit."""
    record = WeeklyRecord.objects.select_for_update().get(pk=record.pk)
    if record.sent_at is not None or not record.has_activity:
        return []
    recipients = weekly_record_recipients(record)
    record.sent_at = timezone.now()
    record.save(update_fields=["sent_at"])
    mails = WeeklyRecordMail.objects.bulk_create(WeeklyRecordMail(record=record, recipient=user) for user in recipients)
    ids = [mail.pk for mail in mails]
    if ids:
        transaction.on_commit(lambda: send_weekly_record_mail.enqueue(ids))
    return mails
