import codecs
import datetime
from decimal import Decimal

import pytest

from deals.imports.errors import MalformedFileError
from deals.imports.formats import choose_date_format, choose_number_format, parse_amount, parse_date
from deals.imports.sniffing import sniff_delimiter, sniff_encoding


@pytest.mark.parametrize(
    ("text", "fmt", "expected"),
    [
        ("1,234,567.89", "decimal_point", Decimal("1234567.89")),
        ("9900.5", "decimal_point", Decimal("9900.5")),
        ("1.234.567,89", "decimal_comma", Decimal("1234567.89")),
        ("12 500,00", "decimal_comma", Decimal("12500.00")),
        ("-42", "decimal_point", Decimal("-42")),
    ],
)
def test_amounts_are_exact_decimals(text, fmt, expected):
    assert parse_amount(text, fmt) == expected


@pytest.mark.parametrize(
    ("text", "fmt"), [("1,23,4.5", "decimal_point"), ("12.5.0", "decimal_comma"), ("ten", "decimal_point")]
)
def test_malformed_amounts_are_refused(text, fmt):
    with pytest.raises(ValueError, match=text):
        parse_amount(text, fmt)


def test_the_number_format_is_chosen_from_the_data():
    assert choose_number_format(["120,000.00", "9,900.50"], delimiter=",") == "decimal_point"
    assert choose_number_format(["120.000,00", "9.900,50"], delimiter=",") == "decimal_comma"


def test_an_undecided_column_follows_the_delimiters_locale():
    assert choose_number_format(["12.500"], delimiter=";") == "decimal_comma"
    assert choose_number_format(["12.500"], delimiter=",") == "decimal_point"


@pytest.mark.parametrize(
    ("text", "fmt"),
    [("2026-12-31", "iso"), ("2026-12-31 00:00", "iso"), ("31.12.2026", "dmy_dots"), ("12/31/2026", "mdy_slashes")],
)
def test_dates_in_every_supported_format(text, fmt):
    assert parse_date(text, fmt) == datetime.date(2026, 12, 31)


def test_an_impossible_date_is_refused():
    with pytest.raises(ValueError, match="not a real date"):
        parse_date("2/30/2026", "mdy_slashes")


def test_the_date_format_is_chosen_from_the_data():
    assert choose_date_format(["2/7/2026", "10/27/2026"]) == "mdy_slashes"
    assert choose_date_format(["07.02.2026"]) == "dmy_dots"
    assert choose_date_format([]) == "iso"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ("Name,Betrag\nMüller,1\n".encode(), "utf-8-sig"),
        (codecs.BOM_UTF8 + "Name,Betrag\nMüller,1\n".encode(), "utf-8-sig"),
        ("Name,Betrag\nMüller,1\n".encode("utf-16"), "utf-16"),
        ("Name,Betrag\nMüller – €1\n".encode("cp1252"), "cp1252"),
    ],
)
def test_the_encoding_is_sniffed(tmp_path, data, encoding):
    path = tmp_path / "deals.csv"
    path.write_bytes(data)

    assert sniff_encoding(path) == encoding


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"\xef\xbb\xbf\r\n", "empty"),
        (b"PK\x03\x04\x14\x00rest-of-a-workbook", "spreadsheet"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a text file"),
        (b"abc,def\n\x81\x8d\x8f\x90\x9d\n", "not a text file"),
    ],
)
def test_binary_and_empty_files_are_refused(tmp_path, data, message):
    path = tmp_path / "deals.csv"
    path.write_bytes(data)

    with pytest.raises(MalformedFileError, match=message):
        sniff_encoding(path)


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [
        ('a,b,c\n"1,5",2,3\n', ","),
        ("a;b;c\n1,5;2;3\n", ";"),
        ("a\tb\tc\n1,5\t2\t3\n", "\t"),
    ],
)
def test_the_delimiter_is_sniffed(tmp_path, text, delimiter):
    path = tmp_path / "deals.csv"
    path.write_text(text, encoding="utf-8")

    assert sniff_delimiter(path, "utf-8") == delimiter
