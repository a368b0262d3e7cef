"""Webhooks from CRMs and other systems (issue 14, ADR 20). They only make a sync sooner: polling
is the baseline, so a webhook that is refused, lost or skipped costs a few minutes, never data.

Three doors, each a POST to /webhooks/<connection public id>/…:

- **Generic** (`…/`): any system holding one of the connection's active webhook secrets signs
  `Lastmile-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">` and names the
  call `Lastmile-Delivery: <id>`. The body is `{"deals": [...]}` (the API batch's fields and row
  rules, all or nothing) for a CSV or API connection, or `{"external_ids": [...]}` for a CRM
  connection, whose deals are then fetched from the CRM: values a webhook carries are never
  data for a CRM connection.
- **HubSpot** (`…/hubspot/`): signature v3 with the connection's `webhook_client_secret`; every
  deal event's objectId is fetched from HubSpot.
- **Salesforce** (`…/salesforce/`): an Outbound Message (SOAP), unsigned, so nothing in it is
  trusted but the opportunity ids, which are fetched from Salesforce with our own credentials.

A call that passes its checks is stored as WebhookDelivery rows (one per generic call, one per
HubSpot event or Salesforce notification, so a retry that regroups them is still recognised) and
answered at once; `process_webhook_deliveries` does the work in the background and records the
outcome on each row. A refused call changes nothing. Nothing here logs a secret, a signature or
a body."""

import hashlib
import json
import logging
import re
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlsplit
from uuid import UUID
from xml.etree.ElementTree import Element, ParseError

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as xml_fromstring
from django_tasks import task

from accounts.task_retry import retry_transient_errors

from ..credentials import CredentialsUnavailable
from ..crm import hubspot_signatures
from ..crm.base import is_syncable
from ..models import Connection, Source, SyncState, SyncTrigger, WebhookDelivery
from ..salesforce_ids import is_salesforce_id, salesforce_id_18
from .api_deals import DealBatchError, deals_batch_apply
from .connections import credentials_stored, signature_matches, webhook_signing_keys
from .crm_sync import connection_fetch

logger = logging.getLogger(__name__)

MAX_DELIVERY_ID = 200
MAX_SIGNATURE_HEADER = 1000
MAX_SIGNATURES = 5
PURGE_AFTER_DAYS = 7
PURGE_AT_MOST_EVERY = timedelta(hours=1)
_PURGE_CACHE_KEY = "lastmile:webhook-deliveries-purged"

_DELIVERY_ID = re.compile(rf"[\x20-\x7e]{{1,{MAX_DELIVERY_ID}}}")
_TIMESTAMP = re.compile(r"[0-9]{1,20}")
_HEX_SHA256 = re.compile(r"[0-9a-fA-F]{64}")
_HUBSPOT_OBJECT_ID = re.compile(r"[0-9]{1,20}")

SOAP_ENVELOPE = "http://schemas.xmlsoap.org/soap/envelope/"
SALESFORCE_OUTBOUND = "http://soap.sforce.com/2005/09/outbound"
SALESFORCE_OPPORTUNITY_PREFIX = "006"


class WebhookRefused(Exception):
    """Refused: `status` is the whole answer (the body stays empty, so a caller learns only the
    status code). Nothing was stored."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status


class WebhookUnavailable(Exception):
    """The connection's secret is stored but cannot be decrypted (a credentials key is missing):
    a server problem, answered 503 so that the sender tries again later."""


# --- Signatures -----------------------------------------------------------------------------


@dataclass(frozen=True)
class LastmileSignature:
    timestamp: str
    signatures: tuple[str, ...]


def signature_header_parse(header: str) -> LastmileSignature:
    """`t=<unix seconds>,v1=<64 hex>[,v1=…]` (other schemes ignored, as Stripe's are); raises
    WebhookRefused(400) for anything else."""
    if len(header) > MAX_SIGNATURE_HEADER:
        raise WebhookRefused(400, "signature header too long")
    timestamps, signatures = [], []
    for part in header.split(","):
        name, equals, value = part.strip().partition("=")
        if not equals or not name:
            raise WebhookRefused(400, "signature header malformed")
        if name == "t":
            timestamps.append(value)
        elif name == "v1":
            if not _HEX_SHA256.fullmatch(value):
                raise WebhookRefused(400, "signature header malformed")
            signatures.append(value.lower())
    if len(timestamps) != 1 or not _TIMESTAMP.fullmatch(timestamps[0]) or not signatures:
        raise WebhookRefused(400, "signature header malformed")
    if len(signatures) > MAX_SIGNATURES:
        raise WebhookRefused(400, "too many signatures")
    return LastmileSignature(timestamp=timestamps[0], signatures=tuple(signatures))


def _is_fresh(timestamp_seconds: float, now: float) -> bool:
    return abs(now - timestamp_seconds) <= settings.LASTMILE_WEBHOOK_TOLERANCE_SECONDS


def signature_verify(keys: list[bytes], header: LastmileSignature, body: bytes, *, now: float) -> None:
    """WebhookRefused(401) unless one of `header`'s signatures is an active key's HMAC-SHA256 of
    `<t>.<body>` and t is within LASTMILE_WEBHOOK_TOLERANCE_SECONDS of now (either way)."""
    message = header.timestamp.encode() + b"." + body
    matched = False
    for signature in header.signatures:
        matched |= signature_matches(keys, message, signature)
    if not matched:
        raise WebhookRefused(401, "signature does not match")
    if not _is_fresh(int(header.timestamp), now):
        raise WebhookRefused(401, "timestamp outside the tolerance")


def hubspot_uri(path: str, query_string: str) -> str:
    """The URI HubSpot signed: the portal's public origin (WAGTAILADMIN_BASE_URL, never the Host
    header a proxy passes on) with the request's path and raw query string."""
    base = urlsplit(settings.WAGTAILADMIN_BASE_URL)
    uri = f"{base.scheme}://{base.netloc}{path}"
    return f"{uri}?{query_string}" if query_string else uri


