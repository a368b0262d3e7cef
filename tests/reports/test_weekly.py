"""The weekly record (issue 16): its figures against a hand-built week, built and mailed once."""

import datetime
from dataclasses import dataclass
from io import StringIO

from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

import pytest

from accounts.roles import Role
from approvals.models import BrandReviewTaskState
from approvals.services import Decision
from deals.models import Outcome
from feedback.models import PriorityDeal, Rating, RequestSupport, TemplateRequest
from reports.models import WeeklyRecord, WeeklyRecordMail, WeeklyRecordSubscription
from reports.selectors.weekly import last_complete_week, weekly_figures
from reports.services.weekly import (
    WeeklyRecordError,
    weekly_record_build,
    weekly_record_decide,
    weekly_record_rebuild,
    weekly_record_send,
    weekly_subscription_set,
)

from ..factories.accounts import RegionFactory, UserFactory
from ..factories.approvals import decide, document_in_review, make_reviewed_template
from ..factories.deals import DealFactory
from ..factories.templates_lib import make_template
from .conftest import deliver

WEEK = datetime.date(2026, 11, 23)  # Monday; the week ends Sunday 29 November
EMPTY_WEEK = datetime.date(2026, 11, 2)
REJECTION = "Logo <script>alert(1)</script> too small"


def on(month: int, dd: int, hour: int = 12) -> datetime.datetime:
    return datetime.datetime(2026, month, dd, hour, tzinfo=timezone.get_current_timezone())


@dataclass
class Week:
    north: object
    south: object
    north_rep: object
    south_rep: object
    templates: dict
    deals: dict


@pytest.fixture
def week(db, brand_kit, roles, rep, brand_manager, at) -> Week:
    """The week of 23–29 November 2026, in two regions.

    North: Dana (rep) downloads template A for deal n1 twice (24 and 25 Nov); n1 is won on 26 Nov;
    n3 is won on 28 Nov with nothing. Priority deal n2 (open) got A on 18 Nov, the week before,
    and nothing this week. Dana's document of template R is rejected on 25 Nov (and another on
    20 Nov, the week before). Dana says "me too" to South's request on 25 Nov and rates A 4/5.
    South: Sam downloads template B for s1 (25 Nov; s1 lost 27 Nov) and for priority deal s2
    (26 Nov). Sam asks for a template on 24 Nov and rates A 2/5 on 27 Nov.
    Template U is published and never used; R is published and never delivered."""
    north, south = RegionFactory(name="North", code="north"), RegionFactory(name="South", code="south")
    rep.region = north
    rep.save()
    south_rep = UserFactory(username="sam", first_name="Sam", last_name="Okafor", region=south)
    south_rep.groups.add(roles[Role.SALES_REP])
    templates = {name: make_template(title=f"Template {name}") for name in "ABU"}
    templates["R"] = make_reviewed_template(title="Template R")

    from approvals.services import document_create

    doc_a = document_create(template=templates["A"], owner=rep, values={}, title="Doc A", check_fit=False)
    doc_b = document_create(template=templates["B"], owner=south_rep, values={}, title="Doc B", check_fit=False)

    def deal(name, owner, region, outcome=Outcome.OPEN, closed=None):
        return DealFactory(name=name, owner=owner, region=region, outcome=outcome, close_date=closed)

    deals = {
        "n1": deal("n1", rep, north, Outcome.WON, datetime.date(2026, 11, 26)),
        "n2": deal("n2", rep, north),
        "n3": deal("n3", rep, north, Outcome.WON, datetime.date(2026, 11, 28)),
        "s1": deal("s1", south_rep, south, Outcome.LOST, datetime.date(2026, 11, 27)),
        "s2": deal("s2", south_rep, south),
    }
    for when, document, user, name in [
        (datetime.date(2026, 11, 24), doc_a, rep, "n1"),
        (datetime.date(2026, 11, 25), doc_a, rep, "n1"),
        (datetime.date(2026, 11, 18), doc_a, rep, "n2"),
        (datetime.date(2026, 11, 25), doc_b, south_rep, "s1"),
        (datetime.date(2026, 11, 26), doc_b, south_rep, "s2"),
    ]:
        at(when)
        deliver(document, user=user, deal=deals[name])
    for name, marked in [("n2", on(11, 20)), ("s2", on(11, 20))]:
        priority = PriorityDeal.objects.create(deal=deals[name], region=deals[name].region, marked_by=brand_manager)
        PriorityDeal.objects.filter(pk=priority.pk).update(marked_at=marked)

    for title, when, reason in [("Rejected this week", on(11, 25), REJECTION), ("Rejected before", on(11, 20), "No.")]:
        document = document_in_review(templates["R"], rep, title=title)
        round_ = decide(document, brand_manager, Decision.REJECT, comment=reason)
        BrandReviewTaskState.objects.filter(pk=round_.pk).update(finished_at=when)

    request = TemplateRequest.objects.create(
        title="Cold-chain one-pager", purpose="For pharma prospects.", requested_by=south_rep, region=south
    )
    own = RequestSupport.objects.create(request=request, user=south_rep)
    me_too = RequestSupport.objects.create(request=request, user=rep, deal=deals["n2"])
    TemplateRequest.objects.filter(pk=request.pk).update(created_at=on(11, 24))
    RequestSupport.objects.filter(pk=own.pk).update(created_at=on(11, 24))
    RequestSupport.objects.filter(pk=me_too.pk).update(created_at=on(11, 25))
    for user, stars, when, comment in [(rep, 4, on(11, 26), "Clear."), (south_rep, 2, on(11, 27), "")]:
        rating = Rating.objects.create(template=templates["A"], user=user, stars=stars, comment=comment)
        Rating.objects.filter(pk=rating.pk).update(updated_at=when)
    return Week(north=north, south=south, north_rep=rep, south_rep=south_rep, templates=templates, deals=deals)


