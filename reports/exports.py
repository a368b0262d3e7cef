"""Spreadsheet exports for report views that are safe to open in Excel, LibreOffice or Google Sheets.

`SafeSpreadsheetExportMixin` goes before Wagtail's `ReportView`::

    class TemplatePerformanceView(SafeSpreadsheetExportMixin, ReportView):
        export_filename = "template-performance"
        list_export = ["title", "win_rate", "n"]
        export_headings = {"win_rate": "Win rate"}
        export_definitions = {"win_rate": "Deals won / deals closed, where the template was sent."}

        def get_export_notes(self):
            return ["Closed 2026-01-01 to 2026-03-31", "Association, not effect"]

What it adds to Wagtail's `SpreadsheetExportMixin`:

- Formula injection (OWASP "CSV injection"): a string cell starting with ``= + - @``, tab or carriage
  return gets a leading apostrophe in the CSV; in the XLSX every string is written as a text cell, so it
  opens as the literal text and no cell is a formula. Numbers stay numbers (a -0.05 is not neutralised;
  the string "-0.05" is).
- Rows may be model instances, dicts or plain objects (dataclasses): fields are read with Wagtail's
  `multigetattr`, which tries a key, then an attribute, along a dotted path.
- A definitions block: the notes (`get_export_notes()`: the window, the filters, caveats) and a one-line
  definition per column (`export_definitions`). CSV: after the data, an empty row, "Notes" and one row per
  note, then "Column", "Definition" and one row per defined column. XLSX: a second sheet "Definitions".
- The filename carries the date: ``template-performance-2026-12-05.csv``.
"""

import csv
import datetime
import decimal

from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.text import capfirst

from wagtail.admin.views.mixins import Echo, ExcelDateFormatter, SpreadsheetExportMixin

# The first characters that make a spreadsheet read a cell as a formula (or hide one behind a tab/CR).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

NUMBER_TYPES = (int, float, decimal.Decimal)


def neutralise_csv(value: str) -> str:
    """A leading apostrophe on text a spreadsheet would read as a formula; other text as it is."""
    if value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _xlsx_text(value: str) -> str:
    """Text without the control characters XLSX cannot hold (openpyxl raises on them)."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", value)


class SafeSpreadsheetExportMixin(SpreadsheetExportMixin):
    """Wagtail's spreadsheet export, neutralising formulas and adding the notes and column definitions."""

    export_filename = "report"
    # A one-line definition per exported field: {field: definition}. Fields not in list_export are ignored.
    export_definitions: dict = {}
    # The title of the data worksheet in the XLSX.
    export_sheet_title = "Data"
    definitions_sheet_title = "Definitions"

    def get_export_notes(self) -> list:
        """What a reader needs to know about the export: the window, the filters, the caveats."""
        return []

    def get_filename(self) -> str:
        return f"{self.export_filename}-{timezone.localdate().isoformat()}"

    def get_heading(self, queryset, field):
        if not hasattr(queryset, "model"):
            # A list of dicts or objects: no model to take a verbose name from.
            heading = self.export_headings.get(field)
            return force_str(heading) if heading else capfirst(field.replace("_", " ").replace(".", " "))
        return super().get_heading(queryset, field)

    def get_definition_rows(self, queryset) -> list:
        """[(heading, definition)] for the defined columns, in export order."""
        return [
            (self.get_heading(queryset, field), force_str(self.export_definitions[field]))
            for field in self.list_export
            if self.export_definitions.get(field)
        ]

    def _notes(self) -> list:
        return [force_str(note) for note in self.get_export_notes()]

    # Values

    def preprocess_field_value(self, field, value, export_format):
        value = super().preprocess_field_value(field, value, export_format)
        if isinstance(value, str) and export_format == self.FORMAT_CSV:
            return neutralise_csv(value)
        return value

    def _text_cell(self, worksheet, value):
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(worksheet, _xlsx_text(value))
        cell.data_type = "s"
        return cell

    def generate_xlsx_row(self, worksheet, row_dict, date_format=None):
        from openpyxl.cell import WriteOnlyCell

        for field, value in row_dict.items():
            processed = self.preprocess_field_value(field, value, self.FORMAT_XLSX)
            if isinstance(processed, str):
                # Text is text: never a formula ("="), an error code ("#N/A") or anything else openpyxl guesses.
                yield self._text_cell(worksheet, processed)
                continue
            if processed is not None and not isinstance(processed, NUMBER_TYPES + (datetime.date, datetime.time)):
                yield self._text_cell(worksheet, force_str(processed))
                continue
            cell = WriteOnlyCell(worksheet, processed)
            if date_format and isinstance(value, datetime.datetime):
                cell.number_format = date_format
            yield cell

    # CSV

    def stream_csv(self, queryset):
        writer = csv.DictWriter(Echo(), fieldnames=self.list_export)
        yield writer.writerow({field: neutralise_csv(self.get_heading(queryset, field)) for field in self.list_export})
        for item in queryset:
            yield self.write_csv_row(writer, self.to_row_dict(item))
        yield from self.stream_csv_definitions(queryset)

    def stream_csv_definitions(self, queryset):
        notes = self._notes()
        definitions = self.get_definition_rows(queryset)
        if not notes and not definitions:
            return
        writer = csv.writer(Echo())
        yield writer.writerow([])
        if notes:
            yield writer.writerow(["Notes"])
            for note in notes:
                yield writer.writerow([neutralise_csv(note)])
        if definitions:
            yield writer.writerow(["Column", "Definition"])
            for heading, definition in definitions:
                yield writer.writerow([neutralise_csv(heading), neutralise_csv(definition)])

    # XLSX

    def write_xlsx(self, queryset, output):
        from openpyxl import Workbook

        workbook = Workbook(write_only=True, iso_dates=True)
        worksheet = workbook.create_sheet(title=self.export_sheet_title)
        worksheet.append([self._text_cell(worksheet, self.get_heading(queryset, field)) for field in self.list_export])

        date_format = ExcelDateFormatter().get()
        for item in queryset:
            worksheet.append(self.generate_xlsx_row(worksheet, self.to_row_dict(item), date_format=date_format))

        self.write_xlsx_definitions(workbook, queryset)
        workbook.save(output)

    def write_xlsx_definitions(self, workbook, queryset) -> None:
        notes = self._notes()
        definitions = self.get_definition_rows(queryset)
        if not notes and not definitions:
            return
        sheet = workbook.create_sheet(title=self.definitions_sheet_title)

        def append(*texts):
            sheet.append([self._text_cell(sheet, text) for text in texts])

        if notes:
            append("Notes")
            for note in notes:
                append(note)
            if definitions:
                sheet.append([])
        if definitions:
            append("Column", "Definition")
            for heading, definition in definitions:
                append(heading, definition)
