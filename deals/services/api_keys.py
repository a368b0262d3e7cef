"""API keys: made (shown once), checked on every API request, revoked (ADR 19)."""

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation, User

from ..audit import audit
from ..models import ApiAccess, ApiKey, IdempotentRequest

KEY_MARK = "lm"
# "last used" is written at most this often per key, not on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class ApiKeyError(Exception):
    pass


def _digest(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


@transaction.atomic
def api_key_create(
    *,
    name: str,
    access: str = ApiAccess.READ,
    organisation: Organisation | None = None,
    expires_at: datetime | None = None,
    by: User | None = None,
) -> tuple[ApiKey, str]:
    """A new key and its secret text, which is never stored and never shown again."""
    name = " ".join((name or "").split())
    if not name:
        raise ApiKeyError("Give the key a name that says what it is for.")
    if access not in ApiAccess.values:
        raise ApiKeyError(f"Access is one of: {', '.join(ApiAccess.values)}.")
    if expires_at is not None and expires_at <= timezone.now():
        raise ApiKeyError("The expiry must be in the future.")
    prefix = secrets.token_hex(6)
    raw_key = f"{KEY_MARK}_{prefix}_{secrets.token_urlsafe(32)}"
    api_key = ApiKey.objects.create(
        name=name[:100],
        prefix=prefix,
        secret_hash=_digest(raw_key),
        organisation=organisation,
        access=access,
        expires_at=expires_at,
        created_by=by,
    )
    audit(api_key, "lastmile.api_key.created", user=by, prefix=prefix, access=access, scope=_scope(api_key))
    return api_key, raw_key


def _scope(api_key: ApiKey) -> str:
    return str(api_key.organisation.public_id) if api_key.organisation_id else "company"


def api_key_authenticate(raw_key: str) -> ApiKey | None:
    """The usable key `raw_key` is, or None (unknown, malformed, revoked, expired, or an inactive
    organisation's)."""
    mark, _, rest = (raw_key or "").partition("_")
    prefix, _, secret = rest.partition("_")
    if mark != KEY_MARK or not prefix or not secret or len(raw_key) > 200:
        return None
    api_key = ApiKey.objects.usable().select_related("organisation").filter(prefix=prefix).first()
    if api_key is None or not hmac.compare_digest(api_key.secret_hash, _digest(raw_key)):
        return None
    if api_key.organisation_id is not None and not api_key.organisation.is_active:
        return None
    now = timezone.now()
    if api_key.last_used_at is None or now - api_key.last_used_at >= LAST_USED_RESOLUTION:
        ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        api_key.last_used_at = now
    return api_key


@transaction.atomic
def api_key_revoke(*, api_key: ApiKey, by: User | None = None) -> ApiKey:
    """Revoked at once, for good; revoking twice keeps the first time."""
    revoked = ApiKey.objects.filter(pk=api_key.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    api_key.refresh_from_db(fields=["revoked_at"])
    if revoked:
        audit(api_key, "lastmile.api_key.revoked", user=by, prefix=api_key.prefix)
    return api_key


def idempotent_requests_purge(*, now: datetime | None = None) -> int:
    """Forget idempotency keys older than LASTMILE_API_IDEMPOTENCY_HOURS."""
    cutoff = (now or timezone.now()) - timedelta(hours=settings.LASTMILE_API_IDEMPOTENCY_HOURS)
    deleted, _ = IdempotentRequest.objects.filter(created_at__lt=cutoff).delete()
    return deleted
