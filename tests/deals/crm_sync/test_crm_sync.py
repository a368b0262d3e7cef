"""The sync service with a stand-in client: pages applied with their cursor, resumption after a
failure, one sync at a time, values checked by the import's rules, deletions, plain errors."""

import threading
from decimal import Decimal

from django.db import connection as db_connection
from django.utils import timezone

from wagtail.models import ModelLogEntry

import pytest

from deals.crm.base import CrmAuthError, CrmError
from deals.models import Connection, Deal, Outcome, SyncRun, SyncState, SyncTrigger
from deals.services.connections import connection_credentials_remove
from deals.services.crm_sync import (
    SyncUnavailable,
    connection_fetch,
    connection_sync,
    connection_sync_queue,
    connection_test,
    connections_due,
)

from ...factories.accounts import UserFactory
from ...factories.deals import ConnectionFactory, DealFactory, company_stages, map_stage
from .standin import remote


def test_a_first_sync_creates_every_deal_and_stores_the_cursor(crm, standin):
    standin.deals = [remote(f"006{n:015d}") for n in range(5)]

    run = connection_sync(crm)

    assert (run.state, run.created) == (SyncState.SUCCEEDED, 5)
    assert Deal.objects.filter(connection=crm, source="salesforce").count() == 5
    crm.refresh_from_db()
    assert crm.sync_state == {"position": 5}
    assert crm.last_success_at is not None
    assert crm.last_error == ""


def test_a_second_sync_starts_from_the_stored_cursor(crm, standin):
    standin.deals = [remote("A"), remote("B")]
    connection_sync(crm)
    standin.deals.append(remote("C"))

    run = connection_sync(crm)

    assert standin.states_seen[-1] == {"position": 2}
    assert (run.created, run.unchanged) == (1, 0)


def test_a_changed_deal_is_updated_not_duplicated(crm, standin):
    standin.deals = [remote("A", amount="100.00", currency="EUR")]
    connection_sync(crm)
    standin.deals = [remote("A", amount="250.00", currency="EUR")]
    crm.refresh_from_db()
    crm.sync_state = {}
    crm.save()

    run = connection_sync(crm)

    assert run.changed == 1
    assert list(Deal.objects.values_list("amount", flat=True)) == [Decimal("250.00")]


def test_a_failure_mid_sync_keeps_the_pages_applied_and_their_cursor(crm, standin):
    standin.deals = [remote(name) for name in "ABCDEF"]
    standin.fail_after_pages = 2

    run = connection_sync(crm)

    assert run.state == SyncState.FAILED
    assert run.error == "Salesforce answered 503: try again later."
    assert Deal.objects.count() == 4
    crm.refresh_from_db()
    assert crm.sync_state == {"position": 4}
    assert crm.last_error == "Salesforce answered 503: try again later."


def test_the_sync_after_a_failure_resumes_where_it_stopped(crm, standin):
    standin.deals = [remote(name) for name in "ABCDEF"]
    standin.fail_after_pages = 2
    connection_sync(crm)
    standin.fail_after_pages = None

    run = connection_sync(crm)

    assert (run.state, run.created) == (SyncState.SUCCEEDED, 2)
    assert Deal.objects.count() == 6
    crm.refresh_from_db()
    assert crm.last_error == ""


def test_an_unexpected_error_is_reported_in_plain_words_without_its_text(crm, standin):
    standin.deals = [remote("A")]
    standin.fail_after_pages = 0
    standin.fail_with = RuntimeError("token=t0ken leaked in a traceback")

    run = connection_sync(crm)

    assert run.state == SyncState.FAILED
    assert "unexpected error" in run.error
    assert "t0ken" not in run.error


def test_a_sync_while_another_runs_skips(crm, standin):
    Connection.objects.filter(pk=crm.pk).update(sync_lease_until=timezone.now() + timezone.timedelta(minutes=5))

    assert connection_sync(crm) is None
    assert SyncRun.objects.count() == 0


