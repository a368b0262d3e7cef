"""Number and date formats of CRM exports, chosen from the data and confirmed by the user.

Amounts are parsed to exact Decimals, never floats. A value both formats could read ("12.500") is
decided by the rest of the column; when nothing decides, a semicolon-separated file (what Excel
writes in locales with a decimal comma) means a decimal comma."""

import datetime
import functools
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.db import models


class NumberFormat(models.TextChoices):
    DECIMAL_POINT = "decimal_point", "1,234.56 (decimal point, comma thousands)"
    DECIMAL_COMMA = "decimal_comma", "1.234,56 (decimal comma, dot thousands)"


class DateFormat(models.TextChoices):
    ISO = "iso", "2026-12-31 (ISO)"
    DAY_MONTH_YEAR = "dmy_dots", "31.12.2026 (day.month.year)"
    MONTH_DAY_YEAR = "mdy_slashes", "12/31/2026 (month/day/year)"


_SPACES = re.compile(r"[\s\u00a0\u202f']")
_POINT = re.compile(r"^[-+]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")
_COMMA = re.compile(r"^[-+]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$")
_DATE_PATTERNS = {
    DateFormat.ISO: re.compile(
        r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$"
    ),
    DateFormat.DAY_MONTH_YEAR: re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:,? \d{1,2}:\d{2}(?::\d{2})?)?$"),
    DateFormat.MONTH_DAY_YEAR: re.compile(
        r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:,? \d{1,2}:\d{2}(?::\d{2})?(?: ?[AaPp][Mm])?)?$"
    ),
}


@functools.lru_cache(maxsize=8192)  # exports repeat the same amounts and dates a great deal
def parse_amount(value: str, number_format: str) -> Decimal:
    """`value` as an exact Decimal in `number_format`; ValueError with a message otherwise."""
    text = _SPACES.sub("", value)
    pattern = _COMMA if number_format == NumberFormat.DECIMAL_COMMA else _POINT
    if not pattern.match(text):
        example = "1.234,56" if number_format == NumberFormat.DECIMAL_COMMA else "1,234.56"
        raise ValueError(f"“{value[:40]}” is not an amount written like {example}.")
    if number_format == NumberFormat.DECIMAL_COMMA:
        text = text.replace(".", "").replace(",", ".")
    else:
        text = text.replace(",", "")
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only digits
        raise ValueError(f"“{value[:40]}” is not an amount.") from None


@functools.lru_cache(maxsize=8192)
def parse_date(value: str, date_format: str) -> datetime.date:
    """`value` as a date in `date_format` (a time of day after it is ignored); ValueError otherwise."""
    match = _DATE_PATTERNS[DateFormat(date_format)].match(value.strip())
    if not match:
        raise ValueError(f"“{value[:40]}” is not a date written like {DateFormat(date_format).label.split()[0]}.")
    first, second, third = (int(part) for part in match.groups())
    year, month, day = {
        DateFormat.ISO: (first, second, third),
        DateFormat.DAY_MONTH_YEAR: (third, second, first),
        DateFormat.MONTH_DAY_YEAR: (third, first, second),
    }[DateFormat(date_format)]
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise ValueError(f"“{value[:40]}” is not a real date.") from None


def _reads(values: list[str], parse, fmt: str) -> int:
    count = 0
    for value in values:
        try:
            parse(value, fmt)
            count += 1
        except ValueError:
            pass
    return count


def choose_number_format(samples: Iterable[str], *, delimiter: str) -> str:
    """The number format that reads the most sample amounts; a tie goes to what decides it (a
    comma followed by one or two digits at the end means a decimal comma, a point followed by one
    or two digits a decimal point), then to the delimiter's locale."""
    values = [value for value in samples if value.strip()]
    point = _reads(values, parse_amount, NumberFormat.DECIMAL_POINT)
    comma = _reads(values, parse_amount, NumberFormat.DECIMAL_COMMA)
    if point != comma:
        return NumberFormat.DECIMAL_POINT if point > comma else NumberFormat.DECIMAL_COMMA
    if any(re.search(r",\d{1,2}$", value.strip()) for value in values):
        return NumberFormat.DECIMAL_COMMA
    if any(re.search(r"\.\d{1,2}$", value.strip()) for value in values):
        return NumberFormat.DECIMAL_POINT
    return NumberFormat.DECIMAL_COMMA if delimiter == ";" else NumberFormat.DECIMAL_POINT


def choose_date_format(samples: Iterable[str]) -> str:
    """The date format that reads the most sample dates (ISO when there are none)."""
    values = [value for value in samples if value.strip()]
    scores = {fmt: _reads(values, parse_date, fmt) for fmt in DateFormat}
    return max(DateFormat, key=lambda fmt: (scores[fmt], fmt == DateFormat.ISO)).value
