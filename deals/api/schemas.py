"""What the API reads and writes. Text from outside is data: JSON-escaped on the way out, bounded
and checked by the same rules as a CSV row on the way in."""

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated
from uuid import UUID

from ninja import Schema
from pydantic import AfterValidator, Field


def _in_utc(value: datetime) -> datetime:
    """An instant in UTC (naive means UTC): any offset a client sends, even one the database
    cannot store, names a moment it can."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError as error:
        raise ValueError("the moment is out of range") from error


Instant = Annotated[datetime, AfterValidator(_in_utc)]


class Problem(Schema):
    """RFC 9457 problem details; `errors` lists what was wrong with the input."""

    title: str
    status: int
    detail: str = ""
    errors: list[dict] = []


class Named(Schema):
    id: UUID
    name: str


class DealOut(Schema):
    id: UUID
    external_id: str
    connection: Named | None
    source: str
    name: str
    account_name: str
    contact_name: str
    contact_email: str
    amount: Decimal | None
    currency: str
    stage: str | None
    source_stage: str
    outcome: str
    close_date: date | None
    expected_close_date: date | None
    owner_email: str | None
    unresolved_owner: str
    organisation: Named | None
    region: str | None
    segment: str
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None

    @staticmethod
    def resolve_id(deal) -> UUID:
        return deal.public_id

    @staticmethod
    def resolve_connection(deal) -> dict | None:
        connection = deal.connection
        return {"id": connection.public_id, "name": connection.name} if connection else None

    @staticmethod
    def resolve_stage(deal) -> str | None:
        return deal.stage.name if deal.stage else None

    @staticmethod
    def resolve_owner_email(deal) -> str | None:
        return deal.owner.email if deal.owner else None

    @staticmethod
    def resolve_organisation(deal) -> dict | None:
        organisation = deal.organisation
        return {"id": organisation.public_id, "name": organisation.name} if organisation else None

    @staticmethod
    def resolve_region(deal) -> str | None:
        return deal.region.name if deal.region else None


class EventOut(Schema):
    id: UUID
    occurred_at: datetime
    channel: str
    document: UUID
    template: UUID
    deal: UUID | None
    user_email: str | None
    organisation: UUID | None
    region: str | None
    profile: str

    @staticmethod
    def resolve_id(event) -> UUID:
        return event.public_id

    @staticmethod
    def resolve_document(event) -> UUID:
        return event.document.public_id

    @staticmethod
    def resolve_template(event) -> UUID:
        return event.template.public_id

    @staticmethod
    def resolve_deal(event) -> UUID | None:
        return event.deal.public_id if event.deal else None

    @staticmethod
    def resolve_user_email(event) -> str | None:
        return event.user.email if event.user else None

    @staticmethod
    def resolve_organisation(event) -> UUID | None:
        return event.organisation.public_id if event.organisation else None

    @staticmethod
    def resolve_region(event) -> str | None:
        return event.region.name if event.region else None


class DocumentOut(Schema):
    id: UUID
    title: str
    template: Named
    owner_email: str
    approval_state: str
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_id(document) -> UUID:
        return document.public_id

    @staticmethod
    def resolve_template(document) -> dict:
        return {"id": document.template.public_id, "name": document.template.title}

    @staticmethod
    def resolve_owner_email(document) -> str:
        return document.owner.email


class TemplateOut(Schema):
    id: UUID
    title: str
    description: str
    kind: str
    page_size: str
    orientation: str
    tags: list[str]
    updated_at: datetime

    @staticmethod
    def resolve_id(template) -> UUID:
        return template.public_id

    @staticmethod
    def resolve_tags(template) -> list[str]:
        return sorted(tag.name for tag in template.tags.all())


class DealPage(Schema):
    items: list[DealOut]
    next_cursor: str | None


class EventPage(Schema):
    items: list[EventOut]
    next_cursor: str | None


class DocumentPage(Schema):
    items: list[DocumentOut]
    next_cursor: str | None


class TemplateList(Schema):
    items: list[TemplateOut]


class DealDetailOut(DealOut):
    documents: list[DocumentOut]
    events: list[EventOut]

    @staticmethod
    def resolve_documents(deal) -> list:
        return deal.api_documents

    @staticmethod
    def resolve_events(deal) -> list:
        return deal.api_events


class DealIn(Schema):
    """One deal as its source has it. Text is single-lined and bounded like a CSV row; `stage` is
    the source's stage, mapped through the connection's stage mapping; `owner` an email (or a
    full name only one person has)."""

    external_id: str = Field(max_length=64)
    name: str = Field(max_length=300)
    account_name: str = Field("", max_length=300)
    contact_name: str = Field("", max_length=300)
    contact_email: str = Field("", max_length=254)
    amount: Decimal | None = None
    currency: str = Field("", max_length=3)
    stage: str = Field("", max_length=255)
    close_date: date | None = None
    created: date | None = None
    owner: str = Field("", max_length=254)
    segment: str = Field("", max_length=100)


class DealBatchIn(Schema):
    connection: UUID | None = Field(None, description="Where the external ids live; default: the key's API connection.")
    deals: list[DealIn] = Field(..., min_length=1)


class DealBatchOut(Schema):
    connection: Named
    created: int
    changed: int
    unchanged: int