def test_a_lease_left_by_a_crashed_sync_expires(crm, standin):
    Connection.objects.filter(pk=crm.pk).update(sync_lease_until=timezone.now() - timezone.timedelta(seconds=1))
    standin.deals = [remote("A")]

    assert connection_sync(crm).state == SyncState.SUCCEEDED


@pytest.mark.postgres
@pytest.mark.skipif(db_connection.vendor != "postgresql", reason="SQLite serialises writers: there is no race to test")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_syncs_at_once_create_no_duplicates(standin):
    connection = ConnectionFactory(name="Salesforce", kind="salesforce")
    Connection.objects.filter(pk=connection.pk).update(credentials_sealed="x")
    standin.deals = [remote(f"D{n}") for n in range(40)]
    standin.page_size = 5
    standin_unseal = "deals.crm.base.unseal"
    results = []

    def sync():
        try:
            results.append(connection_sync(Connection.objects.get(pk=connection.pk)))
        finally:
            db_connection.close()

    import unittest.mock

    with unittest.mock.patch(standin_unseal, return_value={}):
        threads = [threading.Thread(target=sync) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert Deal.objects.filter(connection=connection).count() == 40
    assert Deal.objects.values("external_id").distinct().count() == 40
    assert sorted(run is None for run in results) == [False, True]


def test_the_crm_outcome_stands_while_the_stage_is_not_mapped(crm, standin):
    standin.deals = [remote("A", stage="Closed Won", outcome=Outcome.WON, close_date="2026-11-02")]

    run = connection_sync(crm)

    deal = Deal.objects.get()
    assert (deal.outcome, deal.stage, deal.source_stage) == (Outcome.WON, None, "Closed Won")
    assert str(deal.close_date) == "2026-11-02"
    assert deal.expected_close_date is None
    assert run.problems["unmapped_stages"] == {"Closed Won": 1}


def test_a_mapped_stage_decides_the_outcome(crm, standin):
    stages = company_stages()
    map_stage(crm, "Negotiation", stages["proposal"])
    standin.deals = [remote("A", stage="Negotiation", outcome=Outcome.WON, close_date="2026-12-20")]

    connection_sync(crm)

    deal = Deal.objects.get()
    assert (deal.outcome, deal.stage) == (Outcome.OPEN, stages["proposal"])
    assert str(deal.expected_close_date) == "2026-12-20"
    assert deal.close_date is None


def test_the_owner_is_matched_by_email(crm, standin):
    owner = UserFactory(email="dana@example.com")
    standin.deals = [remote("A", owner_email="DANA@example.com"), remote("B", owner_email="nobody@example.com")]

    connection_sync(crm)

    assert Deal.objects.get(external_id="A").owner == owner
    assert Deal.objects.get(external_id="B").unresolved_owner == "nobody@example.com"


def test_a_deal_the_import_rules_refuse_is_skipped_and_named(crm, standin):
    standin.deals = [remote("A", amount="lots", currency="EUR"), remote("B", name="x" * 300), remote("C")]

    run = connection_sync(crm)

    assert (run.created, run.skipped) == (1, 2)
    assert Deal.objects.get().external_id == "C"
    assert run.problems["skipped"][0].startswith("A: Amount")
    assert run.problems["skipped"][1].startswith("B: Deal name")


def test_markup_from_the_crm_is_kept_as_text(crm, standin):
    standin.deals = [remote("A", name="<script>alert(1)</script>")]

    connection_sync(crm)

    assert Deal.objects.get().name == "<script>alert(1)</script>"


def test_a_deal_deleted_in_the_crm_is_marked_deleted(crm, standin):
    standin.deals = [remote("A"), remote("B")]
    connection_sync(crm)
    standin.deleted = ["A", "unknown"]

    run = connection_sync(crm)

    assert run.deleted == 1
    assert Deal.objects.get(external_id="A").deleted_at is not None
    assert Deal.objects.get(external_id="B").deleted_at is None


def test_a_deleted_deal_that_comes_back_is_alive_again(crm, standin):
    DealFactory(connection=crm, external_id="A", deleted_at=timezone.now(), source="salesforce")
    standin.deals = [remote("A")]

    connection_sync(crm)

    assert Deal.objects.get().deleted_at is None


def test_deals_of_another_connection_are_left_alone(crm, standin):
    other = ConnectionFactory(name="Other", kind="csv")
    DealFactory(connection=other, external_id="A", name="Theirs")
    standin.deals = [remote("A", name="Ours")]
    standin.deleted = ["A"]

    connection_sync(crm)

    theirs = Deal.objects.get(connection=other)
    assert (theirs.name, theirs.deleted_at) == ("Theirs", None)


def test_without_credentials_the_sync_says_what_to_do(db, standin):
    connection = ConnectionFactory(name="Salesforce", kind="salesforce")

    run = connection_sync(connection)

    assert run.state == SyncState.FAILED
    assert "no credentials yet" in run.error


def test_fetch_applies_the_named_deals_and_leaves_the_cursor(crm, standin):
    standin.deals = [remote("A", name="Fresh"), remote("B")]

    run = connection_fetch(crm, ["A", "missing"])

    assert (run.trigger, run.created) == (SyncTrigger.WEBHOOK, 1)
    assert Deal.objects.get().name == "Fresh"
    crm.refresh_from_db()
    assert crm.sync_state == {}


def test_testing_the_connection_stores_the_account_id(crm, standin):
    assert connection_test(crm) == "00D000000000001AAA"
    crm.refresh_from_db()
    assert crm.remote_account_id == "00D000000000001AAA"


def test_testing_the_connection_passes_on_the_plain_error(crm, standin):
    standin.fail_with = CrmAuthError("The credentials were refused: check the consumer key.")

    with pytest.raises(CrmError, match="credentials were refused"):
        connection_test(crm)


def test_due_connections_are_the_enabled_ones_not_synced_lately(crm, standin):
    ConnectionFactory(name="Off", kind="salesforce", sync_enabled=False, credentials_sealed="x")
    recent = ConnectionFactory(name="Recent", kind="salesforce", sync_enabled=True, credentials_sealed="x")
    Connection.objects.filter(pk=recent.pk).update(last_sync_at=timezone.now())
    ConnectionFactory(name="CSV", kind="csv", sync_enabled=True, credentials_sealed="x")

    assert connections_due() == [crm]


def test_credentials_for_another_account_are_refused_by_the_test(crm, standin):
    Connection.objects.filter(pk=crm.pk).update(remote_account_id="00D999999999999")
    crm.refresh_from_db()

    with pytest.raises(SyncUnavailable, match="remove its credentials first"):
        connection_test(crm)
    crm.refresh_from_db()
    assert crm.remote_account_id == "00D999999999999"


def test_the_15_character_form_of_the_same_salesforce_account_passes_the_test(crm, standin):
    Connection.objects.filter(pk=crm.pk).update(remote_account_id="00D000000000001")
    crm.refresh_from_db()

    assert connection_test(crm) == "00D000000000001AAA"


def test_testing_and_asking_for_a_sync_are_in_the_audit_log(crm, standin):
    admin = UserFactory(is_superuser=True)

    connection_test(crm, by=admin)
    connection_sync_queue(crm, by=admin)

    actions = list(ModelLogEntry.objects.filter(user=admin).values_list("action", flat=True))
    assert sorted(actions) == ["lastmile.connection.sync_requested", "lastmile.connection.tested"]


def test_removing_credentials_forgets_the_account_and_the_cursor(crm, standin):
    standin.deals = [remote("A")]
    connection_sync(crm)
    connection_test(crm)

    connection_credentials_remove(crm)

    crm.refresh_from_db()
    assert (crm.remote_account_id, crm.sync_state, crm.sync_enabled) == ("", {}, False)
    assert Deal.objects.filter(connection=crm).count() == 1
