"""Webhook callers as the real senders sign, and a CRM client that answers from memory.

Calls go through the Django test client with `django_capture_on_commit_callbacks(execute=True)`,
so the task queued after the delivery is stored runs at once (the test settings' immediate
backend), the way the worker would run it."""

import base64
import hashlib
import hmac
import json
import time
from pathlib import Path

import pytest

from deals.credentials import seal
from deals.crm import base
from deals.crm.base import RemoteDeal
from deals.models import Deal, Source, WebhookDelivery
from deals.services.connections import webhook_secret_create

from ...factories.deals import ConnectionFactory

SAMPLES = Path(__file__).parent / "samples"
HUBSPOT_APP_SECRET = "hubspot-app-client-secret-for-tests"
HUBSPOT_PORTAL = "62515"
SALESFORCE_ORG = "00D5e000000KQ2eEAG"


class FakeCrmClient:
    """Stands in for the Salesforce and HubSpot clients: `fetch` answers from `deals` (external id
    → RemoteDeal) and records every list of ids it was asked for."""

    deals: dict[str, RemoteDeal] = {}
    fetched: list[list[str]] = []
    credential_fields: list = []

    def __init__(self, connection, credentials):
        self.connection = connection

    def fetch(self, external_ids):
        type(self).fetched.append(list(external_ids))
        return [self.deals[external_id] for external_id in external_ids if external_id in self.deals]


@pytest.fixture
def fake_crm(monkeypatch):
    monkeypatch.setitem(base.CLIENTS, Source.SALESFORCE, f"{__name__}.FakeCrmClient")
    monkeypatch.setitem(base.CLIENTS, Source.HUBSPOT, f"{__name__}.FakeCrmClient")
    monkeypatch.setattr(FakeCrmClient, "deals", {})
    monkeypatch.setattr(FakeCrmClient, "fetched", [])
    return FakeCrmClient


def remote_deal(external_id: str, name: str = "As the CRM has it") -> RemoteDeal:
    return RemoteDeal(external_id=external_id, name=name, account_name="Fjord Maritime ASA")


def nothing_changed() -> bool:
    return not WebhookDelivery.objects.exists() and not Deal.objects.exists()


# --- Generic -------------------------------------------------------------------------------


@pytest.fixture
def connection(db):
    """A CSV connection with one active webhook secret."""
    return ConnectionFactory(name="Partner ERP", kind=Source.CSV)


@pytest.fixture
def secret(connection) -> str:
    return webhook_secret_create(connection)[1]


def lastmile_signature(secret: str, body: bytes, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def deals_body(*deals: dict) -> bytes:
    return json.dumps({"deals": list(deals)}).encode()


def deal_row(external_id: str = "ERP-1", **values) -> dict:
    return {"external_id": external_id, "name": f"Renewal {external_id}", "account_name": "Fjord ASA", **values}


@pytest.fixture
def post_webhook(client, django_capture_on_commit_callbacks):
    """POST `body` to a connection's generic webhook with the headers given (None leaves one out)."""

    def post(connection, body: bytes, *, signature: str | None, delivery: str | None = "delivery-1", path: str = ""):
        headers = {}
        if signature is not None:
            headers["HTTP_LASTMILE_SIGNATURE"] = signature
        if delivery is not None:
            headers["HTTP_LASTMILE_DELIVERY"] = delivery
        public_id = connection if isinstance(connection, str) else connection.public_id
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(f"/webhooks/{public_id}/{path}", body, content_type="application/json", **headers)

    return post


# --- HubSpot -------------------------------------------------------------------------------


@pytest.fixture
def hubspot_connection(db, fake_crm):
    return ConnectionFactory(
        name="HubSpot",
        kind=Source.HUBSPOT,
        remote_account_id=HUBSPOT_PORTAL,
        credentials_sealed=seal({"access_token": "pat-test", "webhook_client_secret": HUBSPOT_APP_SECRET}),
    )


def hubspot_event(object_id: int, **fields) -> dict:
    """One event as HubSpot's webhooks API sends it (developers.hubspot.com, Webhooks API)."""
    return {
        "eventId": 1000 + object_id,
        "subscriptionId": 12345,
        "portalId": int(HUBSPOT_PORTAL),
        "appId": 54321,
        "occurredAt": 1764979200000,
        "subscriptionType": "deal.propertyChange",
        "attemptNumber": 0,
        "objectId": object_id,
        "changeSource": "CRM_UI",
        "propertyName": "dealname",
        "propertyValue": "Typed into the payload",
        **fields,
    }


def hubspot_signature(uri: str, body: bytes, timestamp: str, *, method: str = "POST", secret=HUBSPOT_APP_SECRET) -> str:
    """v3 as HubSpot documents it: base64(HMAC-SHA256(app secret, method + URI + body + timestamp))."""
    message = method.encode() + uri.encode() + body + timestamp.encode()
    return base64.b64encode(hmac.new(secret.encode(), message, hashlib.sha256).digest()).decode()


def now_ms() -> str:
    return str(int(time.time() * 1000))


@pytest.fixture
def post_hubspot(client, django_capture_on_commit_callbacks, settings):
    """POST events to the HubSpot webhook, signed for WAGTAILADMIN_BASE_URL + path unless told
    otherwise."""

    def post(
        connection,
        events,
        *,
        body: bytes | None = None,
        timestamp: str | None = None,
        signed_uri=None,
        sign_body=None,
        host="testserver",
    ):
        body = json.dumps(events).encode() if body is None else body
        path = f"/webhooks/{connection.public_id}/hubspot/"
        timestamp = now_ms() if timestamp is None else timestamp
        uri = signed_uri or f"{settings.WAGTAILADMIN_BASE_URL.rstrip('/')}{path}"
        headers = {
            "HTTP_X_HUBSPOT_SIGNATURE_V3": hubspot_signature(uri, body if sign_body is None else sign_body, timestamp),
            "HTTP_X_HUBSPOT_REQUEST_TIMESTAMP": timestamp,
            "HTTP_HOST": host,
        }
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(path, body, content_type="application/json", **headers)

    return post


# --- Salesforce ----------------------------------------------------------------------------


@pytest.fixture
def salesforce_connection(db, fake_crm):
    return ConnectionFactory(
        name="Salesforce",
        kind=Source.SALESFORCE,
        remote_account_id=SALESFORCE_ORG,
        credentials_sealed=seal({"client_id": "test", "private_key": "test"}),
    )


@pytest.fixture
def outbound_message() -> bytes:
    return (SAMPLES / "salesforce_outbound_message.xml").read_bytes()


@pytest.fixture
def post_salesforce(client, django_capture_on_commit_callbacks):
    def post(connection, body: bytes):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                f"/webhooks/{connection.public_id}/salesforce/", body, content_type="text/xml; charset=utf-8"
            )

    return post
