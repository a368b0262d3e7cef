"""The weekly record in Wagtail admin: who sees which record, what was decided, the email toggle,
the rebuild."""

from django.urls import reverse

import pytest

from reports.models import DECIDED_MAX_CHARS, WeeklyRecord, WeeklyRecordSubscription
from reports.services.weekly import weekly_record_build, weekly_records_build

from ..factories.accounts import UserFactory
from .test_weekly import REJECTION, WEEK, week  # noqa: F401 - the hand-built week

INDEX = reverse("lastmile_reports_weekly:index")


def detail(record: WeeklyRecord) -> str:
    return reverse("lastmile_reports_weekly:detail", args=[record.pk])


@pytest.fixture
def records(week):  # noqa: F811
    built = {
        item.record.region.code if item.record.region_id else "company": item.record
        for item in weekly_records_build(week_start=WEEK)
    }
    return built


@pytest.fixture
def analyst_client(client, analyst):
    client.force_login(analyst)
    return client


def test_analyst_sees_every_weeks_record_in_the_list(analyst_client, records):
    response = analyst_client.get(INDEX)

    assert response.status_code == 200
    text = response.content.decode()
    assert text.count("23–29 Nov 2026") == 3
    assert "Whole company" in text


def test_the_list_filters_by_region(analyst_client, records, week):  # noqa: F811
    response = analyst_client.get(INDEX, {"region": week.south.pk})

    assert list(response.context["object_list"]) == [records["south"]]


def test_the_list_filters_the_whole_company(analyst_client, records):
    response = analyst_client.get(INDEX, {"region": "null"})

    assert list(response.context["object_list"]) == [records["company"]]


def test_the_record_page_shows_the_snapshot(analyst_client, records):
    response = analyst_client.get(detail(records["company"]))

    assert response.status_code == 200
    text = response.content.decode()
    assert "Template A" in text
    assert "Logo &lt;script&gt;alert(1)&lt;/script&gt; too small" in text
    assert "<script>alert(1)" not in text
    assert "Cold-chain one-pager" in text
    assert "n=1 of 2" in text  # priority deals without collateral


def test_an_empty_week_says_so_in_each_section(analyst_client, db):
    record = weekly_record_build(week_start=WEEK.replace(day=2), region=None).record

    text = analyst_client.get(detail(record)).content.decode()

    assert "No document was rejected." in text
    assert "Nobody asked for a new template or a change." in text
    assert "the record was not mailed" in text


@pytest.mark.parametrize("who", ["rep", "partner_user", "manager"])
def test_reps_and_partners_get_a_404(client, request, records, who):
    client.force_login(request.getfixturevalue(who))

    assert client.get(INDEX).status_code == 404
    assert client.get(detail(records["company"])).status_code == 404
    assert (
        client.post(
            reverse("lastmile_reports_weekly:decide", args=[records["company"].pk]), {"decided": "x"}
        ).status_code
        == 404
    )
    records["company"].refresh_from_db()
    assert records["company"].decided == ""


def test_signed_out_visitors_are_sent_to_sign_in(client, records):
    response = client.get(detail(records["company"]))

    assert response.status_code == 302
    assert "login" in response["Location"]


def test_region_limited_brand_manager_sees_only_their_regions_records(brand_client, brand_manager, records, week):  # noqa: F811
    brand_manager.review_regions.set([week.north])

    response = brand_client.get(INDEX)

    assert list(response.context["object_list"]) == [records["north"]]
    assert brand_client.get(detail(records["north"])).status_code == 200
    assert brand_client.get(detail(records["south"])).status_code == 404
    assert brand_client.get(detail(records["company"])).status_code == 404


def test_region_limited_brand_manager_cannot_subscribe_to_another_region(brand_client, brand_manager, records, week):  # noqa: F811
    brand_manager.review_regions.set([week.north])

    response = brand_client.post(
        reverse("lastmile_reports_weekly:subscribe", args=[records["south"].pk]), {"subscribed": "on"}
    )

    assert response.status_code == 404
    assert not WeeklyRecordSubscription.objects.exists()


def test_an_unknown_record_is_a_404(analyst_client, db):
    assert analyst_client.get(reverse("lastmile_reports_weekly:detail", args=[999999])).status_code == 404


# What was decided --------------------------------------------------------------------------------


