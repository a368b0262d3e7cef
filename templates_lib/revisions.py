"""Templates as they were at a revision, deserialised once per process.

Turning a revision's JSON back into a template with its fields costs one query per foreign
key (about 40 ms for the eight-page brochure). Revision content does not change once a
document is pinned to it, so the result is cached by revision id and a hash of the content;
if Wagtail ever rewrites a revision in place, the hash changes and the cache misses.
Callers get a shared object and must treat it as read-only.
"""

import hashlib
import json
import threading
from collections import OrderedDict

CACHE_SIZE = 256
_cache: "OrderedDict[tuple[int, str], object]" = OrderedDict()
_lock = threading.Lock()


def _content_hash(revision) -> str:
    return hashlib.sha256(json.dumps(revision.content, sort_keys=True, default=str).encode()).hexdigest()


def template_at_revision(revision):
    key = (revision.pk, _content_hash(revision))
    with _lock:
        cached = _cache.get(key)
        if cached is not None:
            _cache.move_to_end(key)
            return cached
    template = revision.as_object()
    with _lock:
        _cache[key] = template
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return template


def clear_cache() -> None:
    with _lock:
        _cache.clear()
