"""A local Salesforce for the client's tests and the CRM benchmark: OAuth token endpoint (client
credentials and JWT bearer), SOQL query with nextRecordsUrl batches, Opportunity describe, getDeleted,
Task create, and Salesforce's error bodies (shapes in fixtures/salesforce/, see its README).

Routing: the client talks to https://<host>.salesforce.com. Its requests.Session gets a transport
adapter (`FakeSalesforce.route(session)`, or `routing()` for every client made meanwhile) that sends
each *.salesforce.com request to this server on 127.0.0.1 over plain HTTP, with the original Host
header. Everything above the socket is the real code path: simple-salesforce builds the URLs, headers,
OAuth bodies and the signed JWT, requests sends them over a real connection with the client's
timeouts, and parses what comes back. Only TLS is left out (a self-signed certificate would test the
test setup, not the client). Any other host raises ConnectionError: nothing leaves the machine.

The fake does not interpret SOQL: it recognises the queries the client sends (the field list, the
(SystemModstamp, Id) cursor, `Id IN (...)`, `RecordType.Name IN (...)`, LIMIT) and answers
MALFORMED_QUERY to anything else, so an unexpected query fails loudly. Opportunities are kept sorted by
(SystemModstamp, Id); `populate(n)` adds n synthetic ones generated from their index when read, so
100,000 cost nothing until a query asks for them.

    with FakeSalesforce() as fake, fake.routing():
        fake.populate(100_000)
        client = SalesforceClient(connection, fake.credentials())
"""

import base64
import bisect
import heapq
import json
import re
import secrets
import socket
import threading
import time
import urllib.parse
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from unittest import mock

import jwt
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from requests.adapters import HTTPAdapter

from deals.salesforce_ids import checksum_suffix

FIXTURES = Path(__file__).parent / "fixtures" / "salesforce"
ORG_ID = "00D5g000004XyZaEAK"
USER_ID = "0055g00000AbCdEAAV"
_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"  # ASCII order, as Id sorts
_API = re.compile(r"^/services/data/v(?P<version>\d+\.\d+)/(?P<rest>.*)$")
_QUOTED = r"'(?:[^'\\]|\\.)*'"
_SELECT = re.compile(
    r"^SELECT (?P<fields>.+?) FROM (?P<object>\w+)(?: WHERE (?P<where>.+?))?(?: ORDER BY (?P<order>.+?))?"
    r"(?: LIMIT (?P<limit>\d+))?$",
    re.S,
)
_TIE_BREAK = re.compile(
    rf"\(SystemModstamp > (?P<stamp>\S+) OR \(SystemModstamp = (?P=stamp) AND Id > (?P<id>{_QUOTED})\)\)"
)
_SINCE = re.compile(r"SystemModstamp >= (?P<stamp>[^\s)]+)")
_ID_IN = re.compile(rf"(?<![\w.])Id IN \((?P<values>{_QUOTED}(?:,{_QUOTED})*)\)")
_RECORD_TYPE_IN = re.compile(rf"RecordType\.Name IN \((?P<values>{_QUOTED}(?:,{_QUOTED})*)\)")
_UNESCAPES = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f"}
OPPORTUNITY_FIELDS = {
    "Id",
    "Name",
    "Account.Name",
    "Owner.Email",
    "StageName",
    "IsClosed",
    "IsWon",
    "Amount",
    "CloseDate",
    "CreatedDate",
    "Type",
    "SystemModstamp",
}
_STAGES = (("Prospecting", False, False), ("Proposal/Price Quote", False, False), ("Closed Won", True, True))
_STAGES += (("Closed Lost", True, False),)


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


ERRORS = fixture("errors.json")
TOKEN_ERRORS = fixture("token_errors.json")
DESCRIBE = fixture("describe_opportunity.json")