def figures_for(week: Week, region=None) -> dict:
    return weekly_figures(week_start=WEEK, region_id=region.pk if region else None)


def used(figures: dict) -> dict:
    return {
        row["title"]: (row["downloads"], row["views"], row["deals"], row["won"])
        for row in figures["templates_used"]["rows"]
    }


def adoption(figures: dict) -> dict:
    return {row["key"]: (row["this_week"], row["previous_week"], row["change"]) for row in figures["adoption"]["rows"]}


# Figures --------------------------------------------------------------------------------------


def test_templates_used_and_deals_won_for_the_whole_company(week):
    figures = figures_for(week)

    assert used(figures) == {"Template A": (2, 0, 1, 1), "Template B": (2, 0, 2, 0)}
    section = figures["templates_used"]
    assert (section["downloads"], section["deals_won_with_template"], section["deals_won"], section["deals_lost"]) == (
        4,
        1,
        2,
        1,
    )


def test_templates_used_in_one_region(week):
    north, south = figures_for(week, week.north), figures_for(week, week.south)

    assert used(north) == {"Template A": (2, 0, 1, 1)}
    assert (north["templates_used"]["deals_won"], north["templates_used"]["deals_lost"]) == (2, 0)
    assert used(south) == {"Template B": (2, 0, 2, 0)}
    assert (south["templates_used"]["deals_won"], south["templates_used"]["deals_lost"]) == (0, 1)


def test_documents_rejected_in_the_week_with_the_reason(week):
    section = figures_for(week)["documents_rejected"]

    assert section["n"] == 1
    assert [(row["document"], row["template"], row["reason"]) for row in section["rows"]] == [
        ("Rejected this week", "Template R", REJECTION)
    ]


def test_rejections_count_in_the_owners_region(week):
    assert figures_for(week, week.north)["documents_rejected"]["n"] == 1
    assert figures_for(week, week.south)["documents_rejected"]["n"] == 0


def test_requests_me_toos_and_ratings(week):
    figures = figures_for(week)

    assert [(row["title"], row["supporters"]) for row in figures["new_requests"]["rows"]] == [
        ("Cold-chain one-pager", 2)
    ]
    assert figures["me_toos"]["me_toos"] == 1  # the requester's own support is not a "me too"
    assert [(row["template"], row["n"], row["average"], row["low"]) for row in figures["ratings"]["rows"]] == [
        ("Template A", 2, 3.0, 1)
    ]
    assert figures["ratings"]["rows"][0]["comments"] == ["4/5: Clear."]


def test_requests_follow_the_request_region_and_me_toos_the_supporters(week):
    north, south = figures_for(week, week.north), figures_for(week, week.south)

    assert (north["new_requests"]["n"], north["me_toos"]["me_toos"], north["ratings"]["ratings"]) == (0, 1, 1)
    assert (south["new_requests"]["n"], south["me_toos"]["me_toos"], south["ratings"]["ratings"]) == (1, 0, 1)


