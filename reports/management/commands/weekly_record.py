"""`manage.py weekly_record`: build the weekly record of the last complete week (or `--week`), for
the whole company and each region, and mail each to those subscribed. For cron, every Monday:

    manage.py weekly_record                  # the week that ended yesterday (Monday to Sunday)
    manage.py weekly_record --week 2026-11-23
    manage.py weekly_record --no-send        # build only

Running it twice builds and sends nothing new: records are built once per week and region, and
mailed once. The mail goes out from the task worker."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from reports.selectors.weekly import last_complete_week, week_of
from reports.services.weekly import WeeklyRecordError, weekly_record_send, weekly_records_build


def iso_day(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--week takes a date such as 2026-11-23, not “{value[:40]}”.") from exc


class Command(BaseCommand):
    help = "Build (and mail) the weekly record of the last complete week, or of --week."

    def add_arguments(self, parser):
        parser.add_argument("--week", help="A day of the week to record (YYYY-MM-DD); its Monday is used.")
        parser.add_argument("--no-send", action="store_true", help="Build the records, mail nobody.")

    def handle(self, *args, week=None, no_send=False, **options):
        week_start = week_of(iso_day(week)) if week else last_complete_week()
        self.stdout.write(f"Week of {week_start:%Y-%m-%d} to {week_start + datetime.timedelta(days=6):%Y-%m-%d}")
        try:
            built = weekly_records_build(week_start=week_start)
        except WeeklyRecordError as exc:
            raise CommandError(str(exc)) from exc
        for item in built:
            record = item.record
            scope = record.region.name if record.region_id else "whole company"
            state = "built" if item.created else "already built"
            if not record.has_activity:
                line = f"{scope}: {state}, no activity, not mailed"
            elif no_send:
                line = f"{scope}: {state}, not mailed (--no-send)"
            elif record.sent_at is not None:
                line = f"{scope}: {state}, already mailed"
            else:
                mails = weekly_record_send(record=record)
                line = f"{scope}: {state}, mailed to {len(mails)} subscriber{'s' if len(mails) != 1 else ''}"
            self.stdout.write(line)
