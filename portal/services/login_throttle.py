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


def _recent(key: str, now: float, window: int | None = None) -> list[float]:
    window = settings.LASTMILE_LOGIN_WINDOW_SECONDS if window is None else window
    return [stamp for stamp in cache.get(key, []) if now - stamp < window]


def seconds_locked(*, username: str) -> int:
    """How long sign-in stays refused for this account, correct password or not (0 if allowed)."""
    now = time.time()
    limit = settings.LASTMILE_LOGIN_MAX_FAILURES
    recent = _recent(_key("user", username), now)
    if len(recent) < limit:
        return 0
    return int(settings.LASTMILE_LOGIN_WINDOW_SECONDS - (now - recent[-limit])) + 1


def address_delay(*, address: str) -> float:
    """Seconds to hold a sign-in attempt from this client address before checking it: none up to
    LASTMILE_LOGIN_MAX_FAILURES_PER_ADDRESS failures within the window, then
    LASTMILE_LOGIN_ADDRESS_DELAY_SECONDS more for each further failure, up to
    LASTMILE_LOGIN_ADDRESS_MAX_DELAY_SECONDS.

    An address is never refused: behind an office NAT, or a proxy whose count is not configured,
    one address is many people, and a colleague's correct password must not fail because of
    someone else's guesses. Guessing across accounts from one address is slowed down instead;
    guessing one account's password is refused by that account's own limit."""
    failures = len(_recent(_key("address", address), time.time()))
    over = failures - settings.LASTMILE_LOGIN_MAX_FAILURES_PER_ADDRESS
    if over < 0:
        return 0
    return min(
        settings.LASTMILE_LOGIN_ADDRESS_MAX_DELAY_SECONDS, settings.LASTMILE_LOGIN_ADDRESS_DELAY_SECONDS * (over + 1)
    )


def address_slow_down(*, address: str) -> float:
    """Hold this request for `address_delay` seconds; returns how long it waited."""
    delay = address_delay(address=address)
    if delay > 0:
        time.sleep(delay)
    return delay


def login_failure_record(*, username: str, address: str) -> None:
    now = time.time()
    window = settings.LASTMILE_LOGIN_WINDOW_SECONDS
    user_key, address_key = _key("user", username), _key("address", address)
    cache.set(user_key, [*_recent(user_key, now), now][-settings.LASTMILE_LOGIN_MAX_FAILURES :], window)
    # Enough to know how far past the limit an address is: beyond that the delay is at its cap.
    step = settings.LASTMILE_LOGIN_ADDRESS_DELAY_SECONDS
    kept = (
        settings.LASTMILE_LOGIN_MAX_FAILURES_PER_ADDRESS
        + int(settings.LASTMILE_LOGIN_ADDRESS_MAX_DELAY_SECONDS / step if step > 0 else 0)
        + 1
    )
    cache.set(address_key, [*_recent(address_key, now), now][-kept:], window)


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
