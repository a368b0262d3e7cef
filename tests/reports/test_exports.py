import csv
import dataclasses
import datetime
import io
from decimal import Decimal

from django.test import RequestFactory
from django.utils import timezone

from wagtail.admin.views.reports import ReportView

import openpyxl
import pytest

from reports.exports import SafeSpreadsheetExportMixin, neutralise_csv

ROWS = [
    {"title": "Plain title", "rate": 0.42, "n": 57, "owner": None},
    {"title": '=HYPERLINK("http://evil","x")', "rate": -0.05, "n": 3, "owner": "@admin"},
]


class TemplateReport(SafeSpreadsheetExportMixin, ReportView):
    export_filename = "template-performance"
    list_export = ["title", "rate", "n", "owner"]
    export_headings = {"title": "Template", "rate": "Win rate"}
    export_definitions = {"rate": "Deals won / deals closed", "n": "=Deals closed"}
    rows = ROWS

    def get_queryset(self):
        return list(self.rows)

    def get_export_notes(self):
        return ["Closed 2026-01-01 to 2026-03-31", "Association, not effect", "-filtered by a user"]


class NoNotesReport(TemplateReport):
    export_definitions = {}

    def get_export_notes(self):
        return []


def export(view_class, export_format, rows=None):
    request = RequestFactory().get("/reports/templates/", {"export": export_format})
    view = view_class()
    if rows is not None:
        view.rows = rows
    view.setup(request)
    return view.get(request)


def csv_rows(response):
    content = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.reader(io.StringIO(content)))


def workbook(response):
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-0.05", "'-0.05"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Plain - title", "Plain - title"),
        ("", ""),
    ],
)
def test_neutralise_csv_prefixes_formula_triggers_only(text, expected):
    assert neutralise_csv(text) == expected


def test_csv_is_streamed():
    response = export(TemplateReport, "csv")

    assert response.streaming


def test_csv_header_uses_headings_and_readable_field_names():
    assert csv_rows(export(TemplateReport, "csv"))[0] == ["Template", "Win rate", "N", "Owner"]


def test_csv_neutralises_formula_strings_and_keeps_numbers():
    rows = csv_rows(export(TemplateReport, "csv"))

    assert rows[1] == ["Plain title", "0.42", "57", ""]
    assert rows[2] == ['\'=HYPERLINK("http://evil","x")', "-0.05", "3", "'@admin"]


def test_csv_neutralises_a_negative_number_written_as_a_string():
    rows = csv_rows(export(TemplateReport, "csv", rows=[{"title": "-0.05", "rate": None, "n": 1, "owner": "+44"}]))

    assert rows[1] == ["'-0.05", "", "1", "'+44"]


def test_csv_neutralises_leading_tab_and_carriage_return():
    response = export(TemplateReport, "csv", rows=[{"title": "\t=cmd", "rate": 1, "n": 1, "owner": "\r=cmd"}])

    assert csv_rows(response)[1] == ["'\t=cmd", "1", "1", "'\r=cmd"]


def test_csv_appends_notes_then_definitions_after_an_empty_row():
    rows = csv_rows(export(TemplateReport, "csv"))

    assert rows[3:] == [
        [],
        ["Notes"],
        ["Closed 2026-01-01 to 2026-03-31"],
        ["Association, not effect"],
        ["'-filtered by a user"],
        ["Column", "Definition"],
        ["Win rate", "Deals won / deals closed"],
        ["N", "'=Deals closed"],
    ]


def test_csv_without_notes_or_definitions_ends_with_the_data():
    rows = csv_rows(export(NoNotesReport, "csv"))

    assert len(rows) == 3


def test_csv_reads_dataclass_rows():
    @dataclasses.dataclass
    class Row:
        title: str
        rate: Decimal
        n: int
        owner: str

    rows = csv_rows(export(NoNotesReport, "csv", rows=[Row("=x", Decimal("0.50"), 2, "Ann")]))

    assert rows[1] == ["'=x", "0.50", "2", "Ann"]


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_filename_carries_the_date(export_format, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda: datetime.date(2026, 12, 5))

    response = export(TemplateReport, export_format)

    assert f'filename="template-performance-2026-12-05.{export_format}"' in response["Content-Disposition"]