def test_what_was_decided_is_saved_with_who_and_when(analyst_client, analyst, records):
    record = records["north"]

    response = analyst_client.post(
        reverse("lastmile_reports_weekly:decide", args=[record.pk]), {"decided": "Push template A to n2.\r\nRetire U."}
    )

    assert response.status_code == 302
    record.refresh_from_db()
    assert record.decided == "Push template A to n2.\nRetire U."
    assert record.decided_by == analyst
    assert record.decided_at is not None


def test_what_was_decided_is_escaped_on_the_page(analyst_client, records):
    record = records["north"]
    analyst_client.post(
        reverse("lastmile_reports_weekly:decide", args=[record.pk]), {"decided": "<img src=x onerror=alert(1)>"}
    )

    text = analyst_client.get(detail(record)).content.decode()

    assert "&lt;img src=x onerror=alert(1)&gt;" in text
    assert "<img src=x" not in text


def test_too_long_a_decision_is_refused_and_kept_in_the_form(analyst_client, records):
    record = records["north"]
    typed = "Decided: " + "x" * DECIDED_MAX_CHARS

    response = analyst_client.post(reverse("lastmile_reports_weekly:decide", args=[record.pk]), {"decided": typed})

    assert response.status_code == 400
    assert "Ensure this value has at most" in response.content.decode()
    assert typed in response.content.decode()
    record.refresh_from_db()
    assert record.decided == ""


def test_deciding_needs_a_post(analyst_client, records):
    assert analyst_client.get(reverse("lastmile_reports_weekly:decide", args=[records["north"].pk])).status_code == 405


# The email toggle and the rebuild ---------------------------------------------------------------


def test_email_me_this_record_turns_on_and_off(analyst_client, analyst, records):
    url = reverse("lastmile_reports_weekly:subscribe", args=[records["south"].pk])

    analyst_client.post(url, {"subscribed": "on"})
    subscribed = list(WeeklyRecordSubscription.objects.values_list("user", "region__code"))
    analyst_client.post(url, {"subscribed": "off"})

    assert subscribed == [(analyst.pk, "south")]
    assert not WeeklyRecordSubscription.objects.exists()


def test_the_page_offers_to_stop_once_subscribed(analyst_client, records):
    url = reverse("lastmile_reports_weekly:subscribe", args=[records["company"].pk])
    analyst_client.post(url, {"subscribed": "on"})

    text = analyst_client.get(detail(records["company"])).content.decode()

    assert "Stop emailing me this record" in text


def test_analyst_rebuilds_a_record(analyst_client, analyst, records):
    record = records["company"]
    WeeklyRecord.objects.filter(pk=record.pk).update(
        figures={**record.figures, "has_activity": False}, has_activity=False
    )

    response = analyst_client.post(reverse("lastmile_reports_weekly:rebuild", args=[record.pk]))

    assert response.status_code == 302
    record.refresh_from_db()
    assert (record.has_activity, record.built_by) == (True, analyst)


def test_brand_manager_may_not_rebuild(brand_client, records):
    record = records["company"]
    built_at = record.built_at

    response = brand_client.post(reverse("lastmile_reports_weekly:rebuild", args=[record.pk]))

    assert (response.status_code, response["Location"]) == (302, reverse("wagtailadmin_home"))  # Wagtail's refusal
    record.refresh_from_db()
    assert record.built_at == built_at


def test_brand_manager_sees_no_rebuild_button(brand_client, records):
    assert "Rebuild the figures" not in brand_client.get(detail(records["company"])).content.decode()


def test_a_superuser_reaches_the_weekly_record(client, records):
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))

    assert client.get(detail(records["company"])).status_code == 200


@pytest.mark.parametrize("value", ["abc", "999999", "' OR 1=1 --"])
def test_a_region_filter_it_cannot_use_lists_nothing_extra(analyst_client, records, value):
    response = analyst_client.get(INDEX, {"region": value})

    assert response.status_code == 200
    assert len(response.context["object_list"]) <= 3


def test_region_limited_brand_manager_asking_for_another_region_sees_only_their_own(
    brand_client,
    brand_manager,
    records,
    week,  # noqa: F811
):
    brand_manager.review_regions.set([week.north])

    response = brand_client.get(INDEX, {"region": week.south.pk})

    assert records["south"] not in list(response.context["object_list"])
