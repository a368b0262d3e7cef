"""Write-back: one activity on the CRM deal per final download or first share open, only when an
administrator turned it on; never twice; retried with backoff; the download never waits for it."""

from datetime import timedelta

from django.utils import timezone

import pytest

from approvals.output import final_output
from deals.crm.base import CrmError, CrmRateLimited
from deals.models import Channel, Writeback, WritebackState
from deals.services.share_links import share_link_opened
from deals.services.writeback import writeback_attempt, writebacks_due
from templates_lib.rendering.profile import Profile

from ..factories.deals import DealFactory
from .conftest import make_event
from .share_fixtures import make_share_link


@pytest.fixture
def crm_deal(crm, rep):
    crm.writeback_enabled = True
    crm.save()
    return DealFactory(owner=rep, connection=crm, external_id="006000000000001AAA", source="salesforce")


def _download(document, rep, deal, capture):
    with capture(execute=True):
        return make_event(document, user=rep, deal=deal)


def test_a_final_download_writes_one_activity_on_the_crm_deal(
    approved_document, rep, crm_deal, standin, django_capture_on_commit_callbacks
):
    event = _download(approved_document, rep, crm_deal, django_capture_on_commit_callbacks)

    assert [activity["external_id"] for activity in standin.activities] == ["006000000000001AAA"]
    assert standin.activities[0]["subject"] == "Lastmile: For Fjord downloaded"
    assert str(event.public_id) in standin.activities[0]["body"]
    writeback = Writeback.objects.get(event=event)
    assert (writeback.state, writeback.remote_id) == (WritebackState.WRITTEN, "00T000000000000001")


def test_write_back_is_off_unless_turned_on(approved_document, rep, crm, standin, django_capture_on_commit_callbacks):
    deal = DealFactory(owner=rep, connection=crm, external_id="006000000000001AAA")

    _download(approved_document, rep, deal, django_capture_on_commit_callbacks)

    assert Writeback.objects.count() == 0
    assert standin.activities == []


def test_a_deal_typed_in_the_portal_gets_no_write_back(
    approved_document, rep, deal, standin, django_capture_on_commit_callbacks
):
    _download(approved_document, rep, deal, django_capture_on_commit_callbacks)

    assert Writeback.objects.count() == 0


def test_a_retry_after_success_writes_nothing_more(
    approved_document, rep, crm_deal, standin, django_capture_on_commit_callbacks
):
    event = _download(approved_document, rep, crm_deal, django_capture_on_commit_callbacks)
    Writeback.objects.filter(event=event).update(next_attempt_at=timezone.now() - timedelta(hours=1))

    assert writeback_attempt(event.writeback.pk) is None
    assert writebacks_due() == 0
    assert len(standin.activities) == 1


def test_a_claimed_write_back_is_left_to_the_worker_that_claimed_it(approved_document, rep, crm_deal, standin):
    event = make_event(approved_document, user=rep, deal=crm_deal)  # on-commit task not run
    writeback = Writeback.objects.get(event=event)
    Writeback.objects.filter(pk=writeback.pk).update(next_attempt_at=timezone.now() + timedelta(minutes=5))

    assert writeback_attempt(writeback.pk) is None
    assert standin.activities == []


def test_the_download_goes_on_when_the_crm_fails(
    approved_document, rep, crm_deal, standin, django_capture_on_commit_callbacks
):
    standin.fail_with = CrmError("Salesforce answered 503: try again later.")

    event = _download(approved_document, rep, crm_deal, django_capture_on_commit_callbacks)

    writeback = Writeback.objects.get(event=event)
    assert event.pk is not None
    assert (writeback.state, writeback.attempts) == (WritebackState.PENDING, 1)
    assert writeback.last_error == "Salesforce answered 503: try again later."
    assert writeback.next_attempt_at > timezone.now() + timedelta(seconds=50)


def test_a_rate_limited_write_back_waits_as_long_as_the_crm_asks(approved_document, rep, crm_deal, standin):
    event = make_event(approved_document, user=rep, deal=crm_deal)
    standin.fail_with = CrmRateLimited("Salesforce asks to slow down.", retry_after=900)
    now = timezone.now()

    writeback_attempt(event.writeback.pk, now=now)

    event.writeback.refresh_from_db()
    assert event.writeback.next_attempt_at == now + timedelta(seconds=900)


def test_a_write_back_is_given_up_after_the_last_attempt(approved_document, rep, crm_deal, standin, settings):
    settings.LASTMILE_WRITEBACK_ATTEMPTS = 2
    event = make_event(approved_document, user=rep, deal=crm_deal)
    standin.fail_with = CrmError("The credentials were refused.")
    writeback_attempt(event.writeback.pk)

    state = writeback_attempt(event.writeback.pk, now=timezone.now() + timedelta(days=1))

    assert state == WritebackState.FAILED
    event.writeback.refresh_from_db()
    assert (event.writeback.state, event.writeback.attempts) == (WritebackState.FAILED, 2)


def test_the_sweep_writes_what_is_due_once_the_crm_is_back(approved_document, rep, crm_deal, standin):
    event = make_event(approved_document, user=rep, deal=crm_deal)
    standin.fail_with = CrmError("Down.")
    writeback_attempt(event.writeback.pk)
    standin.fail_with = None

    assert writebacks_due(now=timezone.now() + timedelta(hours=1)) == 1
    assert len(standin.activities) == 1


def test_only_the_first_share_open_is_written_back(approved_document, rep, crm_deal, standin):
    link = make_share_link(approved_document, rep, deal=crm_deal, recipient_name="Pat <b>Prospect</b>").link
    output = final_output(approved_document, profile=Profile.DIGITAL, deal=crm_deal)
    for _ in range(2):
        share_link_opened(link=link, output=output, channel=Channel.SHARE_VIEW, delivered=b"%PDF", pages_seen=[1])
        link.refresh_from_db()

    assert Writeback.objects.count() == 1
    writebacks_due()
    assert standin.activities[0]["subject"] == "Lastmile: For Fjord opened by Pat <b>Prospect</b>"
