"""Rate limits for share links, counted in the cache (shared by all app servers with the database
cache): requests from one client address (pages, page images, downloads, and guesses at tokens
alike), and opens of one link. Fixed windows: a burst past the limit waits for the next window."""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache

from ..models import ShareLink


def _counted(kind: str, value: str, *, limit: int) -> bool:
    """Count one more request for `value`; whether it is still within `limit` for this window."""
    window = settings.LASTMILE_SHARE_LINK_RATE_WINDOW_SECONDS
    slot = int(time.time() // window)
    key = f"share-rate:{kind}:{slot}:" + hashlib.sha256(value.encode()).hexdigest()
    if cache.add(key, 1, timeout=window + 5):
        return limit >= 1
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window + 5)
        count = 1
    return count <= limit


def share_request_allowed(*, address: str) -> bool:
    return _counted("address", address, limit=settings.LASTMILE_SHARE_LINK_REQUESTS_PER_ADDRESS)


def share_open_allowed(*, link: ShareLink) -> bool:
    return _counted("link", link.token_hash, limit=settings.LASTMILE_SHARE_LINK_OPENS_PER_LINK)
