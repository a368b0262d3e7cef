"""The demo's weekly records: the last two weeks built, the analyst subscribed, a decision written;
loading the demo again builds nothing more."""

import io

from django.core.management import call_command
from django.urls import reverse

import pytest

from reports.models import WeeklyRecord, WeeklyRecordSubscription
from reports.selectors.weekly import last_complete_week

from ..transactions import rolled_back_transaction

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo_loaded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), rolled_back_transaction():
        call_command("load_demo", stdout=io.StringIO())
        yield


@pytest.fixture
def demo(db, demo_loaded):
    return None


def test_the_demo_has_the_last_two_weeks_records_with_a_decision(demo):
    company = WeeklyRecord.objects.get(week_start=last_complete_week(), region=None)

    assert WeeklyRecord.objects.filter(region=None).count() == 2
    assert company.decided.startswith("Push the case study")
    assert company.decided_by.username == "analyst"
    assert WeeklyRecordSubscription.objects.filter(user__username="analyst", region=None).exists()


def test_loading_the_demo_again_builds_nothing_more(demo):
    before = WeeklyRecord.objects.count()

    call_command("load_demo", stdout=io.StringIO())

    assert WeeklyRecord.objects.count() == before


def test_the_analyst_opens_the_demo_record(client, demo):
    from accounts.models import User

    client.force_login(User.objects.get(username="analyst"))
    record = WeeklyRecord.objects.get(week_start=last_complete_week(), region=None)

    response = client.get(reverse("lastmile_reports_weekly:detail", args=[record.pk]))

    assert response.status_code == 200
    assert "Push the case study" in response.content.decode()
