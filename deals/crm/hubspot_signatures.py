"""HubSpot's request signatures, checked (HubSpot's "Validating requests from HubSpot" docs).

HubSpot signs the requests it sends (webhooks, workflow actions, CRM cards) with the app's client
secret, three ways at once:

- v1, `X-HubSpot-Signature` with `X-HubSpot-Signature-Version: v1`: hex SHA-256 of secret + body;
- v2, the same headers with `v2`: hex SHA-256 of secret + method + URI + body;
- v3, `X-HubSpot-Signature-v3` with `X-HubSpot-Request-Timestamp` (ms since the epoch): base64
  HMAC-SHA256, keyed with the secret, of method + URI + body + timestamp, where the URI has the
  percent-encodings HubSpot lists decoded; HubSpot says to refuse a timestamp older than 5 minutes.

Only v3 covers a timestamp, so only v3 stops a replayed request: a webhook endpoint should insist
on it and keep v1/v2 for what sends nothing newer. The body is the raw request bytes (never JSON
parsed and serialised again); the URI is the full URL HubSpot called, scheme and host included.
Comparisons are constant-time. These functions do no I/O and read no settings."""

import base64
import hashlib
import hmac
import re
import time

V3_TOLERANCE_SECONDS = 300
# The percent-encodings HubSpot's v3 instructions say to decode in the request URI (only these).
_V3_DECODED = re.compile(r"%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)", re.IGNORECASE)


def _bytes(value: bytes | str) -> bytes:
    return value if isinstance(value, bytes) else value.encode("utf-8")


def _same(expected: str, given: str) -> bool:
    return hmac.compare_digest(expected.encode("ascii"), _bytes(given.strip()))


def v3_uri(uri: str) -> str:
    """`uri` as v3 signs it: %3A : %2F / %3F ? %40 @ %21 ! %24 $ %27 ' %28 ( %29 ) %2A * %2C , %3B ;
    decoded (in one pass, so "%253A" stays "%253A"), everything else left as it came."""
    return _V3_DECODED.sub(lambda match: chr(int(match.group(1), 16)), uri)


def signature_v1(client_secret: str, body: bytes | str) -> str:
    return hashlib.sha256(_bytes(client_secret) + _bytes(body)).hexdigest()


def signature_v2(client_secret: str, method: str, uri: str, body: bytes | str) -> str:
    return hashlib.sha256(_bytes(client_secret) + _bytes(method.upper()) + _bytes(uri) + _bytes(body)).hexdigest()


def signature_v3(client_secret: str, method: str, uri: str, body: bytes | str, timestamp: str) -> str:
    message = _bytes(method.upper()) + _bytes(v3_uri(uri)) + _bytes(body) + _bytes(timestamp)
    return base64.b64encode(hmac.new(_bytes(client_secret), message, hashlib.sha256).digest()).decode("ascii")


def is_valid_v1(client_secret: str, body: bytes | str, signature: str) -> bool:
    if not client_secret or not signature:
        return False
    return _same(signature_v1(client_secret, body), signature.lower())


def is_valid_v2(client_secret: str, method: str, uri: str, body: bytes | str, signature: str) -> bool:
    if not client_secret or not signature:
        return False
    return _same(signature_v2(client_secret, method, uri, body), signature.lower())


def is_valid_v3(
    client_secret: str,
    method: str,
    uri: str,
    body: bytes | str,
    signature: str,
    timestamp: str,
    *,
    now: float | None = None,
    tolerance_seconds: int = V3_TOLERANCE_SECONDS,
) -> bool:
    """True when `signature` is HubSpot's v3 signature of this request and `timestamp` (ms, as sent)
    is within `tolerance_seconds` of `now` (seconds since the epoch; the clock by default). A
    timestamp from the future beyond the tolerance is refused as well, so a signature cannot be
    made to last longer than HubSpot allows."""
    if not client_secret or not signature or not timestamp or len(timestamp) > 20:
        return False
    if not timestamp.isascii() or not timestamp.isdigit():
        return False
    now_ms = (time.time() if now is None else now) * 1000
    if abs(now_ms - int(timestamp)) > tolerance_seconds * 1000:
        return False
    return _same(signature_v3(client_secret, method, uri, body, timestamp), signature)
