"""Sign-in throttling against brute force, keyed on the account and on the client address.

Failures are counted in the cache (shared by all app servers when the database cache is used)
within a sliding window; once over the limit, sign-in is refused until the window has passed,
a cool-off rather than a permanent lock. X-Forwarded-For is trusted only for the configured
number of proxies, so a client cannot dodge the limit by inventing addresses.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    proxies = settings.LASTMILE_TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def _key(kind: str, value: str) -> str:
    return "login-failures:" + kind + ":" + hashlib.sha256(value.strip().lower().encode()).hexdigest()


def _recent(key: str, now: float) -> list[float]:
    window = settings.LASTMILE_LOGIN_WINDOW_SECONDS
    return [stamp for stamp in cache.get(key, []) if now - stamp < window]


def seconds_locked(*, username: str, address: str) -> int:
    """How long sign-in stays refused for this account or address (0 if it is allowed)."""
    now = time.time()
    window = settings.LASTMILE_LOGIN_WINDOW_SECONDS
    waits = []
    for kind, value, limit in (
        ("user", username, settings.LASTMILE_LOGIN_MAX_FAILURES),
        ("address", address, settings.LASTMILE_LOGIN_MAX_FAILURES_PER_ADDRESS),
    ):
        recent = _recent(_key(kind, value), now)
        if len(recent) >= limit:
            waits.append(int(window - (now - recent[-limit])) + 1)
    return max(waits, default=0)


def login_failure_record(*, username: str, address: str) -> None:
    now = time.time()
    for kind, value in (("user", username), ("address", address)):
        key = _key(kind, value)
        cache.set(key, [*_recent(key, now), now], settings.LASTMILE_LOGIN_WINDOW_SECONDS)


def login_failures_clear(*, username: str) -> None:
    cache.delete(_key("user", username))
