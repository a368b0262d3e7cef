"""Sign-in and password-reset throttling, keyed on the account and on the client address.

Events are counted in the cache (shared by all app servers when the database cache is used)
within a sliding window; once over the limit, sign-in is refused until the window has passed,
a cool-off rather than a permanent lock. X-Forwarded-For is trusted only for the configured
number of proxies, so a client cannot dodge a limit by inventing addresses.
"""

import hashlib
import time
import unicodedata

from django.conf import settings
from django.core.cache import cache


def client_address(request) -> str:
    proxies = settings.LASTMILE_TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def _key(kind: str, value: str) -> str:
    return "login-failures:" + kind + ":" + hashlib.sha256(value.strip().lower().encode()).hexdigest()


def _recent(key: str, now: float, window: int | None = None) -> list[float]:
    window = settings.LASTMILE_LOGIN_WINDOW_SECONDS if window is None else window
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


def _email_key(email: str) -> str:
    """One spelling per account: Django's reset matches addresses case-insensitively after NFKC."""
    return unicodedata.normalize("NFKC", email or "").strip().casefold()


def password_reset_allowed(*, email: str, address: str) -> bool:
    """Whether a password-reset email may be queued for `email`, asked for from the client
    `address`; records the request. Within LASTMILE_PASSWORD_RESET_WINDOW_SECONDS, a client
    address gets LASTMILE_PASSWORD_RESET_MAX_PER_ADDRESS requests (refused ones count, so a
    client that keeps asking stays limited) and an account's address
    LASTMILE_PASSWORD_RESET_MAX_PER_ACCOUNT emails, whichever client asks. Looks nothing up in
    the database, so the answer is the same for addresses with and without an account."""
    now = time.time()
    window = settings.LASTMILE_PASSWORD_RESET_WINDOW_SECONDS
    by_address_key = "password-reset:" + _key("address", address)
    by_address = _recent(by_address_key, now, window)
    per_address = settings.LASTMILE_PASSWORD_RESET_MAX_PER_ADDRESS
    cache.set(by_address_key, [*by_address, now][-per_address:], window)
    if len(by_address) >= per_address:
        return False
    by_account_key = "password-reset:" + _key("account", _email_key(email))
    by_account = _recent(by_account_key, now, window)
    if len(by_account) >= settings.LASTMILE_PASSWORD_RESET_MAX_PER_ACCOUNT:
        return False
    cache.set(by_account_key, [*by_account, now], window)
    return True