def test_xlsx_writes_formula_like_strings_as_text():
    sheet = workbook(export(TemplateReport, "xlsx"))["Data"]

    cell = sheet["A3"]
    assert cell.data_type == "s"
    assert cell.value == '=HYPERLINK("http://evil","x")'
    assert sheet["D3"].data_type == "s"
    assert sheet["D3"].value == "@admin"


def test_xlsx_has_no_formula_cells():
    book = workbook(export(TemplateReport, "xlsx"))

    data_types = {cell.data_type for sheet in book.worksheets for row in sheet.iter_rows() for cell in row}
    assert "f" not in data_types


def test_xlsx_writes_numbers_as_numbers():
    sheet = workbook(export(TemplateReport, "xlsx"))["Data"]

    assert (sheet["B3"].data_type, sheet["B3"].value) == ("n", -0.05)
    assert (sheet["C2"].data_type, sheet["C2"].value) == ("n", 57)


def test_xlsx_writes_a_negative_number_string_as_text():
    sheet = workbook(export(TemplateReport, "xlsx", rows=[{"title": "-0.05", "rate": 1, "n": 1, "owner": "#N/A"}]))[
        "Data"
    ]

    assert (sheet["A2"].data_type, sheet["A2"].value) == ("s", "-0.05")
    assert (sheet["D2"].data_type, sheet["D2"].value) == ("s", "#N/A")


def test_xlsx_keeps_leading_tab_and_carriage_return_as_text():
    sheet = workbook(export(TemplateReport, "xlsx", rows=[{"title": "\t=cmd", "rate": 1, "n": 1, "owner": "\r=cmd"}]))[
        "Data"
    ]

    assert (sheet["A2"].data_type, sheet["A2"].value) == ("s", "\t=cmd")
    # The cell is text, not a formula. (openpyxl writes with lxml, installed with simple-salesforce's
    # zeep, which keeps a carriage return; without lxml it comes back as a line feed.)
    assert (sheet["D2"].data_type, sheet["D2"].value) == ("s", "\r=cmd")


def test_xlsx_leaves_none_empty():
    sheet = workbook(export(TemplateReport, "xlsx"))["Data"]

    assert sheet["D2"].value is None


def test_xlsx_drops_control_characters_excel_cannot_hold():
    sheet = workbook(
        export(TemplateReport, "xlsx", rows=[{"title": "Bell\x07 title", "rate": 1, "n": 1, "owner": ""}])
    )["Data"]

    assert sheet["A2"].value == "Bell title"


def test_xlsx_keeps_wagtail_date_handling():
    when = datetime.datetime(2026, 3, 31, 17, 30, tzinfo=datetime.UTC)
    sheet = workbook(export(NoNotesReport, "xlsx", rows=[{"title": "x", "rate": when, "n": 1, "owner": ""}]))["Data"]

    assert sheet["B2"].value == when.replace(tzinfo=None)
    assert sheet["B2"].is_date


def test_xlsx_definitions_sheet_has_notes_and_column_definitions():
    book = workbook(export(TemplateReport, "xlsx"))

    assert book.sheetnames == ["Data", "Definitions"]
    values = [tuple(cell.value for cell in row) for row in book["Definitions"].iter_rows()]
    assert values == [
        ("Notes", None),
        ("Closed 2026-01-01 to 2026-03-31", None),
        ("Association, not effect", None),
        ("-filtered by a user", None),
        (None, None),
        ("Column", "Definition"),
        ("Win rate", "Deals won / deals closed"),
        ("N", "=Deals closed"),
    ]


def test_xlsx_definitions_text_is_text():
    sheet = workbook(export(TemplateReport, "xlsx"))["Definitions"]

    assert (sheet["A4"].data_type, sheet["B8"].data_type) == ("s", "s")


def test_xlsx_without_notes_or_definitions_has_one_sheet():
    assert workbook(export(NoNotesReport, "xlsx")).sheetnames == ["Data"]