def salesforce_id(prefix: str, pod: str, number: int) -> str:
    """An 18-character id, `prefix` (key prefix, 3) + `pod` (2) + `number` in base 62 (10): ids of
    one prefix and pod sort by number."""
    digits = ""
    for _ in range(10):
        number, digit = divmod(number, 62)
        digits = _BASE62[digit] + digits
    id_15 = prefix + pod + digits
    return id_15 + checksum_suffix(id_15)


def sf_time(moment: datetime) -> str:
    """A dateTime as Salesforce writes it: 2024-05-14T12:00:00.000+0000."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000+0000")


def _parse_time(text: str) -> datetime:
    return datetime.fromisoformat(urllib.parse.unquote(text)).astimezone(UTC)


def _unquote(values: str) -> list[str]:
    return [
        re.sub(r"\\(.)", lambda match: _UNESCAPES.get(match[1], match[1]), quoted[1:-1])
        for quoted in re.findall(_QUOTED, values)
    ]


@cache
def rsa_key() -> rsa.RSAPrivateKey:
    """One RSA key per test run: JWT bearer's private key, whose public half the fake checks."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def private_key_pem() -> str:
    return (
        rsa_key()
        .private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        .decode()
    )


@dataclass
class Failure:
    """Answer `kind` to requests to `on` ("token", "api" = everything else, "query" = queries of
    opportunities and their queryMore batches, "organization", "describe", "deleted", "task"), after
    letting `after` of them through, `times` times (None: from then on)."""

    kind: str
    on: str = "api"
    after: int = 0
    times: int | None = 1
    retry_after: str = "30"
    delay: float = 0.0


@dataclass
class Recorded:
    method: str
    host: str
    path: str
    query: dict
    headers: dict
    body: bytes = b""
    status: int = 0
    response: object = None  # the JSON answered (None when the body was not JSON)

    @property
    def json(self):
        return json.loads(self.body)

    @property
    def form(self) -> dict:
        return dict(urllib.parse.parse_qsl(self.body.decode()))


@dataclass
class _Answer:
    status: int
    body: object = None
    headers: dict = field(default_factory=dict)
    raw: bytes | None = None
    content_type: str = "application/json;charset=UTF-8"