def test_unused_templates_are_the_published_ones_without_a_download(week):
    section = figures_for(week)["unused_templates"]

    assert sorted((row["title"], row["status"]) for row in section["rows"]) == [
        ("Template R", "Never used"),
        ("Template U", "Never used"),
    ]


def test_priority_deals_without_collateral_in_the_week(week):
    company, north, south = figures_for(week), figures_for(week, week.north), figures_for(week, week.south)

    assert [row["deal"] for row in company["neglected_priority_deals"]["rows"]] == ["n2"]
    assert company["neglected_priority_deals"]["priority_deals"] == 2
    assert (north["neglected_priority_deals"]["n"], north["neglected_priority_deals"]["priority_deals"]) == (1, 1)
    assert (south["neglected_priority_deals"]["n"], south["neglected_priority_deals"]["priority_deals"]) == (0, 1)


def test_adoption_against_the_week_before(week):
    figures = adoption(figures_for(week))

    assert figures["people"] == (2, 2, 0)
    assert figures["active"] == (2, 1, 1)
    assert figures["downloads"] == (4, 1, 3)
    assert figures["deals_touched"] == (3, 1, 2)


def test_a_week_without_activity_has_none(week):
    figures = weekly_figures(week_start=EMPTY_WEEK, region_id=None)

    assert figures["has_activity"] is False
    assert figures["unused_templates"]["n"] == 4  # standing conditions are still recorded


# Building -------------------------------------------------------------------------------------


def test_the_record_keeps_the_week_as_built(week, at):
    record = weekly_record_build(week_start=WEEK, region=None).record
    at(datetime.date(2026, 11, 27))
    deliver(week.templates["A"].documents.first(), user=week.north_rep, deal=week.deals["n1"])

    record.refresh_from_db()

    assert record.figures["templates_used"]["downloads"] == 4
    assert weekly_figures(week_start=WEEK, region_id=None)["templates_used"]["downloads"] == 5


def test_rebuilding_takes_the_data_as_it_is_now_and_keeps_the_decision(week, at, analyst):
    record = weekly_record_build(week_start=WEEK, region=None).record
    weekly_record_decide(record=record, text="Push A in the north.", user=analyst)
    at(datetime.date(2026, 11, 27))
    deliver(week.templates["A"].documents.first(), user=week.north_rep, deal=week.deals["n1"])

    weekly_record_rebuild(record=record, user=analyst)

    record.refresh_from_db()
    assert (record.figures["templates_used"]["downloads"], record.decided, record.built_by) == (
        5,
        "Push A in the north.",
        analyst,
    )


def test_brand_managers_do_not_rebuild(week, brand_manager):
    record = weekly_record_build(week_start=WEEK, region=None).record

    with pytest.raises(PermissionError):
        weekly_record_rebuild(record=record, user=brand_manager)


def test_building_twice_builds_once(week):
    first = weekly_record_build(week_start=WEEK, region=week.north)
    second = weekly_record_build(week_start=WEEK, region=week.north)

    assert (first.created, second.created, first.record.pk) == (True, False, second.record.pk)
    assert WeeklyRecord.objects.filter(week_start=WEEK, region=week.north).count() == 1


def test_the_database_refuses_a_second_company_record_for_a_week(week):
    from django.db import IntegrityError, transaction

    weekly_record_build(week_start=WEEK, region=None)

    with pytest.raises(IntegrityError), transaction.atomic():
        WeeklyRecord.objects.create(week_start=WEEK, region=None, built_at=timezone.now())


@pytest.mark.parametrize(
    ("day", "message"),
    [(datetime.date(2026, 11, 24), "not one"), (datetime.date(2026, 11, 30), "has not ended")],
)
def test_only_whole_weeks_that_have_ended_are_built(db, day, message):
    with pytest.raises(WeeklyRecordError, match=message):
        weekly_record_build(week_start=day, region=None)


# Sending --------------------------------------------------------------------------------------


@pytest.fixture
def subscribers(week, analyst, brand_manager):
    """The analyst gets the whole company's record; the brand manager, limited to North, North's."""
    brand_manager.review_regions.set([week.north])
    weekly_subscription_set(user=analyst, region=None, subscribed=True)
    weekly_subscription_set(user=brand_manager, region=week.north, subscribed=True)
    return {"analyst": analyst, "brand_manager": brand_manager}


