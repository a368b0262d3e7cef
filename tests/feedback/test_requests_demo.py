"""The demo's ratings and template requests: there, made through the services, loaded once."""

import io

from django.core.management import call_command

import pytest

from feedback.models import Rating, RequestStatus, TemplateRequest

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
