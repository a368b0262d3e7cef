import datetime
from decimal import Decimal

from django.conf import settings

import pytest

from deals.models import Deal, DealImport, ImportPreset, ImportState, Outcome, StageMapping
from deals.services.imports import (
    DealImportError,
    deal_import_cancel,
    deal_import_commit,
    deal_import_map_stage,
    deal_import_reconfigure,
    deal_import_upload,
    import_path,
    import_preset_save,
)
from tests.factories.accounts import UserFactory

from .imports import SAMPLES, csv_file, salesforce_connection, salesforce_report, sf_row, stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def importer(roles):
    return UserFactory(username="ops", is_superuser=True)


@pytest.fixture
def connection(db):
    return salesforce_connection(name="Salesforce", kind="salesforce")


def upload(importer, connection, content, **kwargs):
    return deal_import_upload(user=importer, uploaded_file=csv_file(content, **kwargs), connection=connection)


def test_a_salesforce_report_previews_what_it_would_create(importer, connection):
    deal_import = upload(importer, connection, salesforce_report(sf_row(), sf_row("006000000000002", name="Beta")))

    assert deal_import.state == ImportState.PREVIEWED
    assert (deal_import.rows_created, deal_import.rows_changed, deal_import.rows_refused) == (2, 0, 0)
    assert Deal.objects.count() == 0


def test_the_report_footer_is_skipped_not_refused(importer, connection):
    deal_import = upload(importer, connection, salesforce_report(sf_row()))

    skipped = [text for _line, text in deal_import.preview["skipped_lines"]]
    assert deal_import.rows_refused == 0
    assert any(text.startswith("Copyright") for text in skipped)
    assert "Total" in skipped


def test_commit_creates_the_deals_with_exact_values(importer, connection):
    owner = UserFactory(email="owner@example.com")
    deal_import = upload(importer, connection, salesforce_report(sf_row(amount="9,900.50", stage="Closed Won")))

    deal_import_commit(deal_import=deal_import, user=importer)

    deal = Deal.objects.get()
    assert deal.external_id == "006000000000001AAA"
    assert deal.amount == Decimal("9900.50")
    assert (deal.currency, deal.stage, deal.outcome) == ("USD", stage("Closed Won"), Outcome.WON)
    assert deal.close_date == datetime.date(2026, 2, 7)
    assert deal.owner == owner
    assert deal.connection == connection
    assert deal.source == "csv"


def test_an_open_deals_close_date_is_its_expected_close_date(importer, connection):
    deal_import_commit(deal_import=upload(importer, connection, salesforce_report(sf_row())), user=importer)

    deal = Deal.objects.get()
    assert (deal.close_date, deal.expected_close_date) == (None, datetime.date(2026, 2, 7))


def test_an_unknown_owner_is_kept_for_an_administrator(importer, connection):
    content = salesforce_report(sf_row(owner="Nobody Known"))
    deal_import_commit(deal_import=upload(importer, connection, content), user=importer)

    deal = Deal.objects.get()
    assert deal.owner is None
    assert deal.unresolved_owner == "Nobody Known"


def test_reimporting_the_same_file_changes_nothing(importer, connection):
    content = salesforce_report(sf_row(), sf_row("006000000000002", name="Beta"))
    deal_import_commit(deal_import=upload(importer, connection, content), user=importer)
    before = list(Deal.objects.order_by("pk").values())

    again = upload(importer, connection, content)
    assert (again.rows_created, again.rows_changed, again.rows_unchanged) == (0, 0, 2)
    deal_import_commit(deal_import=again, user=importer)

    assert list(Deal.objects.order_by("pk").values()) == before


def test_an_updated_row_updates_its_deal(importer, connection):
    deal_import_commit(deal_import=upload(importer, connection, salesforce_report(sf_row())), user=importer)

    changed = upload(importer, connection, salesforce_report(sf_row(amount="13,000.00", stage="Closed Lost")))
    assert (changed.rows_created, changed.rows_changed) == (0, 1)
    deal_import_commit(deal_import=changed, user=importer)

    deal = Deal.objects.get()
    assert deal.amount == Decimal("13000.00")
    assert deal.outcome == Outcome.LOST


