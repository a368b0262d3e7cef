"""The /api/v1/ endpoints: each reads through deals.api_selectors (the key's scope; anything
outside it is a 404) or writes through a service."""

from uuid import UUID

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from ninja import NinjaAPI, Query
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from ..api_selectors import deals_for_key, documents_for_key, events_for_key, templates_for_key
from ..models import Outcome
from ..services.api_deals import ApiNotFound, ApiWriteRefused, DealBatchError, deals_batch_upsert
from . import cursors
from .auth import ApiKeyAuth, PerKeyThrottle
from .idempotency import IdempotencyConflict, idempotent
from .schemas import (
    DealBatchIn,
    DealBatchOut,
    DealDetailOut,
    DealPage,
    DocumentOut,
    DocumentPage,
    EventPage,
    Instant,
    Problem,
    TemplateList,
    TemplateOut,
)


class LastmileApi(NinjaAPI):
    def get_openapi_schema(self, **kwargs):
        """Error answers are documented as what they are: `application/problem+json`."""
        schema = super().get_openapi_schema(**kwargs)
        for operations in schema["paths"].values():
            for operation in operations.values():
                for status, response in operation.get("responses", {}).items():
                    if int(status) >= 400 and "application/json" in response.get("content", {}):
                        response["content"] = {"application/problem+json": response["content"]["application/json"]}
        return schema


api = LastmileApi(
    title="Lastmile API",
    version="1",
    description=(
        "Deals, documents, delivery events and templates. Authenticate with `Authorization: Bearer <key>`; "
        "a key sees the whole company's data or one partner organisation's. Lists page with `cursor` "
        "(the `next_cursor` of the page before). POSTs take an `Idempotency-Key` header (kept 24 hours)."
    ),
    urls_namespace="api-v1",
    auth=ApiKeyAuth(),
    throttle=[PerKeyThrottle()],
    openapi_url="/openapi.json",
    docs_url="/docs",
)

ERRORS = {400: Problem, 401: Problem, 403: Problem, 404: Problem, 422: Problem, 429: Problem}
TITLES = {
    400: "Bad request",
    401: "Not authenticated",
    403: "Forbidden",
    404: "Not found",
    409: "Conflict",
    413: "Request too large",
    422: "Unprocessable content",
    429: "Too many requests",
}


def problem(request: HttpRequest, status: int, detail: str = "", errors: list | None = None) -> HttpResponse:
    body = {"title": TITLES.get(status, "Error"), "status": status, "detail": detail, "errors": errors or []}
    response = api.create_response(request, body, status=status)
    response["Content-Type"] = "application/problem+json"
    return response


@api.exception_handler(ValidationError)
def _invalid(request, exc):
    errors = [
        {"field": ".".join(str(part) for part in error.get("loc", ())[1:]), "message": error.get("msg", "")}
        for error in exc.errors
    ]
    return problem(request, 422, "Some values are not valid.", errors)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    response = problem(request, 401, "Send a valid API key as `Authorization: Bearer <key>`.")
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(Throttled)
def _throttled(request, exc):
    return problem(request, 429, "Too many requests for this key; retry after the time in Retry-After.")


@api.exception_handler(Http404)
def _not_found(request, exc):
    return problem(request, 404, "No such item for this key.")


@api.exception_handler(HttpError)
def _http_error(request, exc):
    return problem(request, exc.status_code, str(exc))


@api.exception_handler(RequestDataTooBig)
def _too_big(request, exc):
    return problem(request, 413, f"A request body is at most {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes.")


def _page_size(limit: int) -> int:
    return max(1, min(limit, settings.LASTMILE_API_PAGE_SIZE))


def _paged(rows, cursor: str | None, limit: int, *, by_update: bool):
    try:
        rows = cursors.after_update(rows, cursor) if by_update else cursors.after_id(rows, cursor)
    except cursors.BadCursor as error:
        raise HttpError(400, str(error)) from None
    key = (lambda row: (row.updated_at, row.pk)) if by_update else (lambda row: (row.pk,))
    items, next_cursor = cursors.page(rows, limit=_page_size(limit), key=key)
    return {"items": items, "next_cursor": next_cursor}


# Deals -------------------------------------------------------------------------------------------


