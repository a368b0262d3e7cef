"""The webhook endpoints under /webhooks/ (deals/services/webhooks.py has the rules): HTTP in, a
service call, HTTP out. No session, no CSRF token (the callers are servers), never cached.

A refusal is its status code with an empty body (400 malformed, 401 signature, 404 connection,
405 method, 409 replay, 413 too large; 503 when stored secrets can't be decrypted). Salesforce is
answered with its acknowledgement whatever its message says, once it reached a Salesforce
connection within the size limit."""

import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .services.webhooks import (
    WebhookRefused,
    WebhookUnavailable,
    hubspot_uri,
    hubspot_webhook_receive,
    salesforce_webhook_receive,
    webhook_receive,
)

logger = logging.getLogger(__name__)

SALESFORCE_ACK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">'
    "<soapenv:Body>"
    '<notificationsResponse xmlns="http://soap.sforce.com/2005/09/outbound"><Ack>true</Ack></notificationsResponse>'
    "</soapenv:Body>"
    "</soapenv:Envelope>"
)


def _refusal(status: int) -> HttpResponse:
    return HttpResponse(status=status)


def _body(request: HttpRequest) -> bytes:
    """At most LASTMILE_WEBHOOK_MAX_BODY_BYTES of the body, read from the stream (never
    `request.body`, which would refuse anything over DATA_UPLOAD_MAX_MEMORY_SIZE with a 400
    after buffering it); WebhookRefused(413) beyond that, whether declared or sent."""
    limit = settings.LASTMILE_WEBHOOK_MAX_BODY_BYTES
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise WebhookRefused(400, "Content-Length malformed") from None
    if declared < 0:
        raise WebhookRefused(400, "Content-Length malformed")
    if declared > limit:
        raise WebhookRefused(413, "body too large")
    body = request.read(limit + 1)
    if len(body) > limit:
        raise WebhookRefused(413, "body too large")
    return body


def _answer(public_id: str, receive) -> HttpResponse | None:
    """None when `receive` succeeded; the refusal otherwise (logged without any header or body)."""
    try:
        receive()
    except WebhookRefused as refused:
        logger.info("Webhook for connection %s refused (%s): %s", public_id[:40], refused.status, refused)
        return _refusal(refused.status)
    except WebhookUnavailable as unavailable:
        logger.error("Webhook for connection %s not checked: %s", public_id[:40], unavailable)
        return _refusal(503)
    return None


@never_cache
@csrf_exempt
@require_POST
def webhook(request: HttpRequest, public_id: str) -> HttpResponse:
    """A signed call from any system (Lastmile-Signature, Lastmile-Delivery): 202 once stored."""

    def receive() -> None:
        webhook_receive(
            public_id=public_id,
            signature=request.headers.get("Lastmile-Signature"),
            delivery_id=request.headers.get("Lastmile-Delivery"),
            body=_body(request),
        )

    return _answer(public_id, receive) or JsonResponse({"accepted": True}, status=202)


@never_cache
@csrf_exempt
@require_POST
def hubspot_webhook(request: HttpRequest, public_id: str) -> HttpResponse:
    """HubSpot's events (signature v3): 204 once stored, well within HubSpot's timeout."""

    def receive() -> None:
        hubspot_webhook_receive(
            public_id=public_id,
            method=request.method,
            uri=hubspot_uri(request.path, request.META.get("QUERY_STRING", "")),
            signature=request.headers.get("X-HubSpot-Signature-v3"),
            timestamp=request.headers.get("X-HubSpot-Request-Timestamp"),
            body=_body(request),
        )

    return _answer(public_id, receive) or HttpResponse(status=204)


@never_cache
@csrf_exempt
@require_POST
def salesforce_webhook(request: HttpRequest, public_id: str) -> HttpResponse:
    """A Salesforce Outbound Message: acknowledged (see salesforce_webhook_receive)."""

    def receive() -> None:
        salesforce_webhook_receive(public_id=public_id, body=_body(request))

    return _answer(public_id, receive) or HttpResponse(SALESFORCE_ACK, content_type="text/xml; charset=utf-8")


app_name = "webhooks"
urlpatterns = [
    # <str:…>, not <uuid:…>: an id that is no UUID gets the same empty 404 as an unknown one.
    path("<str:public_id>/", webhook, name="generic"),
    path("<str:public_id>/hubspot/", hubspot_webhook, name="hubspot"),
    path("<str:public_id>/salesforce/", salesforce_webhook, name="salesforce"),
]
