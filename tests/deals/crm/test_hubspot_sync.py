"""The whole path against the local HubSpot: connection → sealed credentials → HubSpotClient →
connection_sync → deals in the database; a failure mid-sync and the sync after it."""

import pytest

from deals.models import Deal, Outcome, Source, SyncState
from deals.services.connections import connection_credentials_set
from deals.services.crm_sync import connection_fetch, connection_sync

from ...factories.accounts import UserFactory
from ...factories.deals import ConnectionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def hubspot(fake_hubspot):
    connection = ConnectionFactory(name="HubSpot", kind=Source.HUBSPOT, sync_enabled=True)
    return connection_credentials_set(connection, {"access_token": fake_hubspot.token})


def test_a_full_sync_brings_every_deal_with_its_owner_and_outcome(fake_hubspot, hubspot):
    owner = UserFactory(email="dana@example.com")
    owner_id = fake_hubspot.add_owner("dana@example.com")
    fake_hubspot.populate(30, owner_ids=(owner_id,), stages=("appointmentscheduled", "closedwon", "closedlost"))

    run = connection_sync(hubspot)

    assert (run.state, run.created, run.skipped) == (SyncState.SUCCEEDED, 30, 0)
    deals = Deal.objects.filter(connection=hubspot)
    assert deals.filter(owner=owner).count() == 30
    assert {outcome: deals.filter(outcome=outcome).count() for outcome in Outcome.values} == {
        "open": 10,
        "won": 10,
        "lost": 10,
    }


def test_a_sync_that_fails_mid_way_resumes_without_loss_or_duplicates(fake_hubspot, hubspot):
    created = fake_hubspot.populate(2500)
    fake_hubspot.fail("server_error", path="/crm/v3/objects/deals/search", after=6, times=1)

    failed = connection_sync(hubspot)
    resumed = connection_sync(hubspot)

    assert failed.state == SyncState.FAILED
    assert "HubSpot" in failed.error
    assert 0 < failed.created < 2500
    assert resumed.state == SyncState.SUCCEEDED
    assert sorted(Deal.objects.filter(connection=hubspot).values_list("external_id", flat=True), key=int) == created


def test_an_archived_deal_is_marked_deleted_on_the_next_sync(fake_hubspot, hubspot):
    first, second = fake_hubspot.populate(2)
    connection_sync(hubspot)
    fake_hubspot.archive(first)

    run = connection_sync(hubspot)

    assert run.deleted == 1
    assert Deal.objects.get(external_id=first).deleted_at is not None
    assert Deal.objects.get(external_id=second).deleted_at is None


def test_a_webhook_fetch_updates_the_named_deal(fake_hubspot, hubspot):
    (deal_id,) = fake_hubspot.populate(1)
    connection_sync(hubspot)
    fake_hubspot.touch(deal_id, dealname="Renamed in HubSpot")

    run = connection_fetch(hubspot, [deal_id])

    assert run.changed == 1
    assert Deal.objects.get(external_id=deal_id).name == "Renamed in HubSpot"
