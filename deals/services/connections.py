"""A CRM connection's secrets: credentials set (write-only: a blank secret keeps the stored one),
webhook secrets made (shown once) and revoked, and every sealed value re-encrypted with the
newest key (ADR 20). Each change is an audit-log entry that names no secret."""

import hashlib
import hmac
import secrets

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from accounts.models import User

from ..audit import audit
from ..credentials import reseal, seal, unseal
from ..crm.base import CLIENTS, client_class
from ..models import Connection, WebhookSecret

MAX_ACTIVE_WEBHOOK_SECRETS = 2
MAX_CREDENTIAL_LENGTH = 10_000


class ConnectionRefused(Exception):
    """Refused, with a message for the form."""


@sensitive_variables()
def credentials_stored(connection: Connection) -> dict[str, str]:
    """The stored credentials (decrypted) for the service layer; never for a page."""
    return unseal(connection.credentials_sealed)


@transaction.atomic
@sensitive_variables()
def connection_credentials_set(connection: Connection, values: dict[str, str], *, by: User | None = None) -> Connection:
    """Store `values` sealed. A secret field left blank keeps what is stored; other fields are
    replaced. Refused with the client's own plain-word problems."""
    if connection.kind not in CLIENTS:
        raise ConnectionRefused(f"A {connection.get_kind_display()} connection has no credentials.")
    fields = client_class(connection.kind).credential_fields
    stored = credentials_stored(connection) if connection.credentials_sealed else {}
    merged: dict[str, str] = {}
    for field in fields:
        value = str(values.get(field.name) or "").strip()
        if len(value) > MAX_CREDENTIAL_LENGTH:
            raise ConnectionRefused(f"{field.label} is too long.")
        if field.secret and not value:
            value = stored.get(field.name, "")
        if value:
            merged[field.name] = value
    if problems := client_class(connection.kind).credential_problems(merged):
        raise ConnectionRefused(" ".join(problems))
    connection.credentials_sealed = seal(merged)
    connection.save(update_fields=["credentials_sealed"])
    audit(connection, "lastmile.connection.credentials_set", user=by, fields=sorted(merged))
    return connection


@transaction.atomic
def connection_credentials_remove(connection: Connection, *, by: User | None = None) -> Connection:
    # Without credentials the connection may move to another CRM account: nothing of this one's
    # cursor or identity carries over (its deals stay, with their external ids).
    connection.credentials_sealed = ""
    connection.sync_enabled = False
    connection.writeback_enabled = False
    connection.remote_account_id = ""
    connection.sync_state = {}
    connection.save(
        update_fields=["credentials_sealed", "sync_enabled", "writeback_enabled", "remote_account_id", "sync_state"]
    )
    audit(connection, "lastmile.connection.credentials_removed", user=by)
    return connection


def webhook_secrets_active(connection: Connection) -> QuerySet[WebhookSecret]:
    return connection.webhook_secrets.filter(revoked_at__isnull=True)


@transaction.atomic
def webhook_secret_create(connection: Connection, *, by: User | None = None) -> tuple[WebhookSecret, str]:
    """A new signing secret (shown once). At most two are active, so a sender can move over
    before the older one is revoked."""
    Connection.objects.select_for_update().filter(pk=connection.pk).first()
    if webhook_secrets_active(connection).count() >= MAX_ACTIVE_WEBHOOK_SECRETS:
        raise ConnectionRefused("Two secrets are active already: revoke the older one first.")
    raw = f"whsec_{secrets.token_urlsafe(32)}"
    secret = WebhookSecret.objects.create(connection=connection, sealed=seal({"secret": raw}))
    audit(connection, "lastmile.connection.webhook_secret_created", user=by, secret=secret.pk)
    return secret, raw


@transaction.atomic
def webhook_secret_revoke(secret: WebhookSecret, *, by: User | None = None) -> WebhookSecret:
    revoked = WebhookSecret.objects.filter(pk=secret.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    secret.refresh_from_db(fields=["revoked_at"])
    if revoked:
        audit(secret.connection, "lastmile.connection.webhook_secret_revoked", user=by, secret=secret.pk)
    return secret


def webhook_signing_keys(connection: Connection) -> list[bytes]:
    """The active secrets, as HMAC keys, for verifying a signature."""
    return [unseal(secret.sealed)["secret"].encode() for secret in webhook_secrets_active(connection)]


def signature_matches(keys: list[bytes], message: bytes, signature_hex: str) -> bool:
    """True when any key signs `message` as `signature_hex` (HMAC-SHA256, compared in constant time)."""
    matched = False
    for key in keys:
        expected = hmac.new(key, message, hashlib.sha256).hexdigest()
        matched |= hmac.compare_digest(expected, signature_hex)
    return matched


def credentials_reseal_all() -> int:
    """Every sealed credential and webhook secret encrypted again with the first configured key
    (after a new key was put first); returns how many values were re-encrypted."""
    count = 0
    with transaction.atomic():
        for connection in Connection.objects.select_for_update().exclude(credentials_sealed=""):
            Connection.objects.filter(pk=connection.pk).update(credentials_sealed=reseal(connection.credentials_sealed))
            count += 1
        for secret in WebhookSecret.objects.select_for_update():
            WebhookSecret.objects.filter(pk=secret.pk).update(sealed=reseal(secret.sealed))
            count += 1
    return count
