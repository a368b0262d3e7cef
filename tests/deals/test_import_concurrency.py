"""Two imports of overlapping files at once, or an import racing another writer, create no
duplicate deals: the (connection, external id) constraint and an insert that leaves conflicts to it."""

import threading

from django.db import connection

import pytest

from deals.models import Deal, DealImport, ImportState
from deals.services.imports import deal_import_commit, deal_import_commit_run, deal_import_upload
from tests.factories.accounts import UserFactory
from tests.factories.deals import DealFactory

from .imports import csv_file, salesforce_connection, salesforce_report, sf_row

ROWS = 300


def _ids(start: int, stop: int) -> list[str]:
    return [f"006{n:012d}" for n in range(start, stop)]


def _report(ids: list[str], amount: str) -> str:
    return salesforce_report(
        *(sf_row(opportunity_id, name=f"Deal {opportunity_id}", amount=amount) for opportunity_id in ids)
    )


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers: there is no race to test")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_overlapping_imports_at_once_create_no_duplicates():
    importer = UserFactory(username="ops", is_superuser=True)
    crm = salesforce_connection(name="Salesforce", kind="salesforce")
    first = deal_import_upload(user=importer, uploaded_file=csv_file(_report(_ids(0, ROWS), "1.00")), connection=crm)
    # The second file overlaps the first by half, in the opposite order (the worst case for locks).
    second_ids = list(reversed(_ids(ROWS // 2, ROWS + ROWS // 2)))
    second = deal_import_upload(user=importer, uploaded_file=csv_file(_report(second_ids, "2.00")), connection=crm)
    barrier, failures = threading.Barrier(2), []

    def commit(deal_import):
        try:
            barrier.wait()
            deal_import_commit(deal_import=deal_import, user=importer)
        except Exception as error:
            failures.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=commit, args=(deal_import,)) for deal_import in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert set(DealImport.objects.values_list("state", flat=True)) == {ImportState.COMMITTED}
    assert Deal.objects.filter(connection=crm).count() == ROWS + ROWS // 2
    assert Deal.objects.values("external_id").distinct().count() == Deal.objects.count()


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers: there is no race to test")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_deal_another_writer_created_meanwhile_is_updated_not_duplicated(monkeypatch):
    from deals.services import upserts

    importer = UserFactory(username="ops", is_superuser=True)
    crm = salesforce_connection(name="Salesforce", kind="salesforce")
    deal_import = deal_import_upload(user=importer, uploaded_file=csv_file(_report(_ids(0, 3), "5.00")), connection=crm)
    deal_import.state = ImportState.COMMITTING
    deal_import.save()
    original_existing = upserts.existing_deals

    def existing_then_another_writer(connection_, external_ids):
        found = original_existing(connection_, external_ids)
        # Another writer (an API sync) commits one of the deals between our read and our insert.
        writer = threading.Thread(target=_other_writer, args=(crm.pk, external_ids[0]))
        writer.start()
        writer.join()
        return found

    monkeypatch.setattr(upserts, "existing_deals", existing_then_another_writer)
    deal_import_commit_run(deal_import)

    assert Deal.objects.filter(connection=crm).count() == 3
    assert set(Deal.objects.values_list("amount", flat=True)) == {5}
    assert deal_import.result["created"] == 2


def _other_writer(connection_id: int, external_id: str) -> None:
    try:
        if not Deal.objects.filter(connection_id=connection_id, external_id=external_id).exists():
            DealFactory(connection_id=connection_id, external_id=external_id, source="salesforce", owner=None)
    finally:
        connection.close()
