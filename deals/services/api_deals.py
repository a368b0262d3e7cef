"""Deals written through the API and the generic webhook: a batch upserted by external id, checked
row by row with the CSV import's rules, all or nothing (ADR 19)."""

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from uuid import UUID

from django.conf import settings
from django.db import transaction

from ..api_selectors import connections_for_key
from ..imports.formats import DateFormat, NumberFormat
from ..imports.mapping import FIELDS
from ..imports.rows import RowContext, row_values
from ..models import ApiKey, Connection, Source
from .stages import outcome_for, stage_for
from .upserts import owner_lookup, upsert_deals

BATCH_FIELDS = tuple(FIELDS)


class ApiWriteRefused(Exception):
    """The key may only read (403)."""


class ApiNotFound(Exception):
    """Something named in the request is not there for this key (404)."""


class DealBatchError(Exception):
    """Nothing was written; `errors` lists each refused value by its index in the batch."""

    def __init__(self, message: str, errors: Sequence[dict] = ()) -> None:
        super().__init__(message)
        self.errors = list(errors)


@dataclass(frozen=True)
class DealBatchResult:
    connection: Connection
    created: int
    changed: int
    unchanged: int


def api_connection(api_key: ApiKey) -> Connection:
    """The connection a key's deals go to when the request names none: "API" for the company,
    "API – <organisation>" for a partner organisation's key."""
    organisation = api_key.organisation
    name = f"API – {organisation.name}"[:100] if organisation else "API"
    connection, _ = Connection.objects.get_or_create(
        name=name, defaults={"kind": Source.API, "organisation": organisation}
    )
    if connection.organisation_id != api_key.organisation_id:
        raise DealBatchError(f"The connection “{name}” belongs to someone else; name a connection in the request.")
    return connection


def _cell(value: object) -> str | None:
    """A batch value as the row rules read it (a CSV cell); None for a value that is not text, a
    number or a date (a list, an object, true/false), which the API's schema never lets through
    but a webhook's JSON might."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal | date):
        return None
    return str(value)


def deals_batch_apply(
    *,
    connection: Connection,
    organisation_id: int | None,
    deals: Sequence[Mapping[str, object]],
    source: str = Source.API,
) -> DealBatchResult:
    """Check every deal by the CSV import's row rules and create or update them all in
    `connection` by external id, owners looked up among `organisation_id`'s people (internal
    people when None). All or nothing: DealBatchError lists each refused value by its index and
    nothing is written. Shared by the API's batch and the generic webhook."""
    if len(deals) > settings.LASTMILE_API_BATCH_MAX:
        raise DealBatchError(f"At most {settings.LASTMILE_API_BATCH_MAX} deals a request; this one has {len(deals)}.")
    context = RowContext(
        header=list(BATCH_FIELDS),
        columns={name: index for index, name in enumerate(BATCH_FIELDS)},
        number_format=NumberFormat.DECIMAL_POINT,
        date_format=DateFormat.ISO,
        is_salesforce_ids=connection.kind == Source.SALESFORCE,
        default_currency="",
        stage_lookup=functools.cache(lambda value: stage_for(connection, value)),
        outcome_of=outcome_for,
        owner_lookup=owner_lookup(organisation_id),
    )
    rows: dict[str, dict] = {}
    errors: list[dict] = []
    for index, deal in enumerate(deals):
        if not isinstance(deal, Mapping):
            errors.append({"index": index, "field": "", "message": "A deal is an object of named values."})
            continue
        cells = [_cell(deal.get(name)) for name in BATCH_FIELDS]
        if None in cells:
            errors += [
                {"index": index, "field": name, "message": "Text or a number, please."}
                for name, cell in zip(BATCH_FIELDS, cells, strict=True)
                if cell is None
            ]
            continue
        checked = row_values(index, cells, context)
        if isinstance(checked, list):
            errors += [{"index": e.line, "field": e.column, "message": e.message} for e in checked]
            continue
        external_id, values = checked
        if external_id in rows:
            errors.append({"index": index, "field": "external_id", "message": "This id is already in the batch."})
            continue
        rows[external_id] = values
    if errors:
        raise DealBatchError("Nothing was written: some deals are refused.", errors)
    with transaction.atomic():
        counts = upsert_deals(
            connection=connection,
            source=source,
            organisation_id=organisation_id,
            created_by_id=None,
            rows=rows,
        )
    return DealBatchResult(
        connection=connection,
        created=counts["created"],
        changed=counts["changed"],
        unchanged=counts["unchanged"],
    )


def deals_batch_upsert(
    *, api_key: ApiKey, deals: Sequence[Mapping[str, object]], connection_id: UUID | None = None
) -> DealBatchResult:
    """Create or update up to LASTMILE_API_BATCH_MAX deals by (connection, external id), in the
    connection the request names (one of the key's) or the key's own API connection."""
    if not api_key.can_write:
        raise ApiWriteRefused("This key may only read.")
    if len(deals) > settings.LASTMILE_API_BATCH_MAX:
        raise DealBatchError(f"At most {settings.LASTMILE_API_BATCH_MAX} deals a request; this one has {len(deals)}.")
    if connection_id is None:
        connection = api_connection(api_key)
    else:
        connection = connections_for_key(api_key).filter(public_id=connection_id).first()
        if connection is None:
            raise ApiNotFound("No such connection.")
    return deals_batch_apply(connection=connection, organisation_id=api_key.organisation_id, deals=deals)
