"""The demo's nominations: one of the rep's and one of the partner's approved documents, waiting
for the brand team; loaded once."""

import io

from django.core.management import call_command
from django.urls import reverse

import pytest

from feedback.models import NominationStatus, TemplateNomination

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


def test_the_demo_has_a_reps_and_a_partners_pending_nomination(demo):
    nominations = list(TemplateNomination.objects.select_related("nominated_by", "document"))

    assert sorted(n.nominated_by.username for n in nominations) == ["partner", "rep"]
    assert all(n.status == NominationStatus.PENDING and n.reason for n in nominations)
    assert all(n.document.owner_id == n.nominated_by_id and n.document.is_approved for n in nominations)


def test_loading_the_demo_again_nominates_nothing_more(demo):
    call_command("load_demo", stdout=io.StringIO())

    assert TemplateNomination.objects.count() == 2


def test_the_brand_manager_sees_them_in_admin(demo, client):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="brand"))

    response = client.get(reverse("template_nominations:index"))

    assert response.status_code == 200
    assert "Brightpath Partners" in response.content.decode()
