"""What a CRM client gives the sync, whatever the vendor.

A client is made from a connection (its kind picks the class, its sealed credentials configure it)
and answers four questions: who am I connected to (`check`), what changed since this cursor
(`pages`), what do these deals look like now (`fetch`), and write this activity on that deal
(`write_activity`). Everything it returns is untrusted text: the sync checks every value with the
CSV import's row rules before it reaches the database."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from django.utils.module_loading import import_string

from ..credentials import unseal
from ..models import Connection, Outcome, Source


@dataclass
class RemoteDeal:
    """One opportunity as the CRM has it now, as text (dates ISO 8601, amounts with a decimal point)."""

    external_id: str
    name: str = ""
    account_name: str = ""
    contact_name: str = ""
    contact_email: str = ""
    amount: str = ""
    currency: str = ""
    # The stage as the connection's stage mapping knows it (Salesforce: the StageName; HubSpot:
    # the stage id), and the outcome the CRM itself gives it (IsClosed/IsWon; HubSpot's stage
    # metadata), used while the stage is not mapped.
    stage: str = ""
    outcome: str = Outcome.OPEN
    close_date: str = ""
    owner_email: str = ""
    segment: str = ""
    created: str = ""


@dataclass
class Page:
    """Deals changed and deals deleted, and the cursor to store once both are applied: a sync that
    stops after any page resumes from the last one applied."""

    deals: list[RemoteDeal] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    state: dict = field(default_factory=dict)


@dataclass(frozen=True)
class CredentialField:
    """One value a client needs, as the connection page asks for it. Secret values are write-only:
    the page never shows them again, it only says they are set."""

    name: str
    label: str
    help_text: str = ""
    secret: bool = False
    multiline: bool = False
    required: bool = True
    choices: tuple[tuple[str, str], ...] = ()


class CrmError(Exception):
    """The CRM could not be reached or refused: `str()` says so in plain words an administrator can
    act on, and never holds a credential."""


class CrmAuthError(CrmError):
    """The credentials were refused (expired, revoked, wrong)."""


class CrmRateLimited(CrmError):
    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class CrmClient(Protocol):
    credential_fields: list[CredentialField]

    def check(self) -> str:
        """The CRM account's id (Salesforce organisation id, HubSpot portal id); raises CrmError."""

    def pages(self, state: dict) -> Iterator[Page]:
        """Deals changed and deleted since `state` (a previous Page.state, or {} for everything),
        oldest change first, in pages of at most a few thousand."""

    def fetch(self, external_ids: list[str]) -> list[RemoteDeal]:
        """These deals as they are now (ids the CRM no longer has are left out)."""

    def write_activity(self, *, external_id: str, subject: str, body: str, occurred_at: datetime) -> str:
        """A completed activity on the deal (Salesforce Task, HubSpot note); returns its remote id."""


CLIENTS = {
    Source.SALESFORCE: "deals.crm.salesforce.SalesforceClient",
    Source.HUBSPOT: "deals.crm.hubspot.HubSpotClient",
}


def client_class(kind: str) -> type[CrmClient]:
    return import_string(CLIENTS[kind])


def is_syncable(connection: Connection) -> bool:
    return connection.kind in CLIENTS


def client_for(connection: Connection) -> CrmClient:
    """The client for `connection`, configured with its credentials; CrmError when it has none."""
    if connection.kind not in CLIENTS:
        raise CrmError(f"A {connection.get_kind_display()} connection has no CRM to sync with.")
    if not connection.credentials_sealed:
        raise CrmError("This connection has no credentials yet: add them on the connection's page.")
    return client_class(connection.kind)(connection, unseal(connection.credentials_sealed))
