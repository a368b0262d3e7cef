"""The demo's field feedback and weekly records, loaded once for all of them: ratings and requests,
nominations, priority deals and the last two weeks' records (and loading again adds nothing)."""

import io

from django.core.management import call_command
from django.urls import reverse

import pytest

from approvals.models import Notification, NotificationKind
from feedback.models import NominationStatus, PriorityDeal, Rating, RequestStatus, TemplateNomination, TemplateRequest
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


# requests demo


def test_the_demo_has_ratings_from_people_who_downloaded(demo):
    assert Rating.objects.exists()
    assert Rating.objects.exclude(comment="").exists()


def test_the_demo_has_requests_in_each_state_decided_by_marketing(demo):
    statuses = set(TemplateRequest.objects.values_list("status", flat=True))

    assert {RequestStatus.OPEN, RequestStatus.ACCEPTED, RequestStatus.DECLINED} <= statuses
    assert TemplateRequest.objects.filter(organisation__isnull=False, supports__note__gt="").exists()
    assert not TemplateRequest.objects.exclude(status=RequestStatus.OPEN).filter(decided_by__isnull=True).exists()


def test_loading_the_demo_again_adds_nothing(demo):
    before = (Rating.objects.count(), TemplateRequest.objects.count())

    call_command("load_demo", stdout=io.StringIO())

    assert (Rating.objects.count(), TemplateRequest.objects.count()) == before


# nominations demo


def test_the_demo_has_a_reps_and_a_partners_pending_nomination(demo):
    nominations = list(TemplateNomination.objects.select_related("nominated_by", "document"))

    assert sorted(n.nominated_by.username for n in nominations) == ["partner", "rep"]
    assert all(n.status == NominationStatus.PENDING and n.reason for n in nominations)
    assert all(n.document.owner_id == n.nominated_by_id and n.document.is_approved for n in nominations)


def test_loading_the_demo_again_nominates_nothing_more(demo):
    call_command("load_demo", stdout=io.StringIO())

    assert TemplateNomination.objects.count() == 2


def test_the_brand_manager_sees_the_demo_nominations_in_admin(demo, client):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="brand"))

    response = client.get(reverse("template_nominations:index"))

    assert response.status_code == 200
    assert "Brightpath Partners" in response.content.decode()


# priority demo


def test_the_demo_has_priority_deals_with_notes_and_their_owners_told(demo):
    priorities = list(PriorityDeal.objects.select_related("deal"))

    assert len(priorities) == 3
    assert all(priority.note for priority in priorities)
    owners = {priority.deal.owner_id for priority in priorities}
    assert Notification.objects.filter(recipient_id__in=owners, kind=NotificationKind.PRIORITY_DEAL).exists()


def test_loading_the_demo_again_marks_nothing_more(demo):
    call_command("load_demo", stdout=io.StringIO())

    assert PriorityDeal.objects.count() == 3


def test_the_analyst_sees_the_demo_list_and_recommendations_on_a_deal(demo, client):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="analyst"))
    priority = PriorityDeal.objects.select_related("deal").order_by("pk").first()

    listing = client.get(reverse("portal:priority-deals"))
    page = client.get(reverse("portal:deal-detail", args=[priority.deal.public_id]))

    assert listing.status_code == 200
    assert priority.deal.name in listing.content.decode()
    assert page.status_code == 200
    assert "Recommended templates" in page.content.decode()


# weekly demo


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