def test_15_and_18_character_ids_meet_on_the_same_deal(importer, connection):
    deal_import_commit(
        deal_import=upload(importer, connection, salesforce_report(sf_row("001A0000006Vm9r"))), user=importer
    )
    again = upload(importer, connection, salesforce_report(sf_row("001A0000006Vm9rIAC", amount="1.00")))
    deal_import_commit(deal_import=again, user=importer)

    assert list(Deal.objects.values_list("external_id", "amount")) == [("001A0000006Vm9rIAC", Decimal("1.00"))]


def test_an_unmapped_stage_is_refused_with_its_value(importer, connection):
    deal_import = upload(importer, connection, salesforce_report(sf_row(stage="Id. Decision Makers")))

    assert deal_import.rows_refused == 1
    [error] = deal_import.preview["errors"]
    assert (error["line"], error["column"]) == (2, "Stage")
    assert "“Id. Decision Makers”" in error["message"]
    assert deal_import.preview["unmapped_stages"] == {"Id. Decision Makers": 1}


def test_mapping_the_refused_stage_there_and_then_previews_it_again(importer, connection):
    deal_import = upload(importer, connection, salesforce_report(sf_row(stage="Id. Decision Makers")))

    deal_import_map_stage(deal_import=deal_import, user=importer, value="Id. Decision Makers", stage=stage("Proposal"))

    deal_import.refresh_from_db()
    assert StageMapping.objects.filter(connection=connection, value="Id. Decision Makers").exists()
    assert (deal_import.rows_refused, deal_import.rows_created) == (0, 1)


def test_a_file_with_a_bad_row_commits_nothing(importer, connection):
    content = salesforce_report(sf_row(), sf_row("006000000000002", currency="XYZ"))
    deal_import = upload(importer, connection, content)

    with pytest.raises(DealImportError, match="1 rows are refused"):
        deal_import_commit(deal_import=deal_import, user=importer)

    assert Deal.objects.count() == 0
    assert deal_import.preview["errors"][0]["line"] == 3
    assert deal_import.preview["errors"][0]["column"] == "Amount Currency"


def test_importing_the_valid_rows_leaves_the_bad_ones_out(importer, connection):
    content = salesforce_report(sf_row(), sf_row("006000000000002", amount="lots"))
    deal_import = upload(importer, connection, content)

    deal_import_commit(deal_import=deal_import, user=importer, valid_rows_only=True)

    assert list(Deal.objects.values_list("external_id", flat=True)) == ["006000000000001AAA"]
    assert deal_import.result["refused"] == 1


def test_a_row_that_breaks_between_preview_and_commit_stops_the_commit(importer, connection):
    deal_import = upload(importer, connection, salesforce_report(sf_row(), sf_row("006000000000002")))
    StageMapping.objects.filter(value="Prospecting").delete()

    deal_import_commit(deal_import=deal_import, user=importer)

    deal_import.refresh_from_db()
    assert Deal.objects.count() == 0
    assert deal_import.state == ImportState.PREVIEWED
    assert deal_import.rows_refused == 2
    assert "Nothing was imported" in deal_import.failure


def test_the_file_is_kept_until_the_commit(importer, connection):
    deal_import = upload(importer, connection, salesforce_report(sf_row()))
    path = import_path(deal_import)
    assert path.exists()
    assert str(path).startswith(str(settings.LASTMILE_IMPORT_ROOT))

    deal_import_commit(deal_import=deal_import, user=importer)

    assert not path.exists()
    assert DealImport.objects.get().stored_name == ""


def test_cancel_discards_the_file_and_imports_nothing(importer, connection):
    deal_import = upload(importer, connection, salesforce_report(sf_row()))
    path = import_path(deal_import)

    deal_import_cancel(deal_import=deal_import, user=importer)

    assert not path.exists()
    assert Deal.objects.count() == 0
    with pytest.raises(DealImportError):
        deal_import_commit(deal_import=deal_import, user=importer)


def test_a_duplicated_id_in_one_file_is_refused_on_its_second_line(importer, connection):
    deal_import = upload(importer, connection, salesforce_report(sf_row(), sf_row()))

    [error] = deal_import.preview["errors"]
    assert error["line"] == 3
    assert "also on line 2" in error["message"]