# --- Receiving ------------------------------------------------------------------------------


def _connection(public_id: str) -> Connection:
    try:
        uuid = UUID(public_id)
    except ValueError:
        raise WebhookRefused(404, "no such connection") from None
    connection = Connection.objects.filter(public_id=uuid).first()
    if connection is None:
        raise WebhookRefused(404, "no such connection")
    return connection


def _text(body: bytes) -> str:
    """The body as text for storing: UTF-8 without NUL (which no JSON or XML holds and PostgreSQL
    can't store)."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise WebhookRefused(400, "body is not UTF-8") from None
    if "\x00" in text:
        raise WebhookRefused(400, "body holds a NUL character")
    return text


def _json(text: str) -> object:
    def refuse_constant(name: str) -> None:
        raise ValueError(f"{name} is not a number")

    try:
        return json.loads(text, parse_float=Decimal, parse_constant=refuse_constant)
    except (ValueError, RecursionError):
        raise WebhookRefused(400, "body is not JSON") from None


def _queue(delivery_ids: list[int]) -> None:
    if delivery_ids:
        transaction.on_commit(lambda: process_webhook_deliveries.enqueue(delivery_ids))


def webhook_receive(
    *, public_id: str, signature: str | None, delivery_id: str | None, body: bytes, now: float | None = None
) -> WebhookDelivery:
    """Store a signed generic webhook call and queue its processing. Raises WebhookRefused: 404 no
    such connection or no active secret, 400 malformed headers or body, 401 signature absent,
    wrong or stale, 409 delivery id seen before; WebhookUnavailable when the secrets cannot be
    decrypted."""
    now = time.time() if now is None else now
    connection = _connection(public_id)
    try:
        keys = webhook_signing_keys(connection)
    except CredentialsUnavailable:
        raise WebhookUnavailable("webhook secrets cannot be decrypted") from None
    if not keys:
        raise WebhookRefused(404, "no active webhook secret")
    if not signature:
        raise WebhookRefused(401, "no signature")
    header = signature_header_parse(signature)
    if delivery_id is None or not _DELIVERY_ID.fullmatch(delivery_id):
        raise WebhookRefused(400, "delivery id absent or malformed")
    signature_verify(keys, header, body, now=now)
    text = _text(body)
    if not isinstance(_json(text), dict):
        raise WebhookRefused(400, "body is not a JSON object")
    try:
        with transaction.atomic():
            delivery = WebhookDelivery.objects.create(connection=connection, delivery_id=delivery_id, body=text)
    except IntegrityError:
        raise WebhookRefused(409, "delivery id seen before") from None
    _queue([delivery.pk])
    return delivery


def _deliveries_store(connection: Connection, items: dict[str, tuple[str, list[str]]]) -> list[int]:
    """One PENDING delivery per item (delivery id → (body, external ids)) not stored before; the
    new rows' ids. Two copies of one call racing may both see a row as new: the fetch it causes
    runs twice, which changes nothing."""
    new: dict[str, tuple[str, list[str]]] = {}
    ids = list(items)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        seen = set(
            WebhookDelivery.objects.filter(connection=connection, delivery_id__in=chunk).values_list(
                "delivery_id", flat=True
            )
        )
        new |= {delivery_id: items[delivery_id] for delivery_id in chunk if delivery_id not in seen}
    if not new:
        return []
    received_at = timezone.now()
    WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(
                connection=connection,
                delivery_id=delivery_id,
                body=body,
                external_ids=external_ids,
                received_at=received_at,
            )
            for delivery_id, (body, external_ids) in new.items()
        ],
        batch_size=500,
        ignore_conflicts=True,
    )
    pks: list[int] = []
    new_ids = list(new)
    for start in range(0, len(new_ids), 500):
        pks += WebhookDelivery.objects.filter(
            connection=connection,
            delivery_id__in=new_ids[start : start + 500],
            state=WebhookDelivery.State.PENDING,
        ).values_list("pk", flat=True)
    return sorted(pks)


def _hubspot_event_key(event: dict) -> str:
    """HubSpot retries an event with another attemptNumber (and maybe in another batch), and its
    eventIds alone are not guaranteed unique: the event is known by what it says happened."""
    fields = [event.get(name) for name in ("portalId", "eventId", "occurredAt", "objectId", "subscriptionType")]
    fields.append(event.get("propertyName"))
    digest = hashlib.sha256(json.dumps(fields, default=str, sort_keys=True).encode()).hexdigest()
    return f"hubspot:{digest}"


def _is_deal_event(event: dict) -> bool:
    subscription = event.get("subscriptionType")
    if not isinstance(subscription, str):
        return False
    # Classic subscriptions say "deal.…"; generic object subscriptions name deals by type id 0-3.
    return subscription.startswith("deal.") or (
        subscription.startswith("object.") and str(event.get("objectTypeId")) == "0-3"
    )


_HUBSPOT_KEPT_FIELDS = (
    "eventId",
    "subscriptionId",
    "portalId",
    "occurredAt",
    "subscriptionType",
    "attemptNumber",
    "objectId",
    "objectTypeId",
    "propertyName",
    "changeSource",
)


def hubspot_webhook_receive(
    *,
    public_id: str,
    method: str,
    uri: str,
    signature: str | None,
    timestamp: str | None,
    body: bytes,
    now: float | None = None,
) -> list[int]:
    """Check a HubSpot webhook call (signature v3 over `uri`, which the caller builds from
    WAGTAILADMIN_BASE_URL) and store one delivery per deal event not seen before; returns their
    ids (the fetch is queued). Events of other objects or, once the connection knows its portal,
    of another portal are ignored. Raises WebhookRefused: 404 not a HubSpot connection or no app
    secret, 401 signature absent, wrong or stale, 400 timestamp or body malformed."""
    now = time.time() if now is None else now
    connection = _connection(public_id)
    if connection.kind != Source.HUBSPOT:
        raise WebhookRefused(404, "not a HubSpot connection")
    try:
        secret = credentials_stored(connection).get("webhook_client_secret", "")
    except CredentialsUnavailable:
        raise WebhookUnavailable("credentials cannot be decrypted") from None
    if not secret:
        raise WebhookRefused(404, "no HubSpot app secret")
    if not signature or not timestamp:
        raise WebhookRefused(401, "no signature")
    if not _TIMESTAMP.fullmatch(timestamp):
        raise WebhookRefused(400, "timestamp malformed")
    if not hubspot_signatures.is_valid_v3(
        secret,
        method,
        uri,
        body,
        signature,
        timestamp,
        now=now,
        tolerance_seconds=settings.LASTMILE_WEBHOOK_TOLERANCE_SECONDS,
    ):
        raise WebhookRefused(401, "signature does not match or timestamp outside the tolerance")
    events = _json(_text(body))
    if not isinstance(events, list):
        raise WebhookRefused(400, "body is not a JSON array")
    portal = connection.remote_account_id.strip()
    items: dict[str, tuple[str, list[str]]] = {}
    foreign = 0
    for event in events:
        if not isinstance(event, dict) or not _is_deal_event(event):
            continue
        object_id = str(event.get("objectId"))
        if not _HUBSPOT_OBJECT_ID.fullmatch(object_id):
            continue
        if portal and str(event.get("portalId")) != portal:
            foreign += 1
            continue
        kept = {name: event[name] for name in _HUBSPOT_KEPT_FIELDS if name in event}
        items[_hubspot_event_key(event)] = (json.dumps(kept, default=str)[:2000], [object_id])
    if foreign:
        logger.warning("HubSpot webhook for connection %s: %d events of another portal ignored", public_id, foreign)
    with transaction.atomic():
        delivery_ids = _deliveries_store(connection, items)
        _queue(delivery_ids)
    return delivery_ids


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _children(element: Element, namespace: str, name: str) -> Iterator[Element]:
    return (child for child in element if child.tag == f"{{{namespace}}}{name}")


def _child_text(element: Element, namespace: str, name: str) -> str:
    child = next(_children(element, namespace, name), None)
    return (child.text or "").strip() if child is not None else ""


@dataclass(frozen=True)
class OutboundMessage:
    organisation_id: str
    # (notification id, opportunity id), both 18-character
    notifications: list[tuple[str, str]]


def salesforce_message_parse(body: bytes) -> OutboundMessage | None:
    """The organisation and the opportunity notifications of a Salesforce Outbound Message, or None
    for anything that is not one. Parsed by defusedxml: a DTD, an entity or an external
    reference refuses the document before anything is expanded or fetched."""
    try:
        root = xml_fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (DefusedXmlException, ParseError, ValueError, LookupError):  # LookupError: an unknown encoding
        return None
    if root.tag != f"{{{SOAP_ENVELOPE}}}Envelope":
        return None
    soap_body = next(_children(root, SOAP_ENVELOPE, "Body"), None)
    if soap_body is None:
        return None
    notifications = next(_children(soap_body, SALESFORCE_OUTBOUND, "notifications"), None)
    if notifications is None:
        return None
    organisation_id = _child_text(notifications, SALESFORCE_OUTBOUND, "OrganizationId")
    if not is_salesforce_id(organisation_id):
        return None
    found: list[tuple[str, str]] = []
    for notification in _children(notifications, SALESFORCE_OUTBOUND, "Notification"):
        notification_id = _child_text(notification, SALESFORCE_OUTBOUND, "Id")
        sobject = next(_children(notification, SALESFORCE_OUTBOUND, "sObject"), None)
        record_id = ""
        if sobject is not None:
            record_id = next(((child.text or "").strip() for child in sobject if _local(child.tag) == "Id"), "")
        if not (is_salesforce_id(notification_id) and is_salesforce_id(record_id)):
            continue
        if record_id.startswith(SALESFORCE_OPPORTUNITY_PREFIX):
            found.append((salesforce_id_18(notification_id), salesforce_id_18(record_id)))
    return OutboundMessage(organisation_id=salesforce_id_18(organisation_id), notifications=found)


def salesforce_webhook_receive(*, public_id: str, body: bytes) -> list[int]:
    """Store one delivery per opportunity notification of an Outbound Message not seen before;
    returns their ids (the fetch is queued). Raises WebhookRefused(404) when the connection is
    not a Salesforce one. A malformed message, or one from another organisation than the
    connection's (when it knows it), stores nothing and raises nothing: Salesforce gets its
    acknowledgement either way, so a sender learns nothing and a misconfigured organisation does
    not retry for a day."""
    connection = _connection(public_id)
    if connection.kind != Source.SALESFORCE:
        raise WebhookRefused(404, "not a Salesforce connection")
    message = salesforce_message_parse(body)
    if message is None:
        logger.warning("Salesforce webhook for connection %s: not an Outbound Message; ignored", public_id)
        return []
    expected = connection.remote_account_id.strip()
    if expected and salesforce_id_18(expected).lower() != message.organisation_id.lower():
        logger.warning("Salesforce webhook for connection %s: from another organisation; ignored", public_id)
        return []
    items = {f"salesforce:{notification_id}": ("", [record_id]) for notification_id, record_id in message.notifications}
    with transaction.atomic():
        delivery_ids = _deliveries_store(connection, items)
        _queue(delivery_ids)
    return delivery_ids


# --- Processing -----------------------------------------------------------------------------


def _finish(deliveries: Iterable[WebhookDelivery], *, failed: bool, result: dict, error: str = "") -> None:
    state = WebhookDelivery.State.FAILED if failed else WebhookDelivery.State.DONE
    WebhookDelivery.objects.filter(pk__in=[delivery.pk for delivery in deliveries]).update(
        state=state, result=result, error=error
    )


def _fetch(connection: Connection, deliveries: list[WebhookDelivery]) -> None:
    """Fetch every deal the deliveries name from the CRM (connection_fetch: the CRM's values, by
    the row rules) and record the outcome on each."""
    external_ids = list(dict.fromkeys(str(i) for delivery in deliveries for i in delivery.external_ids))
    runs, errors, skipped = [], [], 0
    size = settings.LASTMILE_API_BATCH_MAX
    for start in range(0, len(external_ids), size):
        run = connection_fetch(connection, external_ids[start : start + size], trigger=SyncTrigger.WEBHOOK)
        if run is None:
            skipped += 1  # a sync of the connection is running: the next poll brings the changes
            continue
        runs.append(run.pk)
        if run.state == SyncState.FAILED:
            errors.append(run.error)
    result = {"fetched": len(external_ids), "sync_runs": runs}
    if skipped:
        result["skipped"] = "A sync of the connection was running; the next one brings these deals."
    _finish(deliveries, failed=bool(errors), result=result, error=" ".join(dict.fromkeys(errors)))


def _generic_apply(connection: Connection, delivery: WebhookDelivery) -> None:
    """A generic call's body: `{"deals": [...]}` written by the API batch's rules, or, for a CRM
    connection, `{"external_ids": [...]}` fetched from the CRM."""
    payload = json.loads(delivery.body, parse_float=Decimal)
    if is_syncable(connection):
        if "deals" in payload:
            _finish(
                [delivery],
                failed=True,
                result={},
                error="A CRM connection's deals come from the CRM: send their “external_ids” to have them fetched.",
            )
            return
        external_ids = payload.get("external_ids")
        if (
            not isinstance(external_ids, list)
            or not 0 < len(external_ids) <= settings.LASTMILE_API_BATCH_MAX
            or not all(
                isinstance(i, str | int) and not isinstance(i, bool) and 0 < len(str(i)) <= 64 for i in external_ids
            )
        ):
            _finish(
                [delivery],
                failed=True,
                result={},
                error=f"“external_ids” lists 1 to {settings.LASTMILE_API_BATCH_MAX} ids of at most 64 characters.",
            )
            return
        delivery.external_ids = [str(i) for i in external_ids]
        WebhookDelivery.objects.filter(pk=delivery.pk).update(external_ids=delivery.external_ids)
        _fetch(connection, [delivery])
        return
    deals = payload.get("deals")
    if not isinstance(deals, list) or not deals:
        _finish([delivery], failed=True, result={}, error="The body lists deals as “deals”: [ … ].")
        return
    try:
        with transaction.atomic():
            result = deals_batch_apply(
                connection=connection, organisation_id=connection.organisation_id, deals=deals, source=Source.API
            )
            _finish(
                [delivery],
                failed=False,
                result={"created": result.created, "changed": result.changed, "unchanged": result.unchanged},
            )
    except DealBatchError as error:
        _finish([delivery], failed=True, result={"errors": error.errors}, error=str(error))


def webhook_deliveries_process(*, delivery_ids: list[int]) -> dict[str, int]:
    """Do what the PENDING deliveries among `delivery_ids` ask, recording on each DONE or FAILED
    with its result or error; deliveries done already are left alone, so running it again
    changes nothing. Returns how many were processed."""
    deliveries = list(
        WebhookDelivery.objects.filter(pk__in=delivery_ids, state=WebhookDelivery.State.PENDING)
        .select_related("connection")
        .order_by("pk")
    )
    by_connection: dict[int, list[WebhookDelivery]] = {}
    for delivery in deliveries:
        by_connection.setdefault(delivery.connection_id, []).append(delivery)
    for connection_deliveries in by_connection.values():
        connection = connection_deliveries[0].connection
        to_fetch = [delivery for delivery in connection_deliveries if delivery.external_ids]
        if to_fetch:
            _fetch(connection, to_fetch)
        for delivery in connection_deliveries:
            if not delivery.external_ids:
                _generic_apply(connection, delivery)
    return {"processed": len(deliveries)}


def webhook_deliveries_purge(older_than_days: int = PURGE_AFTER_DAYS) -> int:
    """Delete deliveries received more than `older_than_days` ago (at least 2: HubSpot and
    Salesforce retry a call for up to a day, and a generic call's timestamp is stale after
    minutes, so older rows recognise no replay); returns how many went."""
    if older_than_days < 2:
        raise ValueError("Keep webhook deliveries at least two days: CRMs retry for up to a day.")
    cutoff = timezone.now() - timedelta(days=older_than_days)
    deleted, _ = WebhookDelivery.objects.filter(received_at__lt=cutoff).delete()
    return deleted


@task()
@retry_transient_errors
def process_webhook_deliveries(delivery_ids: list[int]) -> dict[str, int]:
    """The background half of every webhook (see webhook_deliveries_process). At most once an hour
    (across workers, through the shared cache) it also purges deliveries older than a week."""
    outcome = webhook_deliveries_process(delivery_ids=delivery_ids)
    if cache.add(_PURGE_CACHE_KEY, True, timeout=int(PURGE_AT_MOST_EVERY.total_seconds())):
        outcome["purged"] = webhook_deliveries_purge()
    return outcome
