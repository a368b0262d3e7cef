"""A local stand-in for HubSpot's CRM API, answering the way HubSpot documents it, for the client's
tests and for the sync benchmark.

    fake = FakeHubSpot(search_cap=250).start()     # 127.0.0.1, a free port, a daemon thread
    fake.populate(100_000)                          # synthetic deals, one per second of 2024
    ... HubSpotClient with LASTMILE_HUBSPOT_API_BASE = fake.url and access_token = fake.token ...
    fake.stop()

It serves the endpoints the client uses (paths as in hubspot-api-client 12.0.0):

    GET  /account-info/v3/details                   account details (portalId)
    GET  /crm/v3/pipelines/deals                    deal pipelines and their stages
    GET  /crm/v3/owners/?limit&after&archived       owners, paged (at most `owner_page_max` a page)
    GET  /crm/v3/objects/deals?archived&limit&after deals (archived ones with archivedAt), paged by id
    POST /crm/v3/objects/deals/search               filterGroups, sorts, properties, limit (≤ 200),
                                                    after (an offset); 400 from `search_cap` results on
    POST /crm/v3/objects/deals/batch/read           ≤ 100 ids; 207 with errors when some are missing
    POST /crm/v3/objects/notes                      201; associations checked (note → deal is 214)

Errors have HubSpot's body (`status`, `message`, `correlationId`, `category`); the shapes are the
JSON files in fixtures/hubspot/ (README.md there says where each comes from). `fail()` switches on a
failure for matching requests: 429 with or without Retry-After, 401 expired token, 500, a 502 HTML
page, a body that is not JSON, an answer that never comes, a dropped connection; `after=` lets that
many requests through first ("fails after N pages"). `requests` records what was asked.

Searches are cheap at 100,000 deals: a query's matches are computed once per data version and
filter shape, and a lower bound on the sort property (the keyset a client pages with) is a bisect.
Deals with the same sort value come in descending id order: HubSpot promises no order among ties,
so a client must not count on id order there."""

import bisect
import itertools
import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

FIXTURES = Path(__file__).parent / "fixtures" / "hubspot"
TOKEN = "pat-na1-11111111-2222-3333-4444-555555555555"
START_MS = 1704067200000  # 2024-01-01T00:00:00Z

SEARCH_LIMIT_MAX = 200
BATCH_READ_MAX = 100
LIST_LIMIT_MAX = 100
OWNER_LIMIT_MAX = 500
NOTE_TO_DEAL = 214

DATE_PROPERTIES = {"hs_lastmodifieddate", "createdate", "closedate", "hs_createdate", "hs_timestamp"}
NUMBER_PROPERTIES = {"hs_object_id", "amount"}
DEFAULT_SEARCH_PROPERTIES = ("createdate", "hs_lastmodifieddate", "hs_object_id")


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


def iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def to_ms(value) -> int | None:
    """A HubSpot datetime (ms since the epoch, or ISO 8601) as ms; None if it is neither."""
    if value is None:
        return None
    text = str(value).strip()
    if text.lstrip("-").isdigit():
        return int(text)
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() * 1000)


def _comparable(name: str, value):
    """A property value as HubSpot compares it: datetimes and numbers as numbers, text as text."""
    if value is None:
        return None
    if name in DATE_PROPERTIES:
        return to_ms(value)
    if name in NUMBER_PROPERTIES:
        try:
            return float(value)
        except ValueError:
            return None
    return str(value)


class _Refused(Exception):
    def __init__(self, status: int, body: dict, headers: dict | None = None) -> None:
        super().__init__(body.get("message", ""))
        self.status, self.body, self.headers = status, body, headers or {}


def _error(name: str, status: int, message: str | None = None, headers: dict | None = None) -> _Refused:
    body = fixture(name)
    body["correlationId"] = str(uuid.uuid4())
    if message:
        body["message"] = message
    return _Refused(status, body, headers)


def _validation(message: str) -> _Refused:
    return _error("error_400_validation.json", 400, message)


