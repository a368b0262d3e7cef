"""One CSV row checked and turned into deal values, or the reasons it cannot be (each naming its
column). Lookups that need the database (stage mapping, owner) are passed in as callables."""

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from brand.text import single_line

from ..currencies import currency_problem
from ..models import Deal, Outcome, Stage
from ..salesforce_ids import salesforce_id_18
from .formats import parse_amount, parse_date
from .mapping import FIELDS

TEXT_FIELDS = ("name", "account_name", "contact_name", "segment")
# The deal fields an import owns, compared to decide whether a row changes its deal.
DEAL_FIELDS = (
    "name",
    "account_name",
    "contact_name",
    "contact_email",
    "amount",
    "currency",
    "stage_id",
    "source_stage",
    "outcome",
    "close_date",
    "expected_close_date",
    "owner_id",
    "unresolved_owner",
    "segment",
    "remote_created_at",
)


@dataclass
class RowError:
    line: int
    column: str
    message: str
    unmapped_stage: str = ""

    def as_dict(self) -> dict:
        return {"line": self.line, "column": self.column, "message": self.message, "stage": self.unmapped_stage}


@dataclass
class RowContext:
    header: Sequence[str]
    columns: dict[str, int]
    number_format: str
    date_format: str
    is_salesforce_ids: bool
    default_currency: str
    stage_lookup: Callable[[str], Stage | None]
    outcome_of: Callable[[Stage | None], str]
    owner_lookup: Callable[[str], int | None]
    errors: list[RowError] = field(default_factory=list)

    def heading(self, name: str) -> str:
        index = self.columns.get(name)
        return self.header[index] if index is not None and index < len(self.header) else FIELDS[name]


_MAX_LENGTHS = {
    name: Deal._meta.get_field(name).max_length
    for name in ("external_id", *TEXT_FIELDS, "contact_email", "source_stage", "unresolved_owner")
}


def _max_length(name: str) -> int:
    return _MAX_LENGTHS[name]


def row_values(line: int, cells: Sequence[str], context: RowContext) -> tuple[str, dict] | list[RowError]:
    """(external id, deal field values) for a good row; the row's errors otherwise."""
    errors: list[RowError] = []

    found = (
        {name: cells[index].strip() for name, index in context.columns.items()}
        if len(cells) == len(context.header)
        else {}
    )

    def cell(name: str) -> str:
        return found.get(name, "")

    def refuse(name: str, message: str, **extra) -> None:
        errors.append(RowError(line, context.heading(name), message, **extra))

    if len(cells) != len(context.header):
        return [RowError(line, "", f"This row has {len(cells)} columns; the header row has {len(context.header)}.")]
    values: dict = {}
    external_id = cell("external_id")
    if context.is_salesforce_ids:
        external_id = salesforce_id_18(external_id)
    if not external_id:
        refuse("external_id", "Every row needs its id from the CRM.")
    elif len(external_id) > _max_length("external_id"):
        refuse("external_id", f"An id has at most {_max_length('external_id')} characters.")
    for name in TEXT_FIELDS:
        text = single_line(cell(name))
        if len(text) > _max_length(name):
            refuse(name, f"At most {_max_length(name)} characters.")
        values[name] = text
    if not values["name"]:
        refuse("name", "Every deal needs a name.")
    email = cell("contact_email")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            refuse("contact_email", f"“{email[:60]}” is not an email address.")
    values["contact_email"] = email.lower() if email else ""

    amount_text, currency = cell("amount"), cell("currency").upper() or context.default_currency
    values["amount"], values["currency"] = None, ""
    if amount_text:
        try:
            amount = parse_amount(amount_text, context.number_format)
        except ValueError as error:
            refuse("amount", str(error))
        else:
            if amount.as_tuple().exponent < -2 and amount != amount.quantize(Decimal("0.01")):
                refuse("amount", f"“{amount_text}” has more than two decimal places.")
            elif abs(amount) >= Decimal(10) ** 16:
                refuse("amount", f"“{amount_text}” is too large.")
            else:
                values["amount"] = amount.quantize(Decimal("0.01"))
        if not currency:
            refuse("currency", "An amount needs its currency (a currency column, or a default currency).")
    if currency:
        if problem := currency_problem(currency):
            refuse("currency", problem)
        values["currency"] = currency

    stage_value = single_line(cell("stage"))
    stage = None
    if stage_value:
        stage = context.stage_lookup(stage_value)
        if stage is None:
            refuse(
                "stage",
                f"The stage “{stage_value[:80]}” is not mapped to a company stage.",
                unmapped_stage=stage_value[:255],
            )
    values["stage_id"] = stage.pk if stage else None
    values["source_stage"] = stage_value[:255]
    values["outcome"] = context.outcome_of(stage)

    dates = {}
    for name in ("close_date", "created"):
        text = cell(name)
        dates[name] = None
        if text:
            try:
                dates[name] = parse_date(text, context.date_format)
            except ValueError as error:
                refuse(name, str(error))
    # A CRM's close date is the expected one while the deal is open, the actual one once it is decided.
    is_open = values["outcome"] == Outcome.OPEN
    values["close_date"] = None if is_open else dates["close_date"]
    values["expected_close_date"] = dates["close_date"] if is_open else None
    created = dates["created"]
    values["remote_created_at"] = (
        datetime.datetime.combine(created, datetime.time(), tzinfo=datetime.UTC) if created else None
    )

    owner = single_line(cell("owner"))
    values["owner_id"] = context.owner_lookup(owner) if owner else None
    values["unresolved_owner"] = "" if values["owner_id"] or not owner else owner[: _max_length("unresolved_owner")]
    return errors if errors else (external_id, values)
