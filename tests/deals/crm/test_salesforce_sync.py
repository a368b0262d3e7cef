"""The whole path against the local Salesforce: connection → sealed credentials → SalesforceClient
(simple-salesforce) → connection_sync → deals; a failure mid-sync, deletions, a webhook's fetch."""

from datetime import datetime, timedelta

import pytest

from deals.models import Deal, Outcome, Source, SyncState
from deals.services.connections import connection_credentials_set
from deals.services.crm_sync import connection_fetch, connection_sync

from ...factories.accounts import UserFactory
from ...factories.deals import ConnectionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def salesforce(fake_salesforce):
    connection = ConnectionFactory(name="Salesforce", kind=Source.SALESFORCE, sync_enabled=True)
    return connection_credentials_set(connection, fake_salesforce.credentials())


def test_a_full_sync_brings_every_opportunity_with_its_owner_and_outcome(fake_salesforce, salesforce):
    owner = UserFactory(email="dana.whitfield@acme.example")
    won = fake_salesforce.add(name="Fleet renewal", stage="Closed Won", is_closed=True, is_won=True)
    fake_salesforce.add(stage="Closed Lost", is_closed=True)
    fake_salesforce.add(stage="Prospecting")

    run = connection_sync(salesforce)

    assert (run.state, run.created, run.skipped) == (SyncState.SUCCEEDED, 3, 0)
    deal = Deal.objects.get(external_id=won)
    assert (deal.name, deal.outcome, deal.owner, deal.account_name) == (
        "Fleet renewal",
        Outcome.WON,
        owner,
        "Fjord Maritime ASA",
    )
    assert sorted(Deal.objects.values_list("outcome", flat=True)) == ["lost", "open", "won"]


def test_a_sync_that_fails_mid_way_resumes_without_loss_or_duplicates(fake_salesforce, salesforce):
    fake_salesforce.batch_size = 500
    fake_salesforce.populate(5000)
    failure = fake_salesforce.fail_after_pages(5)  # a query page is 2,000 (4 batches of 500)

    failed = connection_sync(salesforce)
    fake_salesforce.failures.remove(failure)
    resumed = connection_sync(salesforce)

    assert failed.state == SyncState.FAILED
    assert 0 < failed.created < 5000
    assert resumed.state == SyncState.SUCCEEDED
    assert Deal.objects.filter(connection=salesforce).count() == 5000
    assert sorted(Deal.objects.values_list("external_id", flat=True)) == sorted(fake_salesforce.ids())


def test_a_deleted_opportunity_is_marked_deleted_on_the_next_sync(fake_salesforce, salesforce):
    gone = fake_salesforce.add()
    kept = fake_salesforce.add()
    connection_sync(salesforce)
    # getDeleted counts in whole minutes: the window since the last sync must have closed.
    salesforce.refresh_from_db()
    since = datetime.fromisoformat(salesforce.sync_state["deleted_since"]) - timedelta(minutes=5)
    salesforce.sync_state["deleted_since"] = since.isoformat()
    salesforce.save()
    fake_salesforce.delete(gone, at=since + timedelta(minutes=2))

    run = connection_sync(salesforce)

    assert run.deleted == 1
    assert Deal.objects.get(external_id=gone).deleted_at is not None
    assert Deal.objects.get(external_id=kept).deleted_at is None


def test_a_webhook_fetch_updates_the_named_opportunity(fake_salesforce, salesforce):
    opportunity = fake_salesforce.add(name="Before")
    connection_sync(salesforce)
    fake_salesforce.update(opportunity, Name="Renamed in Salesforce")

    run = connection_fetch(salesforce, [opportunity])

    assert run.changed == 1
    assert Deal.objects.get(external_id=opportunity).name == "Renamed in Salesforce"