def run_command(*args) -> str:
    out = StringIO()
    call_command("weekly_record", *args, stdout=out)
    return out.getvalue()


def test_the_command_builds_every_region_and_mails_subscribers(subscribers, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        output = run_command("--week", "2026-11-23")

    assert WeeklyRecord.objects.filter(week_start=WEEK).count() == 3
    assert sorted(message.to[0] for message in mail.outbox) == ["analyst@example.com", "brand@example.com"]
    assert "whole company: built, mailed to 1 subscriber" in output
    assert "South: built, mailed to 0 subscribers" in output


def test_running_the_command_twice_builds_and_sends_once(subscribers, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run_command("--week", "2026-11-23")
    with django_capture_on_commit_callbacks(execute=True):
        output = run_command("--week", "2026-11-23")

    assert WeeklyRecord.objects.filter(week_start=WEEK).count() == 3
    assert len(mail.outbox) == 2
    assert WeeklyRecordMail.objects.filter(mailed_at__isnull=False).count() == 2
    assert "North: already built, already mailed" in output


def test_sending_a_record_again_sends_nothing(subscribers, django_capture_on_commit_callbacks):
    record = weekly_record_build(week_start=WEEK, region=None).record
    with django_capture_on_commit_callbacks(execute=True):
        weekly_record_send(record=record)

    with django_capture_on_commit_callbacks(execute=True):
        again = weekly_record_send(record=record)

    assert (again, len(mail.outbox)) == ([], 1)


def test_nothing_is_mailed_for_a_week_without_activity(subscribers, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        output = run_command("--week", "2026-11-02")

    assert mail.outbox == []
    assert WeeklyRecord.objects.filter(week_start=EMPTY_WEEK).count() == 3
    assert "whole company: built, no activity, not mailed" in output


def test_a_subscriber_who_lost_access_is_not_mailed(subscribers, django_capture_on_commit_callbacks):
    subscribers["brand_manager"].review_regions.set([RegionFactory(name="West", code="west")])
    record = weekly_record_build(
        week_start=WEEK, region=WeeklyRecordSubscription.objects.exclude(region=None).get().region
    ).record

    with django_capture_on_commit_callbacks(execute=True):
        mails = weekly_record_send(record=record)

    assert (mails, mail.outbox) == ([], [])


def test_the_mail_has_text_and_escaped_html_with_a_link_to_the_record(subscribers, django_capture_on_commit_callbacks):
    record = weekly_record_build(week_start=WEEK, region=None).record
    weekly_record_decide(record=record, text="<b>Retire U</b>", user=subscribers["analyst"])

    with django_capture_on_commit_callbacks(execute=True):
        weekly_record_send(record=record)

    message = mail.outbox[0]
    html = message.alternatives[0][0]
    link = f"http://testserver/admin/reports/weekly/{record.pk}/"
    assert message.subject == "[Lastmile] Weekly record: Week of 23 Nov 2026, whole company"
    assert link in message.body
    assert link in html
    assert REJECTION in message.body
    assert "<b>Retire U</b>" in message.body
    assert "Logo &lt;script&gt;alert(1)&lt;/script&gt; too small" in html
    assert "<script>" not in html
    assert "&lt;b&gt;Retire U&lt;/b&gt;" in html


def test_the_command_defaults_to_the_last_complete_week(db):
    output = run_command("--no-send")

    assert WeeklyRecord.objects.filter(week_start=last_complete_week()).count() == 1
    assert output.startswith(f"Week of {last_complete_week():%Y-%m-%d}")


def test_the_command_refuses_a_week_that_has_not_ended(db):
    with pytest.raises(CommandError, match="has not ended"):
        run_command("--week", timezone.localdate().isoformat())


def test_the_command_refuses_a_date_it_cannot_read(db):
    with pytest.raises(CommandError, match="takes a date"):
        run_command("--week", "next monday")


def test_unused_templates_are_as_they_stood_at_the_end_of_the_week(week, at):
    from approvals.services import document_create

    document = document_create(
        template=week.templates["U"], owner=week.north_rep, values={}, title="Doc U", check_fit=False
    )
    at(datetime.date(2026, 12, 1))
    deliver(document, user=week.north_rep, deal=None)

    section = figures_for(week)["unused_templates"]

    assert sorted((row["title"], row["status"], row["last_download"]) for row in section["rows"]) == [
        ("Template R", "Never used", ""),
        ("Template U", "Never used", ""),
    ]
