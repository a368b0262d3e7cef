"""A CRM client that answers from memory, for testing the sync service without a vendor: pages of
`page_size` deals in the order they changed, then one page of deletions; it can fail after a
number of pages, and records what it was asked."""

from datetime import datetime

import pytest

from deals.crm import base
from deals.crm.base import CredentialField, CrmError, Page, RemoteDeal
from deals.models import Source
from deals.services.connections import connection_credentials_set

from ...factories.deals import ConnectionFactory


class StandInClient:
    credential_fields = [
        CredentialField("domain", "Domain"),
        CredentialField("token", "Token", secret=True),
    ]
    # Set by the tests, shared by every instance (the sync makes a new client each run).
    deals: list[RemoteDeal] = []
    deleted: list[str] = []
    page_size = 2
    fail_after_pages: int | None = None
    fail_with: Exception | None = None
    activities: list[dict] = []
    states_seen: list[dict] = []

    def __init__(self, connection, credentials):
        self.connection, self.credentials = connection, credentials

    @classmethod
    def credential_problems(cls, values):
        return [] if values.get("token") else ["The token is missing."]

    def check(self):
        if self.fail_with:
            raise self.fail_with
        return "00D000000000001AAA"

    def pages(self, state):
        type(self).states_seen.append(dict(state))
        start = state.get("position", 0)
        for served, offset in enumerate(range(start, len(self.deals), self.page_size)):
            if self.fail_after_pages is not None and served >= self.fail_after_pages:
                raise self.fail_with or CrmError("Salesforce answered 503: try again later.")
            chunk = self.deals[offset : offset + self.page_size]
            yield Page(deals=chunk, state={"position": offset + len(chunk)})
        if self.deleted:
            yield Page(deleted=list(self.deleted), state={"position": len(self.deals), "deleted": True})

    def fetch(self, external_ids):
        return [deal for deal in self.deals if deal.external_id in external_ids]

    def write_activity(self, *, external_id: str, subject: str, body: str, occurred_at: datetime) -> str:
        if self.fail_with:
            raise self.fail_with
        self.activities.append({"external_id": external_id, "subject": subject, "body": body})
        return f"00T{len(self.activities):015d}"


@pytest.fixture
def standin(monkeypatch):
    monkeypatch.setitem(base.CLIENTS, Source.SALESFORCE, f"{__name__}.StandInClient")
    monkeypatch.setattr(StandInClient, "deals", [])
    monkeypatch.setattr(StandInClient, "deleted", [])
    monkeypatch.setattr(StandInClient, "fail_after_pages", None)
    monkeypatch.setattr(StandInClient, "fail_with", None)
    monkeypatch.setattr(StandInClient, "activities", [])
    monkeypatch.setattr(StandInClient, "states_seen", [])
    return StandInClient


@pytest.fixture
def crm(db, standin):
    connection = ConnectionFactory(name="Salesforce", kind=Source.SALESFORCE, sync_enabled=True)
    return connection_credentials_set(connection, {"domain": "acme.my.salesforce.com", "token": "t0ken"})


def remote(external_id: str, **values) -> RemoteDeal:
    return RemoteDeal(external_id=external_id, **{"name": f"Deal {external_id}", **values})
