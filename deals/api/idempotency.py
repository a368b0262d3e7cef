"""`Idempotency-Key` on POST, as the IETF draft (draft-ietf-httpapi-idempotency-key-header) has it:
the first request with a key runs and its response is kept; a repeat with the same body gets that
response again; the same key with another body is a 422; a repeat while the first still runs is
a 409. Keys are kept LASTMILE_API_IDEMPOTENCY_HOURS (24) hours."""

import hashlib
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from ..models import ApiKey, IdempotentRequest
from ..models import IdempotencyState as State

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255


class IdempotencyConflict(Exception):
    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status


def request_fingerprint(method: str, path: str, body: bytes) -> str:
    digest = hashlib.sha256()
    for part in (method.encode(), path.encode(), body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def _claim(api_key: ApiKey, key: str, fingerprint: str) -> IdempotentRequest | None:
    """A new record for this key (the caller runs the request), or the earlier one."""
    cutoff = timezone.now() - timedelta(hours=settings.LASTMILE_API_IDEMPOTENCY_HOURS)
    IdempotentRequest.objects.filter(api_key=api_key, key=key, created_at__lt=cutoff).delete()
    try:
        with transaction.atomic():
            IdempotentRequest.objects.create(api_key=api_key, key=key, fingerprint=fingerprint)
        return None
    except IntegrityError:
        return IdempotentRequest.objects.get(api_key=api_key, key=key)


def idempotent(request: HttpRequest, api_key: ApiKey, run: Callable[[], HttpResponse]) -> HttpResponse:
    key = request.headers.get(HEADER, "")
    if not key:
        return run()
    if len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise IdempotencyConflict(400, f"An {HEADER} is at most {MAX_KEY_LENGTH} printable characters.")
    fingerprint = request_fingerprint(request.method, request.path, request.body)
    earlier = _claim(api_key, key, fingerprint)
    if earlier is not None:
        if earlier.fingerprint != fingerprint:
            raise IdempotencyConflict(422, f"This {HEADER} was used for a different request.")
        if earlier.state == State.RUNNING:
            raise IdempotencyConflict(409, f"A request with this {HEADER} is still running; retry later.")
        response = HttpResponse(earlier.response_body, status=earlier.status_code, content_type="application/json")
        response["Idempotent-Replayed"] = "true"
        return response
    try:
        response = run()
    except BaseException:
        IdempotentRequest.objects.filter(api_key=api_key, key=key).delete()
        raise
    if response.status_code >= 500:
        IdempotentRequest.objects.filter(api_key=api_key, key=key).delete()
    else:
        IdempotentRequest.objects.filter(api_key=api_key, key=key).update(
            state=State.DONE, status_code=response.status_code, response_body=response.content.decode()
        )
    return response