class _Synthetic:
    """`count` opportunities made from their index when read: `per_second` share each
    SystemModstamp, from `start`; stages, amounts and currencies cycle."""

    pod = "Sy"

    def __init__(self, count: int, start: datetime, per_second: int, currencies: tuple, record_types: tuple) -> None:
        self.count, self.start, self.per_second = count, start, per_second
        self.currencies, self.record_types = currencies, record_types

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, index: int) -> tuple[datetime, str]:
        """The sort key of opportunity `index` (so `bisect` works on the whole range)."""
        if not 0 <= index < self.count:
            raise IndexError(index)
        return self.start + timedelta(seconds=index // self.per_second), salesforce_id("006", self.pod, index)

    def index_of(self, opportunity_id: str) -> int | None:
        if len(opportunity_id) != 18 or not opportunity_id.startswith("006" + self.pod):
            return None
        number = 0
        for char in opportunity_id[5:15]:
            number = number * 62 + _BASE62.index(char) if char in _BASE62 else -(10**30)
        if 0 <= number < self.count and salesforce_id("006", self.pod, number) == opportunity_id:
            return number
        return None

    def record(self, index: int) -> dict:
        stamp, opportunity_id = self[index]
        stage, is_closed, is_won = _STAGES[index % len(_STAGES)]
        record = {
            "Id": opportunity_id,
            "Name": f"Synthetic opportunity {index}",
            "Account.Name": f"Account {index % 997}",
            "Owner.Email": f"rep{index % 50}@acme.example",
            "StageName": stage,
            "IsClosed": is_closed,
            "IsWon": is_won,
            "Amount": float(1000 + (index % 500) * 250) + 0.5,
            "CloseDate": (date(2024, 1, 1) + timedelta(days=index % 365)).isoformat(),
            "CreatedDate": sf_time(self.start - timedelta(days=30)),
            "Type": "New Customer" if index % 2 else "Existing Customer - Upgrade",
            "SystemModstamp": stamp,
        }
        if self.currencies:
            record["CurrencyIsoCode"] = self.currencies[index % len(self.currencies)]
        if self.record_types:
            record["RecordType.Name"] = self.record_types[index % len(self.record_types)]
        return record


class FakeSalesforce:
    """One Salesforce org on a local port. Thread-safe; start() before use, stop() after."""

    client_id = "3MVG9.fake-consumer-key"
    client_secret = "fake-consumer-secret-7c1f0e"
    username = "integration@acme.example"

    def __init__(
        self,
        *,
        domain: str = "acme.my.salesforce.com",
        multicurrency: bool = False,
        currency: str = "EUR",
        record_types: tuple[str, ...] = (),
        batch_size: int = 2000,
        org_id: str = ORG_ID,
    ) -> None:
        self.domain, self.org_id = domain, org_id
        self.multicurrency, self.currency = multicurrency, currency
        self.record_types, self.batch_size = tuple(record_types), batch_size
        self.requests: list[Recorded] = []
        self.tasks: list[dict] = []
        self.logins = 0
        self.failures: list[Failure] = []
        self._lock = threading.RLock()
        self._tokens: set[str] = set()
        self._keys: list[tuple[datetime, str]] = []
        self._records: list[dict] = []
        self._by_id: dict[str, dict] = {}
        self._added = 0
        self._synthetic: _Synthetic | None = None
        self._hidden: set[str] = set()  # synthetic ids deleted, or moved to _records by update()
        self._deleted: list[tuple[str, datetime]] = []
        self._locators: dict[str, tuple[list[dict], str]] = {}
        self._clock = datetime.now(UTC).replace(microsecond=0) - timedelta(days=1)
        self._server: ThreadingHTTPServer | None = None
        self._netloc = ""
        self._thread: threading.Thread | None = None
        self._connections: set[socket.socket] = set()

    # -- running --------------------------------------------------------------------------------

    def start(self) -> "FakeSalesforce":
        fake = self

        class Handler(_Handler):
            pass

        Handler.fake = fake
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.block_on_close = False
        self._netloc = "{}:{}".format(*self._server.server_address[:2])
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-salesforce", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        with self._lock:
            for connection in list(self._connections):
                with suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)
        self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> "FakeSalesforce":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    @property
    def netloc(self) -> str:
        """Where the server listens (kept after stop(), so a stopped fake refuses connections)."""
        return self._netloc

    def route(self, session: requests.Session) -> requests.Session:
        """Send `session`'s requests for *.salesforce.com here (and refuse every other host)."""
        adapter = _ToFake(self)
        session.mount("https://", adapter)
        session.mount("http://", adapter)
        return session

    @contextmanager
    def routing(self):
        """Every SalesforceClient made inside the block talks to this fake."""
        from deals.crm import salesforce

        original = salesforce.http_session

        def routed_session() -> requests.Session:
            return self.route(original())

        with mock.patch.object(salesforce, "http_session", routed_session):
            yield self

    def credentials(self, auth: str = "client_credentials", **overrides: str) -> dict[str, str]:
        """Credentials this org accepts, as the connection page stores them."""
        values = {"auth": auth, "domain": self.domain, "client_id": self.client_id}
        if auth == "jwt":
            values |= {"username": self.username, "private_key": private_key_pem()}
        else:
            values["client_secret"] = self.client_secret
        return values | overrides

    # -- the org's data -------------------------------------------------------------------------

    def add(
        self,
        *,
        name: str | None = None,
        account: str | None = "Fjord Maritime ASA",
        owner_email: str | None = "dana.whitfield@acme.example",
        stage: str = "Prospecting",
        is_closed: bool = False,
        is_won: bool = False,
        amount: float | Decimal | None = 12500.0,
        close_date: str = "2024-09-30",
        created: datetime | None = None,
        type: str | None = "New Customer",  # Salesforce's field name
        modstamp: datetime | None = None,
        currency: str | None = None,
        record_type: str | None = None,
    ) -> str:
        """A new opportunity; returns its 18-character id. `modstamp` defaults to one second after
        the previous one added (a day ago)."""
        with self._lock:
            number = self._added
            self._added += 1
            opportunity_id = salesforce_id("006", "Ex", number)
            if modstamp is None:
                self._clock += timedelta(seconds=1)
                modstamp = self._clock
            record = {
                "Id": opportunity_id,
                "Name": name or f"Opportunity {number}",
                "Account.Name": account,
                "Owner.Email": owner_email,
                "StageName": stage,
                "IsClosed": is_closed,
                "IsWon": is_won,
                "Amount": float(amount) if isinstance(amount, Decimal) else amount,
                "CloseDate": close_date,
                "CreatedDate": sf_time(created or modstamp),
                "Type": type,
            }
            if self.multicurrency:
                record["CurrencyIsoCode"] = currency or self.currency
            if self.record_types:
                record["RecordType.Name"] = record_type or self.record_types[0]
            self._insert(record, modstamp.astimezone(UTC).replace(microsecond=0))
            return opportunity_id

    def populate(self, count: int, *, start: datetime | None = None, per_second: int = 20) -> None:
        """`count` synthetic opportunities, `per_second` of them sharing each SystemModstamp from
        `start` (default: ten days ago), made only when a query reads them."""
        with self._lock:
            start = start or datetime.now(UTC).replace(microsecond=0) - timedelta(days=10)
            currencies = ("EUR", "USD", "GBP") if self.multicurrency else ()
            self._synthetic = _Synthetic(count, start, per_second, currencies, self.record_types)

    def update(self, opportunity_id: str, *, modstamp: datetime | None = None, **fields) -> None:
        """Change an opportunity (fields by their Salesforce names, e.g. StageName="Closed Won");
        its SystemModstamp moves to `modstamp` (default: a second after the latest one)."""
        with self._lock:
            record = self._take(opportunity_id)
            record.update(fields)
            if modstamp is None:
                stamps = [self._clock] + ([self._keys[-1][0]] if self._keys else [])
                if self._synthetic and len(self._synthetic):
                    stamps.append(self._synthetic[len(self._synthetic) - 1][0])
                modstamp = max(stamps) + timedelta(seconds=1)
            self._insert(record, modstamp.astimezone(UTC).replace(microsecond=0))

    def delete(self, opportunity_id: str, *, at: datetime | None = None) -> None:
        """Delete an opportunity (`at`: when, for the getDeleted log; default now)."""
        with self._lock:
            self._take(opportunity_id)
            self._deleted.append((opportunity_id, (at or datetime.now(UTC)).astimezone(UTC)))

    def ids(self) -> list[str]:
        """Every opportunity's id, in (SystemModstamp, Id) order."""
        with self._lock:
            return [record["Id"] for record in self._ordered()]

    @property
    def queries(self) -> list[str]:
        return [request.query["q"] for request in self.requests if "q" in request.query]

    # -- failures -------------------------------------------------------------------------------

    def fail(self, kind: str, **options) -> Failure:
        """Make requests fail: kind is "rate_limited" (429 + Retry-After), "request_limit" (403
        REQUEST_LIMIT_EXCEEDED), "server_error" (500), "malformed" (200 with a body that is not
        JSON), "expired_session" (401 INVALID_SESSION_ID) or "slow" (answer after `delay` s)."""
        failure = Failure(kind, **options)
        with self._lock:
            self.failures.append(failure)
        return failure

    def fail_after_pages(self, pages: int, kind: str = "server_error") -> Failure:
        """Every request for opportunities (query or queryMore) after the first `pages` fails."""
        return self.fail(kind, on="query", after=pages, times=None)

    def expire_sessions(self) -> None:
        """Every access token issued so far stops working (Salesforce ends sessions on timeout)."""
        with self._lock:
            self._tokens.clear()

    # -- storage --------------------------------------------------------------------------------

    def _insert(self, record: dict, modstamp: datetime) -> None:
        record["SystemModstamp"] = modstamp
        key = (modstamp, record["Id"])
        position = bisect.bisect_left(self._keys, key)
        self._keys.insert(position, key)
        self._records.insert(position, record)
        self._by_id[record["Id"]] = record

    def _take(self, opportunity_id: str) -> dict:
        """Remove an opportunity from the sorted storage and return it."""
        record = self._by_id.pop(opportunity_id, None)
        if record is not None:
            position = bisect.bisect_left(self._keys, (record["SystemModstamp"], opportunity_id))
            del self._keys[position], self._records[position]
            return record
        index = self._synthetic.index_of(opportunity_id) if self._synthetic else None
        if index is None or opportunity_id in self._hidden:
            raise KeyError(opportunity_id)
        self._hidden.add(opportunity_id)
        return self._synthetic.record(index)

    def _find(self, opportunity_id: str) -> dict | None:
        if opportunity_id in self._by_id:
            return self._by_id[opportunity_id]
        index = self._synthetic.index_of(opportunity_id) if self._synthetic else None
        if index is None or opportunity_id in self._hidden:
            return None
        return self._synthetic.record(index)

    def _ordered(self, after: tuple | None = None, since: datetime | None = None):
        """Opportunities in (SystemModstamp, Id) order, after the key `after` or from `since`."""
        sources = []
        if after is not None:
            start_explicit = bisect.bisect_right(self._keys, after)
        elif since is not None:
            start_explicit = bisect.bisect_left(self._keys, (since, ""))
        else:
            start_explicit = 0
        sources.append(iter(self._records[start_explicit:]))
        synthetic = self._synthetic
        if synthetic is not None:
            if after is not None:
                start = bisect.bisect_right(synthetic, after)
            elif since is not None:
                start = bisect.bisect_left(synthetic, (since, ""))
            else:
                start = 0
            hidden = self._hidden
            records = map(synthetic.record, range(start, len(synthetic)))
            sources.append(record for record in records if record["Id"] not in hidden)
        return heapq.merge(*sources, key=lambda record: (record["SystemModstamp"], record["Id"]))

    # -- answering ------------------------------------------------------------------------------

    def answer(self, request: Recorded) -> _Answer:
        answer = self._answer(request)
        request.status, request.response = answer.status, answer.body if answer.raw is None else None
        return answer

    def _answer(self, request: Recorded) -> _Answer:
        with self._lock:
            self.requests.append(request)
            category = self._category(request)
            failure = self._failure(category)
        if failure is not None and failure.kind == "slow":
            time.sleep(failure.delay)
        elif failure is not None:
            return self._failure_answer(failure)
        with self._lock:
            if category == "token":
                return self._token(request)
            if request.host != self.domain:
                return _error("NOT_FOUND")
            if request.headers.get("authorization", "").removeprefix("Bearer ") not in self._tokens:
                return _error("INVALID_SESSION_ID")
            return self._api(request, category)

    def _category(self, request: Recorded) -> str:
        if request.path == "/services/oauth2/token":
            return "token"
        match = _API.match(request.path)
        rest = match["rest"] if match else ""
        if rest.startswith("query"):
            return "organization" if "FROM Organization" in request.query.get("q", "") else "query"
        for name in ("describe", "deleted"):
            if rest.startswith(f"sobjects/Opportunity/{name}"):
                return name
        if rest.startswith("sobjects/Task"):
            return "task"
        return "other"

    def _failure(self, category: str) -> Failure | None:
        for failure in self.failures:
            if failure.on != category and not (failure.on == "api" and category != "token"):
                continue
            if failure.after > 0:
                failure.after -= 1
                continue
            if failure.times is None or failure.times > 0:
                if failure.times is not None:
                    failure.times -= 1
                return failure
        return None

    def _failure_answer(self, failure: Failure) -> _Answer:
        if failure.kind == "rate_limited":
            answer = _error("RATE_LIMITED")
            answer.headers["Retry-After"] = failure.retry_after
            return answer
        if failure.kind == "request_limit":
            return _error("REQUEST_LIMIT_EXCEEDED")
        if failure.kind == "server_error":
            return _error("UNKNOWN_EXCEPTION")
        if failure.kind == "malformed":
            return _Answer(200, raw=b'{"totalSize": 2, "done": true, "records": [{"attributes": ')
        if failure.kind == "expired_session":
            return _error("INVALID_SESSION_ID")
        raise ValueError(f"Unknown failure kind {failure.kind!r}")

    def _token(self, request: Recorded) -> _Answer:
        form = request.form
        if form.get("grant_type") == "client_credentials":
            if request.host != self.domain:
                return _token_error("wrong_domain")
            scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
            pair = base64.b64decode(encoded).decode() if scheme == "Basic" else ""
            if pair != f"{self.client_id}:{self.client_secret}":
                return _token_error("invalid_client")
        elif form.get("grant_type") == "urn:ietf:params:oauth:grant-type:jwt-bearer":
            if request.host not in (self.domain, "login.salesforce.com", "test.salesforce.com"):
                return _token_error("wrong_domain")
            try:
                claims = jwt.decode(
                    form.get("assertion", ""),
                    rsa_key().public_key(),
                    algorithms=["RS256"],
                    options={"verify_aud": False, "require": ["iss", "sub", "aud", "exp"]},
                )
            except jwt.PyJWTError:
                return _token_error("invalid_assertion")
            if claims["iss"] != self.client_id:
                return _token_error("invalid_client_id")
            audience = "https://test.salesforce.com" if ".sandbox." in self.domain else "https://login.salesforce.com"
            if claims["aud"] != audience:
                return _token_error("audience_invalid")
            if claims["sub"] != self.username:
                return _token_error("user_not_approved")
        else:
            return _Answer(400, {"error": "unsupported_grant_type", "error_description": "grant type not supported"})
        token = f"{self.org_id[:15]}!{secrets.token_urlsafe(48)}"
        self._tokens.add(token)
        self.logins += 1
        body = {
            "access_token": token,
            "instance_url": f"https://{self.domain}",
            "id": f"https://login.salesforce.com/id/{self.org_id}/{USER_ID}",
            "token_type": "Bearer",
            "issued_at": str(int(time.time() * 1000)),
            "signature": base64.b64encode(secrets.token_bytes(32)).decode(),
            "scope": "api",
        }
        return _Answer(200, body)

    def _api(self, request: Recorded, category: str) -> _Answer:
        rest = _API.match(request.path)["rest"]
        version = _API.match(request.path)["version"]
        if category in ("query", "organization") and request.method == "GET":
            if rest.rstrip("/") == "query":
                return self._query(request.query.get("q", ""), version)
            return self._query_more(rest.removeprefix("query/"))
        if category == "describe" and request.method == "GET":
            fields = list(DESCRIBE["response"]["body"]["fields"])
            fields += DESCRIBE["multicurrency_fields"] if self.multicurrency else []
            fields += DESCRIBE["record_type_fields"] if self.record_types else []
            return _Answer(200, DESCRIBE["response"]["body"] | {"fields": fields})
        if category == "deleted" and request.method == "GET":
            return self._deleted_answer(request.query)
        if category == "task" and request.method == "POST" and rest.rstrip("/") == "sobjects/Task":
            return self._task(request.json)
        return _error("NOT_FOUND")

    def _query(self, soql: str, version: str) -> _Answer:
        match = _SELECT.match(" ".join(soql.split()))
        if not match:
            return _error("MALFORMED_QUERY")
        fields = [name.strip() for name in match["fields"].split(",")]
        if match["object"] == "Organization":
            return self._organisation(fields)
        if match["object"] != "Opportunity":
            return _error("NOT_FOUND")
        allowed = set(OPPORTUNITY_FIELDS)
        allowed |= {"CurrencyIsoCode"} if self.multicurrency else set()
        allowed |= {"RecordType.Name"} if self.record_types else set()
        unknown = [name for name in fields if name not in allowed]
        where = match["where"] or ""
        if unknown or ("RecordType." in where and not self.record_types):
            answer = _error("INVALID_FIELD")
            answer.body = [{**answer.body[0], "message": f"No such column '{(unknown or ['RecordType'])[0]}'"}]
            return answer
        if match["order"] not in (None, "SystemModstamp, Id"):
            return _error("MALFORMED_QUERY")
        selected = self._select(where)
        if selected is None:
            return _error("MALFORMED_QUERY")
        limit = int(match["limit"]) if match["limit"] else None
        records = []
        for record in selected:
            if limit is not None and len(records) >= limit:
                break
            records.append(_render(record, fields, version))
        return self._batch(records, version)

    def _select(self, where: str):
        """The opportunities `where` asks for (in order), or None when it is not a query the client
        sends."""
        remaining = where
        ids = record_types = None
        after = since = None
        if match := _ID_IN.search(remaining):
            ids = _unquote(match["values"])
            remaining = remaining.replace(match[0], "")
        if match := _RECORD_TYPE_IN.search(remaining):
            record_types = set(_unquote(match["values"]))
            remaining = remaining.replace(match[0], "")
        if match := _TIE_BREAK.search(remaining):
            after = (_parse_time(match["stamp"]), _unquote(match["id"])[0])
            remaining = remaining.replace(match[0], "")
        elif match := _SINCE.search(remaining):
            since = _parse_time(match["stamp"])
            remaining = remaining.replace(match[0], "")
        if remaining.replace("AND", "").strip():
            return None
        if ids is not None:
            found = [record for record in map(self._find, dict.fromkeys(ids)) if record is not None]
            selected = iter(sorted(found, key=lambda record: (record["SystemModstamp"], record["Id"])))
        else:
            selected = self._ordered(after=after, since=since)
        if record_types is not None:
            selected = (record for record in selected if record.get("RecordType.Name") in record_types)
        return selected

    def _organisation(self, fields: list[str]) -> _Answer:
        if "DefaultCurrencyIsoCode" in fields and self.multicurrency:
            return _error("INVALID_FIELD")
        values = {"Id": self.org_id, "Name": "Acme", "DefaultCurrencyIsoCode": self.currency}
        record = {
            "attributes": {"type": "Organization", "url": f"/services/data/v62.0/sobjects/Organization/{self.org_id}"}
        }
        record |= {name: values[name] for name in fields if name in values}
        return _Answer(200, {"totalSize": 1, "done": True, "records": [record]})

    def _batch(self, records: list[dict], version: str, offset: int = 0, locator: str = "") -> _Answer:
        batch = records[offset : offset + self.batch_size]
        body = {"totalSize": len(records), "done": offset + self.batch_size >= len(records), "records": batch}
        if not body["done"]:
            locator = locator or "01g" + "".join(secrets.choice(_BASE62) for _ in range(15))
            self._locators[locator] = (records, version)
            body["nextRecordsUrl"] = f"/services/data/v{version}/query/{locator}-{offset + self.batch_size}"
        return _Answer(200, body)

    def _query_more(self, identifier: str) -> _Answer:
        locator, _, offset = identifier.partition("-")
        if locator not in self._locators or not offset.isdigit():
            return _error("INVALID_QUERY_LOCATOR")
        records, version = self._locators[locator]
        return self._batch(records, version, int(offset), locator)

    def _deleted_answer(self, query: dict) -> _Answer:
        try:
            start = _parse_time(query["start"]).replace(second=0, microsecond=0)
            end = _parse_time(query["end"]).replace(second=0, microsecond=0)
        except (KeyError, ValueError):
            return _error("MALFORMED_QUERY")
        now = datetime.now(UTC)
        earliest = (now - timedelta(days=30)).replace(second=0, microsecond=0)
        if start < earliest or end <= start:
            return _error("INVALID_REPLICATION_DATE")
        covered = min(end, now.replace(second=0, microsecond=0))
        deleted = [
            {"id": opportunity_id, "deletedDate": sf_time(when)}
            for opportunity_id, when in self._deleted
            if start <= when < covered
        ]
        body = {
            "deletedRecords": deleted,
            "earliestDateAvailable": sf_time(earliest),
            "latestDateCovered": sf_time(covered),
        }
        return _Answer(200, body)

    def _task(self, body: dict) -> _Answer:
        what_id = body.get("WhatId")
        if not isinstance(what_id, str) or self._find(what_id) is None:
            return _error("INVALID_CROSS_REFERENCE_KEY")
        if len(body.get("Subject") or "") > 255:
            return _error("STRING_TOO_LONG")
        task_id = salesforce_id("00T", "Ex", len(self.tasks))
        self.tasks.append(body | {"Id": task_id})
        return _Answer(201, {"id": task_id, "success": True, "errors": []})


