"""Every kind of malformed file ends in a clear message naming the line, and changes nothing."""

import pytest

from deals.models import Deal, ImportState
from deals.services.imports import DealImportError, deal_import_commit, deal_import_upload
from tests.factories.accounts import UserFactory
from tests.factories.deals import DealFactory

from .imports import SF_HEADER, csv_file, salesforce_connection, salesforce_report, sf_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def importer(db):
    return UserFactory(username="ops", is_superuser=True)


@pytest.fixture
def connection(db):
    return salesforce_connection(name="Salesforce", kind="salesforce")


@pytest.fixture
def existing(connection):
    return DealFactory(connection=connection, external_id="006000000000001AAA", source="csv", name="Untouched")


def upload(importer, connection, data):
    return deal_import_upload(user=importer, uploaded_file=csv_file(data), connection=connection)


def assert_nothing_changed(existing):
    assert list(Deal.objects.values_list("external_id", "name")) == [("006000000000001AAA", "Untouched")]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "This is a PDF"),
        (b"\x00\x01\x02\x03binary\x00junk", "not a text file"),
        (b"PK\x03\x04\x14\x00\x06\x00", "spreadsheet"),
        (SF_HEADER.encode() + b"\r\n", "no deals"),
        (
            f'{SF_HEADER}\r\n"006000000000002","Unclosed quote,"Acme"\r\n'.encode(),
            "Line 2: the file's quoting is broken",
        ),
        (f'{SF_HEADER}\r\n"006000000000002","A" trailing,"B"\r\n'.encode(), "Line 2: the file's quoting is broken"),
        (f"{SF_HEADER}\r\n{sf_row(name='x' * 20_000)}\r\n".encode(), "Line 2: a field of 20,000 characters"),
        (f"{SF_HEADER}\r\n{sf_row()}\r\n{',' * 500}\r\n".encode(), "Line 3: 501 columns"),
        (b"Just,Some,Columns\r\n1,2,3\r\n", "No column for External id, Deal name"),
    ],
)
def test_a_malformed_file_fails_with_a_clear_message_and_changes_nothing(importer, connection, existing, data, message):
    deal_import = upload(importer, connection, data)

    assert deal_import.state == ImportState.FAILED
    assert message in deal_import.failure
    with pytest.raises(DealImportError):
        deal_import_commit(deal_import=deal_import, user=importer, valid_rows_only=True)
    assert_nothing_changed(existing)


def test_an_empty_upload_is_refused_before_it_is_kept(importer, connection, existing):
    with pytest.raises(DealImportError, match="empty"):
        upload(importer, connection, b"")

    assert_nothing_changed(existing)


def test_a_file_over_the_size_limit_is_refused(importer, connection, existing, settings):
    settings.LASTMILE_IMPORT_MAX_BYTES = 100

    with pytest.raises(DealImportError, match="larger than"):
        upload(importer, connection, salesforce_report(sf_row(), sf_row("006000000000002")))

    assert_nothing_changed(existing)


def test_a_file_over_the_row_limit_names_the_line_and_changes_nothing(importer, connection, existing, settings):
    settings.LASTMILE_IMPORT_MAX_ROWS = 2
    rows = [sf_row(f"00600000000000{n}", name=f"New {n}") for n in range(2, 6)]

    deal_import = upload(importer, connection, salesforce_report(*rows))

    assert deal_import.state == ImportState.FAILED
    assert deal_import.failure.startswith("Line 4: the file has more than 2 rows")
    assert_nothing_changed(existing)


def test_a_row_with_the_wrong_number_of_columns_is_refused_by_line(importer, connection, existing):
    deal_import = upload(importer, connection, f'{SF_HEADER}\r\n{sf_row("006000000000002")}\r\n"x","y"\r\n')

    assert deal_import.preview["errors"][0]["line"] == 3
    assert "2 columns" in deal_import.preview["errors"][0]["message"]
    with pytest.raises(DealImportError):
        deal_import_commit(deal_import=deal_import, user=importer)
    assert_nothing_changed(existing)