def test_the_real_salesforce_sample_imports_without_editing(importer, connection):
    deal_import = upload(importer, connection, (SAMPLES / "salesforce-opportunities.csv").read_bytes())

    assert deal_import.preset.name == "Salesforce opportunity report (English)"
    assert (deal_import.number_format, deal_import.date_format) == ("decimal_point", "mdy_slashes")
    assert deal_import.rows_refused == 0
    deal_import_commit(deal_import=deal_import, user=importer)
    assert Deal.objects.count() == deal_import.rows_total > 0


def test_the_real_hubspot_sample_is_read_and_its_stages_offered_for_mapping(importer):
    from tests.factories.deals import ConnectionFactory

    hubspot = ConnectionFactory(name="HubSpot", kind="hubspot")
    deal_import = upload(importer, hubspot, (SAMPLES / "hubspot-deals.csv").read_bytes())

    assert deal_import.preset.name == "HubSpot deals export"
    assert deal_import.encoding == "utf-8-sig"
    assert deal_import.date_format == "iso"
    assert "closedwon" in deal_import.preview["unmapped_stages"]
    assert {error["column"] for error in deal_import.preview["errors"]} == {"Deal Stage"}


def test_a_german_report_reads_decimal_commas_and_dotted_dates(importer, connection):
    content = (
        "Opportunity-ID;Opportunity-Name;Accountname;Opportunity-Inhaber;Phase;Betrag Währung;Betrag;Schlusstermin\r\n"
        "006000000000001;Bäckerei Müller;Müller;x@example.com;Prospecting;EUR;12.500,50;31.12.2026\r\n"
    )
    deal_import = upload(importer, connection, content, encoding="cp1252")

    assert (deal_import.encoding, deal_import.delimiter) == ("cp1252", ";")
    assert (deal_import.number_format, deal_import.date_format) == ("decimal_comma", "dmy_dots")
    deal_import_commit(deal_import=deal_import, user=importer)
    deal = Deal.objects.get()
    assert (deal.name, deal.amount) == ("Bäckerei Müller", Decimal("12500.50"))
    assert deal.expected_close_date == datetime.date(2026, 12, 31)


def test_a_utf16_tab_separated_export_is_read(importer, connection):
    content = salesforce_report(sf_row(name="Zoë – Pilot"), footer=False).replace('","', '"\t"')
    deal_import = upload(importer, connection, content, encoding="utf-16")

    assert (deal_import.encoding, deal_import.delimiter, deal_import.rows_created) == ("utf-16", "\t", 1)


def test_the_user_corrects_a_format_and_the_preview_follows(importer, connection):
    deal_import = upload(importer, connection, salesforce_report(sf_row(amount="12.500")))
    assert deal_import.number_format == "decimal_point"

    deal_import_reconfigure(
        deal_import=deal_import, user=importer, number_format="decimal_comma", date_format="mdy_slashes"
    )
    deal_import_commit(deal_import=deal_import, user=importer)

    assert Deal.objects.get().amount == Decimal("12500.00")


def test_a_saved_preset_maps_the_next_file(importer, connection):
    content = "Ref,Title,Money,Cur\r\nA1,Alpha,10,EUR\r\n"
    deal_import = upload(importer, connection, content)
    assert deal_import.state == ImportState.FAILED
    deal_import.mapping = {"external_id": "Ref", "name": "Title", "amount": "Money", "currency": "Cur"}
    deal_import.save()

    preset = import_preset_save(deal_import=deal_import, user=importer, name="Our sheet")
    second = deal_import_upload(user=importer, uploaded_file=csv_file(content), connection=connection, preset=preset)

    assert ImportPreset.objects.get(name="Our sheet").mapping["external_id"] == "Ref"
    assert (second.state, second.rows_created) == (ImportState.PREVIEWED, 1)


def test_a_preset_name_is_not_taken_twice(importer, connection):
    deal_import = upload(importer, connection, salesforce_report(sf_row()))
    import_preset_save(deal_import=deal_import, user=importer, name="Mine")

    with pytest.raises(DealImportError, match="already exists"):
        import_preset_save(deal_import=deal_import, user=importer, name="Mine")


def test_a_user_who_may_not_import_is_refused(connection, rep):
    with pytest.raises(DealImportError):
        deal_import_upload(user=rep, uploaded_file=csv_file(salesforce_report(sf_row())), connection=connection)

    assert DealImport.objects.count() == 0