@dataclass
class Failure:
    """A failure served to matching requests (path prefix and method; None matches any)."""

    kind: str
    path: str | None = None
    method: str | None = None
    after: int = 0
    times: int | None = 1
    retry_after: str | None = "10"
    policy: str = "SECONDLY"
    delay: float = 5.0
    seen: int = 0
    served: int = 0

    def matches(self, method: str, path: str) -> bool:
        return (self.path is None or path.startswith(self.path)) and (self.method is None or method == self.method)


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, list[str]]
    body: object
    has_token: bool


@dataclass
class _Deal:
    id: int
    properties: dict[str, str]
    created_ms: int
    modified_ms: int
    archived_ms: int | None = None

    def as_json(self, names) -> dict:
        if names is None:
            properties = dict(self.properties)
        else:
            properties = {name: self.properties.get(name) for name in names}
            for name in DEFAULT_SEARCH_PROPERTIES:
                properties[name] = self.properties.get(name)
        item = {
            "id": str(self.id),
            "properties": properties,
            "createdAt": iso(self.created_ms),
            "updatedAt": iso(self.modified_ms),
            "archived": self.archived_ms is not None,
        }
        if self.archived_ms is not None:
            item["archivedAt"] = iso(self.archived_ms)
        return item


@dataclass
class _Matches:
    """A query's matches in sort order, with the sort values alongside for bisecting."""

    ids: list[int] = field(default_factory=list)
    keys: list = field(default_factory=list)