def _render(record: dict, fields: list[str], version: str) -> dict:
    """`record` as the query resource returns it: only the selected fields, relationships nested."""
    rendered = {
        "attributes": {"type": "Opportunity", "url": f"/services/data/v{version}/sobjects/Opportunity/{record['Id']}"}
    }
    for name in fields:
        value = record.get(name)
        if isinstance(value, datetime):
            value = sf_time(value)
        relation, _, related_field = name.partition(".")
        if not related_field:
            rendered[name] = value
        elif value is None:
            rendered.setdefault(relation, None)
        else:
            nested = rendered.get(relation) or {"attributes": {"type": relation, "url": ""}}
            rendered[relation] = nested | {related_field: value}
    return rendered


def _error(code: str) -> _Answer:
    recorded = ERRORS[code]
    return _Answer(recorded["status"], [dict(item) for item in recorded["body"]], dict(recorded.get("headers", {})))


def _token_error(name: str) -> _Answer:
    return _Answer(TOKEN_ERRORS[name]["status"], TOKEN_ERRORS[name]["body"])


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as Salesforce: the benchmark reuses connections
    timeout = 30
    fake: FakeSalesforce

    def setup(self) -> None:
        super().setup()
        with self.fake._lock:
            self.fake._connections.add(self.connection)

    def finish(self) -> None:
        with self.fake._lock:
            self.fake._connections.discard(self.connection)
        super().finish()

    def log_message(self, format, *args) -> None:
        pass

    def _handle(self) -> None:
        parts = urllib.parse.urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        request = Recorded(
            method=self.command,
            host=(self.headers.get("Host") or "").split(":")[0].lower(),
            path=parts.path,
            query=dict(urllib.parse.parse_qsl(parts.query)),
            headers={name.lower(): value for name, value in self.headers.items()},
            body=self.rfile.read(length) if length else b"",
        )
        answer = self.fake.answer(request)
        payload = answer.raw if answer.raw is not None else json.dumps(answer.body).encode()
        with suppress(ConnectionError):  # the client gave up waiting (a timeout test)
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.content_type)
            self.send_header("Content-Length", str(len(payload)))
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)

    do_GET = do_POST = do_PATCH = do_DELETE = _handle


class _ToFake(HTTPAdapter):
    """A transport adapter: *.salesforce.com to the fake's port, anything else refused."""

    def __init__(self, fake: FakeSalesforce) -> None:
        super().__init__()
        self.fake = fake

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        parts = urllib.parse.urlsplit(request.url)
        host = (parts.hostname or "").lower()
        if not host.endswith(".salesforce.com"):
            raise requests.ConnectionError(f"{host} is not routed to the fake Salesforce")
        original = request.url
        request.url = urllib.parse.urlunsplit(("http", self.fake.netloc, parts.path or "/", parts.query, ""))
        request.headers["Host"] = host
        try:
            response = super().send(request, stream=stream, timeout=timeout, verify=verify, cert=cert, proxies={})
        finally:
            request.url = original
        response.url = original
        return response
