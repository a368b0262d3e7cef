"""A file above the inline size is previewed and committed by the task worker, with progress."""

import pytest

from deals.models import Deal, DealImport, ImportState
from deals.services.imports import deal_import_commit, deal_import_upload
from tests.factories.accounts import UserFactory
from tests.queue import outside_transaction, run_worker

from .imports import csv_file, salesforce_connection, salesforce_report, sf_row


@outside_transaction
def test_a_large_file_is_previewed_and_committed_by_the_worker(task_queue, settings):
    settings.LASTMILE_IMPORT_INLINE_BYTES = 100
    importer = UserFactory(username="ops", is_superuser=True)
    crm = salesforce_connection(name="Salesforce", kind="salesforce")
    content = salesforce_report(*(sf_row(f"006{n:012d}", name=f"Deal {n}") for n in range(50)))

    deal_import = deal_import_upload(user=importer, uploaded_file=csv_file(content), connection=crm)
    assert DealImport.objects.get().state == ImportState.PREVIEWING
    run_worker()
    deal_import.refresh_from_db()
    assert (deal_import.state, deal_import.progress_percent, deal_import.rows_created) == ("previewed", 100, 50)

    deal_import_commit(deal_import=deal_import, user=importer)
    assert DealImport.objects.get().state == ImportState.COMMITTING
    assert Deal.objects.count() == 0
    run_worker()

    assert DealImport.objects.get().state == ImportState.COMMITTED
    assert Deal.objects.count() == 50


@pytest.mark.django_db
def test_the_page_of_an_import_in_progress_refreshes_and_shows_its_progress(client, manager):
    from django.urls import reverse

    client.force_login(manager)
    client.post(reverse("portal:deal-imports"), {"file": csv_file(salesforce_report(sf_row()))})
    DealImport.objects.update(state=ImportState.PREVIEWING, progress_percent=40)

    page = client.get(reverse("portal:deal-import-detail", args=[DealImport.objects.get().public_id]))

    assert '<meta http-equiv="refresh" content="2">' in page.content.decode()
    assert '<progress id="import-progress" max="100" value="40">' in page.content.decode()