class FakeHubSpot:
    def __init__(
        self,
        *,
        token: str = TOKEN,
        portal_id: int = 62515,
        search_cap: int = 10_000,
        owner_page_max: int = OWNER_LIMIT_MAX,
        list_page_max: int = LIST_LIMIT_MAX,
    ) -> None:
        self.token = token
        self.portal_id = portal_id
        self.search_cap = search_cap
        self.owner_page_max = owner_page_max
        self.list_page_max = list_page_max
        self.is_token_expired = False
        self.pipelines: list[dict] = fixture("pipelines_response.json")["results"]
        self.owners: list[dict] = []
        self.archived_owners: list[dict] = []
        self.notes: dict[str, dict] = {}
        self.requests: list[Recorded] = []
        self.failures: list[Failure] = []
        self._deals: dict[int, _Deal] = {}
        self._next_id = 1001
        self._next_note = 5001
        self._version = 0
        self._cache: dict[tuple, _Matches] = {}
        self._lock = threading.RLock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # Running -------------------------------------------------------------------------------------

    def start(self) -> "FakeHubSpot":
        fake = self

        class Handler(_Handler):
            hubspot = fake

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._server.block_on_close = False
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-hubspot", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> "FakeHubSpot":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # Data ----------------------------------------------------------------------------------------

    def add_owner(self, email: str, *, owner_id: str | None = None, is_archived: bool = False) -> str:
        with self._lock:
            owners = self.archived_owners if is_archived else self.owners
            owner_id = owner_id or str(41629779 + len(self.owners) + len(self.archived_owners))
            first, _, last = email.partition("@")[0].partition(".")
            owners.append(
                {
                    "id": owner_id,
                    "email": email,
                    "type": "PERSON",
                    "firstName": first.title(),
                    "lastName": last.title(),
                    "userId": int(owner_id) // 7,
                    "userIdIncludingInactive": int(owner_id) // 7,
                    "createdAt": "2019-12-25T13:01:35.228Z",
                    "updatedAt": "2023-08-22T13:40:26.790Z",
                    "archived": is_archived,
                    "teams": [],
                }
            )
            return owner_id

    def add_pipeline(self, pipeline_id: str, label: str, stages: list[tuple[str, str, bool, float]]) -> None:
        """A pipeline whose stages are (id, label, is closed, probability)."""
        with self._lock:
            self.pipelines.append(
                {
                    "label": label,
                    "displayOrder": len(self.pipelines),
                    "id": pipeline_id,
                    "stages": [
                        {
                            "label": stage_label,
                            "displayOrder": order,
                            "metadata": {"isClosed": str(is_closed).lower(), "probability": str(probability)},
                            "id": stage_id,
                            "createdAt": "2020-01-01T00:00:00.000Z",
                            "updatedAt": "2020-01-01T00:00:00.000Z",
                            "archived": False,
                            "writePermissions": "CRM_PERMISSIONS_ENFORCEMENT",
                        }
                        for order, (stage_id, stage_label, is_closed, probability) in enumerate(stages)
                    ],
                    "createdAt": "2020-01-01T00:00:00.000Z",
                    "updatedAt": "2020-01-01T00:00:00.000Z",
                    "archived": False,
                }
            )

    def add_deal(self, *, modified_ms: int | None = None, deal_id: int | None = None, **properties) -> str:
        """A deal; `properties` are HubSpot property names (None leaves one out). The name, stage,
        pipeline and dates get plain defaults."""
        with self._lock:
            deal_id = deal_id or self._next_id
            self._next_id = max(self._next_id, deal_id + 1)
            modified_ms = modified_ms if modified_ms is not None else START_MS + deal_id
            created_ms = min(modified_ms, START_MS)
            values = {
                "dealname": f"Deal {deal_id}",
                "dealstage": "appointmentscheduled",
                "pipeline": "default",
                "createdate": iso(created_ms),
            } | properties
            values = {name: str(value) for name, value in values.items() if value is not None}
            values["hs_object_id"] = str(deal_id)
            values["hs_lastmodifieddate"] = iso(modified_ms)
            self._deals[deal_id] = _Deal(deal_id, values, created_ms, modified_ms)
            self._version += 1
            return str(deal_id)

    def populate(
        self,
        count: int,
        *,
        start_ms: int = START_MS,
        step_ms: int = 1000,
        same_timestamp: int = 1,
        pipelines: tuple[str, ...] = ("default",),
        stages: tuple[str, ...] = ("appointmentscheduled", "closedwon", "closedlost"),
        owner_ids: tuple[str, ...] = (),
    ) -> list[str]:
        """`count` synthetic deals, cheaply: the n-th modified at start + (n // same_timestamp) * step,
        with stages, pipelines and owners taken in turn and amounts that vary."""
        with self._lock:
            first = self._next_id
            pipeline_of, stage_of = itertools.cycle(pipelines), itertools.cycle(stages)
            owner_of = itertools.cycle(owner_ids or (None,))
            created = iso(start_ms)
            for n in range(count):
                deal_id = first + n
                modified_ms = start_ms + (n // same_timestamp) * step_ms
                values = {
                    "dealname": f"Synthetic deal {deal_id}",
                    "amount": f"{(n * 7919) % 250000 + 100}.{n % 100:02d}",
                    "deal_currency_code": "EUR" if n % 3 else "USD",
                    "dealstage": next(stage_of),
                    "pipeline": next(pipeline_of),
                    "closedate": iso(start_ms + 90 * 86_400_000 + n * 3_600_000)[:10] + "T00:00:00Z",
                    "createdate": created,
                    "dealtype": "newbusiness" if n % 2 else "existingbusiness",
                    "hs_object_id": str(deal_id),
                    "hs_lastmodifieddate": iso(modified_ms),
                }
                if owner := next(owner_of):
                    values["hubspot_owner_id"] = owner
                self._deals[deal_id] = _Deal(deal_id, values, start_ms, modified_ms)
            self._next_id = first + count
            self._version += 1
            return [str(first + n) for n in range(count)]

    def touch(self, deal_id: str, *, modified_ms: int | None = None, **properties) -> None:
        """Change a deal (as a user editing it would): new property values and a new modified date."""
        with self._lock:
            deal = self._deals[int(deal_id)]
            deal.modified_ms = modified_ms if modified_ms is not None else int(time.time() * 1000)
            deal.properties.update({name: str(value) for name, value in properties.items()})
            deal.properties["hs_lastmodifieddate"] = iso(deal.modified_ms)
            self._version += 1

    def archive(self, deal_id: str, *, archived_ms: int | None = None) -> None:
        with self._lock:
            self._deals[int(deal_id)].archived_ms = archived_ms if archived_ms is not None else int(time.time() * 1000)
            self._version += 1

    def deal(self, deal_id: str) -> dict:
        with self._lock:
            return dict(self._deals[int(deal_id)].properties)

    def fail(self, kind: str, **options) -> Failure:
        """Serve a failure: kind is rate_limit (options retry_after=None to leave the header out,
        policy), expired_token, server_error, bad_gateway (an HTML page), malformed, hang (delay),
        drop; path, method, after, times (None: until cleared) choose which requests."""
        failure = Failure(kind, **options)
        with self._lock:
            self.failures.append(failure)
        return failure

    def searches(self) -> list[Recorded]:
        return [request for request in self.requests if request.path.endswith("/search")]

    # Answers -------------------------------------------------------------------------------------

    def answer(self, method: str, target: str, headers, raw_body: bytes) -> tuple[int, dict, bytes]:
        """(status, headers, body) for one request; may sleep or raise _Dropped for a failure."""
        parts = urlsplit(target)
        path, query = parts.path, parse_qs(parts.query)
        try:
            body = json.loads(raw_body) if raw_body else None
        except ValueError:
            body = ...
        authorization = headers.get("Authorization", "")
        with self._lock:
            self.requests.append(Recorded(method, path, query, body, authorization == f"Bearer {self.token}"))
            failure = self._failure_for(method, path)
        try:
            if failure:
                return self._failed(failure)
            if authorization != f"Bearer {self.token}":
                raise _error("error_401_missing.json", 401)
            if self.is_token_expired:
                raise _error("error_401_expired.json", 401)
            if body is ...:
                raise _validation("Invalid input JSON on line 1: the request body is not JSON.")
            status, payload = self._route(method, path, query, body)
            return status, {"Content-Type": "application/json;charset=utf-8"}, json.dumps(payload).encode()
        except _Refused as refused:
            headers = {"Content-Type": "application/json;charset=utf-8"} | refused.headers
            return refused.status, headers, json.dumps(refused.body).encode()

    def _failure_for(self, method: str, path: str) -> Failure | None:
        for failure in self.failures:
            if not failure.matches(method, path):
                continue
            failure.seen += 1
            if failure.seen <= failure.after:
                continue
            if failure.times is not None and failure.served >= failure.times:
                continue
            failure.served += 1
            return failure
        return None

    def _failed(self, failure: Failure) -> tuple[int, dict, bytes]:
        json_type = {"Content-Type": "application/json;charset=utf-8"}
        if failure.kind == "rate_limit":
            name = "error_429_daily.json" if failure.policy == "DAILY" else "error_429_secondly.json"
            body = fixture(name) | {"policyName": failure.policy, "correlationId": str(uuid.uuid4())}
            headers = json_type | ({"Retry-After": failure.retry_after} if failure.retry_after is not None else {})
            return 429, headers, json.dumps(body).encode()
        if failure.kind == "expired_token":
            return 401, json_type, json.dumps(fixture("error_401_expired.json")).encode()
        if failure.kind == "server_error":
            return 500, json_type, json.dumps(fixture("error_500.json")).encode()
        if failure.kind == "bad_gateway":
            return 502, {"Content-Type": "text/html"}, b"<html><body><h1>502 Bad Gateway</h1></body></html>"
        if failure.kind == "malformed":
            return 200, json_type, b'{"results": [{"id": "1001", "properties": '
        if failure.kind == "hang":
            time.sleep(failure.delay)
            raise _Dropped
        if failure.kind == "drop":
            raise _Dropped
        raise ValueError(f"unknown failure {failure.kind}")

    def _route(self, method: str, path: str, query: dict, body) -> tuple[int, dict]:
        with self._lock:
            if method == "GET" and path == "/account-info/v3/details":
                return 200, fixture("account_info_response.json") | {"portalId": self.portal_id}
            if method == "GET" and path == "/crm/v3/pipelines/deals":
                return 200, {"results": json.loads(json.dumps(self.pipelines))}
            if method == "GET" and path.rstrip("/") == "/crm/v3/owners":
                return 200, self._owners(query)
            if method == "GET" and path == "/crm/v3/objects/deals":
                return 200, self._list(query)
            if method == "POST" and path == "/crm/v3/objects/deals/search":
                return 200, self._search(body or {})
            if method == "POST" and path == "/crm/v3/objects/deals/batch/read":
                return self._batch_read(body or {}, query)
            if method == "POST" and path == "/crm/v3/objects/notes":
                return 201, self._note_create(body or {})
        raise _Refused(
            404, {"status": "error", "message": f"No route for {method} {path}", "category": "OBJECT_NOT_FOUND"}
        )

    def _owners(self, query: dict) -> dict:
        is_archived = _flag(query, "archived")
        owners = self.archived_owners if is_archived else self.owners
        limit = min(int(_first(query, "limit") or 100), self.owner_page_max)
        start = int(_first(query, "after") or 0)
        page = owners[start : start + limit]
        answer: dict = {"results": page}
        if start + limit < len(owners):
            answer["paging"] = {"next": {"after": str(start + limit), "link": f"/crm/v3/owners/?after={start + limit}"}}
        return answer

    def _list(self, query: dict) -> dict:
        is_archived = _flag(query, "archived")
        limit = min(int(_first(query, "limit") or 10), self.list_page_max)
        after = int(_first(query, "after") or 0)
        names = [name for value in query.get("properties", []) for name in value.split(",") if name]
        ids = sorted(
            deal_id
            for deal_id, deal in self._deals.items()
            if (deal.archived_ms is not None) == is_archived and deal_id >= after
        )
        page = ids[:limit]
        answer: dict = {
            "results": [self._deals[deal_id].as_json(names or DEFAULT_SEARCH_PROPERTIES) for deal_id in page]
        }
        if len(ids) > limit:
            answer["paging"] = {
                "next": {
                    "after": str(ids[limit]),
                    "link": f"/crm/v3/objects/deals?archived={is_archived}&after={ids[limit]}",
                }
            }
        return answer

    def _search(self, body: dict) -> dict:
        limit = body.get("limit", 10)
        if not isinstance(limit, int) or not 0 < limit <= SEARCH_LIMIT_MAX:
            raise _validation(f"limit must be between 1 and {SEARCH_LIMIT_MAX}.")
        after = int(body.get("after") or 0)
        if after >= self.search_cap:
            raise _error("search_cap_error_400.json", 400)
        groups = body.get("filterGroups") or []
        sorts = body.get("sorts") or []
        if len(groups) > 5 or any(len(group.get("filters", [])) > 6 for group in groups):
            raise _validation("At most 5 filterGroups of at most 6 filters each are allowed.")
        if len(sorts) > 1:
            raise _validation("Only one sort is allowed.")
        sort = sorts[0] if sorts else {"propertyName": "hs_object_id", "direction": "ASCENDING"}
        if isinstance(sort, str):
            sort = {
                "propertyName": sort.lstrip("-"),
                "direction": "DESCENDING" if sort.startswith("-") else "ASCENDING",
            }
        ids = self._matches(groups, sort)
        total = len(ids)
        page = ids[after : min(after + limit, self.search_cap)]
        answer: dict = {
            "total": total,
            "results": [self._deals[deal_id].as_json(body.get("properties") or []) for deal_id in page],
        }
        if after + limit < total:
            answer["paging"] = {"next": {"after": str(after + limit)}}
        return answer

    def _matches(self, groups: list[dict], sort: dict) -> list[int]:
        """The ids the query matches, in order: computed once per data version and filter shape, a
        lower bound on the sort property (GT/GTE) cut by bisecting."""
        name, is_ascending = sort.get("propertyName", "hs_object_id"), sort.get("direction") != "DESCENDING"
        bound = None
        if len(groups) == 1 and is_ascending:
            rest = []
            for condition in groups[0].get("filters", []):
                if (
                    bound is None
                    and condition.get("propertyName") == name
                    and condition.get("operator") in ("GT", "GTE")
                ):
                    bound = condition
                else:
                    rest.append(condition)
            groups = [{"filters": rest}]
        key = (self._version, json.dumps(groups, sort_keys=True), name, is_ascending)
        matches = self._cache.get(key)
        if matches is None:
            if len(self._cache) > 32:
                self._cache.clear()
            chosen = [
                deal
                for deal in self._deals.values()
                if deal.archived_ms is None and (not groups or any(_matches_group(deal, group) for group in groups))
            ]
            missing = [deal for deal in chosen if _comparable(name, deal.properties.get(name)) is None]
            present = [deal for deal in chosen if _comparable(name, deal.properties.get(name)) is not None]
            # Ties in descending id order: HubSpot promises no order among equal values.
            present.sort(key=lambda deal: -deal.id)
            present.sort(key=lambda deal: _comparable(name, deal.properties.get(name)), reverse=not is_ascending)
            ordered = present + missing
            matches = _Matches(
                [deal.id for deal in ordered], [_comparable(name, deal.properties.get(name)) for deal in present]
            )
            self._cache[key] = matches
        if bound is None:
            return matches.ids
        value = _comparable(name, bound.get("value"))
        find = bisect.bisect_left if bound["operator"] == "GTE" else bisect.bisect_right
        # Deals without the property never pass a bound: they sort after the keys.
        return matches.ids[find(matches.keys, value) : len(matches.keys)]

    def _batch_read(self, body: dict, query: dict) -> tuple[int, dict]:
        inputs = body.get("inputs") or []
        if len(inputs) > BATCH_READ_MAX:
            raise _validation(f"At most {BATCH_READ_MAX} inputs are allowed in a batch.")
        names = body.get("properties") or []
        found, missing = [], []
        for item in inputs:
            raw = str(item.get("id", ""))
            deal = self._deals.get(int(raw)) if raw.isdigit() else None
            if deal is None or deal.archived_ms is not None:
                missing.append(raw)
            else:
                found.append(deal.as_json(names))
        now = iso(int(time.time() * 1000))
        answer = {"status": "COMPLETE", "results": found, "startedAt": now, "completedAt": now}
        if not missing:
            return 200, answer
        error = fixture("batch_read_response_207.json")["errors"][0] | {"context": {"ids": missing}}
        return 207, answer | {"numErrors": 1, "errors": [error]}

    def _note_create(self, body: dict) -> dict:
        properties = body.get("properties") or {}
        if not properties.get("hs_timestamp"):
            raise _validation("hs_timestamp is required for a note.")
        for association in body.get("associations") or []:
            types = association.get("types") or []
            deal_id = str((association.get("to") or {}).get("id", ""))
            if types != [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": NOTE_TO_DEAL}]:
                raise _validation(f"{types} is not a valid association type from note to deal.")
            deal = self._deals.get(int(deal_id)) if deal_id.isdigit() else None
            if deal is None or deal.archived_ms is not None:
                raise _validation(f"Deal {deal_id} does not exist, so the note cannot be associated with it.")
        note_id = str(self._next_note)
        self._next_note += 1
        self.notes[note_id] = {"properties": dict(properties), "associations": body.get("associations") or []}
        now = iso(int(time.time() * 1000))
        stored = {name: str(value) for name, value in properties.items()} | {
            "hs_object_id": note_id,
            "hs_createdate": now,
            "hs_lastmodifieddate": now,
        }
        return {"id": note_id, "properties": stored, "createdAt": now, "updatedAt": now, "archived": False}


def _first(query: dict, name: str) -> str | None:
    values = query.get(name)
    return values[0] if values else None


def _flag(query: dict, name: str) -> bool:
    return (_first(query, name) or "false").lower() == "true"


def _matches_group(deal: _Deal, group: dict) -> bool:
    return all(_matches_filter(deal, condition) for condition in group.get("filters", []))


def _matches_filter(deal: _Deal, condition: dict) -> bool:
    name, operator = condition.get("propertyName"), condition.get("operator")
    raw = deal.properties.get(name)
    if operator == "HAS_PROPERTY":
        return raw not in (None, "")
    if operator == "NOT_HAS_PROPERTY":
        return raw in (None, "")
    value = _comparable(name, raw)
    if operator in ("IN", "NOT_IN"):
        wanted = {_comparable(name, item) for item in condition.get("values") or []}
        return (value in wanted) == (operator == "IN")
    target = _comparable(name, condition.get("value"))
    if operator == "NEQ":
        return value != target
    if value is None or target is None:
        return False
    if operator == "BETWEEN":
        return target <= value <= _comparable(name, condition.get("highValue"))
    return {
        "EQ": value == target,
        "GT": value > target,
        "GTE": value >= target,
        "LT": value < target,
        "LTE": value <= target,
    }[operator]


class _Dropped(Exception):
    """Close the connection without answering."""


class _Handler(BaseHTTPRequestHandler):
    hubspot: FakeHubSpot
    protocol_version = "HTTP/1.1"

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            status, headers, body = self.hubspot.answer(self.command, self.path, self.headers, raw)
        except _Dropped:
            self.close_connection = True
            return
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle

    def log_message(self, format, *args) -> None:
        pass
