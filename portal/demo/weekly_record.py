"""Demo weekly records: the last two complete weeks, for the whole company and each region, built
from the demo's data; the analyst gets the whole company's record by email, and last week's says
what the meeting decided. Nothing is mailed here (`manage.py weekly_record` does that). Building
is idempotent, so loading the demo again changes nothing."""

import datetime

from reports.selectors.weekly import last_complete_week
from reports.services.weekly import weekly_record_decide, weekly_records_build, weekly_subscription_set

DECIDED = (
    "Push the case study to every open priority deal before Friday.\n"
    "Ask the north team why the product one-pager went unused; retire it next week if nobody needs it."
)


def load_weekly_records(users: dict) -> None:
    analyst = users.get("analyst")
    last_week = last_complete_week()
    for week_start in (last_week - datetime.timedelta(days=7), last_week):
        built = weekly_records_build(week_start=week_start)
    if analyst is None:
        return
    company = next(item.record for item in built if item.record.region_id is None)
    if not company.decided:
        weekly_record_decide(record=company, text=DECIDED, user=analyst)
    weekly_subscription_set(user=analyst, region=None, subscribed=True)