@api.get("/deals", response={200: DealPage, **ERRORS}, tags=["deals"])
def deal_list(
    request,
    cursor: str | None = None,
    limit: int = 100,
    updated_since: Instant | None = None,
    outcome: Outcome | None = None,
    q: str = Query("", max_length=100),
    include_deleted: bool = False,
):
    """Deals in the order they last changed: pull incrementally with `updated_since` and the cursor.
    `include_deleted` adds deals removed at their source (with `deleted_at`)."""
    deals = deals_for_key(request.auth, include_deleted=include_deleted)
    if updated_since is not None:
        deals = deals.filter(updated_at__gte=updated_since)
    if outcome is not None:
        deals = deals.filter(outcome=outcome)
    if q:
        deals = deals.filter(Q(name__icontains=q) | Q(account_name__icontains=q) | Q(external_id=q))
    return _paged(deals, cursor, limit, by_update=True)


@api.get("/deals/{uuid:deal_id}", response={200: DealDetailOut, **ERRORS}, tags=["deals"])
def deal_detail(request, deal_id: UUID):
    """One deal with the documents delivered for it and its latest 100 events."""
    deal = get_object_or_404(deals_for_key(request.auth, include_deleted=True), public_id=deal_id)
    deal.api_documents = list(
        documents_for_key(request.auth).filter(Q(deal_choice__deal=deal) | Q(delivery_events__deal=deal)).distinct()
    )
    deal.api_events = list(events_for_key(request.auth).filter(deal=deal).order_by("-occurred_at", "-pk")[:100])
    return deal


@api.post("/deals/batch", response={200: DealBatchOut, **ERRORS, 409: Problem, 413: Problem}, tags=["deals"])
def deal_batch(request, body: DealBatchIn):
    """Create or update up to 1,000 deals by external id, all or nothing. Values are checked as a
    CSV import's rows are; `stage` goes through the connection's stage mapping."""

    def run() -> HttpResponse:
        try:
            result = deals_batch_upsert(
                api_key=request.auth,
                deals=[deal.dict() for deal in body.deals],
                connection_id=body.connection,
            )
        except ApiWriteRefused as error:
            return problem(request, 403, str(error))
        except ApiNotFound as error:
            return problem(request, 404, str(error))
        except DealBatchError as error:
            return problem(request, 422, str(error), error.errors)
        out = DealBatchOut(
            connection={"id": result.connection.public_id, "name": result.connection.name},
            created=result.created,
            changed=result.changed,
            unchanged=result.unchanged,
        )
        return api.create_response(request, out.dict(), status=200)

    try:
        return idempotent(request, request.auth, run)
    except IdempotencyConflict as conflict:
        return problem(request, conflict.status, str(conflict))


# Documents, events, templates ------------------------------------------------------------------


@api.get("/documents", response={200: DocumentPage, **ERRORS}, tags=["documents"])
def document_list(request, cursor: str | None = None, limit: int = 100, updated_since: Instant | None = None):
    documents = documents_for_key(request.auth)
    if updated_since is not None:
        documents = documents.filter(updated_at__gte=updated_since)
    return _paged(documents, cursor, limit, by_update=True)


@api.get("/documents/{uuid:document_id}", response={200: DocumentOut, **ERRORS}, tags=["documents"])
def document_detail(request, document_id: UUID):
    return get_object_or_404(documents_for_key(request.auth), public_id=document_id)


@api.get("/documents/{uuid:document_id}/events", response={200: EventPage, **ERRORS}, tags=["documents"])
def document_events(request, document_id: UUID, cursor: str | None = None, limit: int = 100):
    document = get_object_or_404(documents_for_key(request.auth), public_id=document_id)
    return _paged(events_for_key(request.auth).filter(document=document), cursor, limit, by_update=False)


@api.get("/events", response={200: EventPage, **ERRORS}, tags=["events"])
def event_list(request, cursor: str | None = None, limit: int = 100, since: Instant | None = None):
    """Delivery events in the order they were recorded: a BI tool keeps the last `next_cursor`
    and asks again later for what is new."""
    events = events_for_key(request.auth)
    if since is not None:
        events = events.filter(occurred_at__gte=since)
    return _paged(events, cursor, limit, by_update=False)


@api.get("/templates", response={200: TemplateList, **ERRORS}, tags=["templates"])
def template_list(request):
    """Templates in use that the key's people may personalise."""
    return {"items": list(templates_for_key(request.auth).prefetch_related("tags").order_by("title"))}


@api.get("/templates/{uuid:template_id}", response={200: TemplateOut, **ERRORS}, tags=["templates"])
def template_detail(request, template_id: UUID):
    return get_object_or_404(templates_for_key(request.auth).prefetch_related("tags"), public_id=template_id)
