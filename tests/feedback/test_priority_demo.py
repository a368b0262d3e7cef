"""The demo's priority deals: on the analyst's list, the owner told, loaded once."""

import io

from django.core.management import call_command
from django.urls import reverse

import pytest

from approvals.models import Notification, NotificationKind
from feedback.models import PriorityDeal

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
