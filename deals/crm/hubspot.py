"""HubSpot deals for the CRM sync (ADR 20), through HubSpot's own library (hubspot-api-client).

The connection holds a private app's access token. The client asks HubSpot:

- who it is (`check`): the account details (`GET /account-info/v3/details`), whose `portalId` is the
  account id, whose time zone turns HubSpot's datetimes into the dates its users see, and whose
  company currency is the currency of deals without `deal_currency_code` (single-currency accounts);
- what the stages mean: every deal pipeline's stages, once per client. A closed stage with
  probability 1 is won, a closed one with probability 0 lost; the deal's stage is the stage id,
  which the connection's stage mapping maps;
- who owns a deal: every owner (active and deactivated, paged) for `hubspot_owner_id` → email;
- what changed (`pages`): the CRM search on deals, oldest change first. HubSpot's search returns at
  most 10,000 results a query and moves results between offsets when deals change while it is
  paged, so the client never pages by offset: every request asks again from its cursor
  (`hs_lastmodifieddate` ≥ the newest change seen, skipping the ids already seen at exactly that
  time). When more than a whole search page of deals share one millisecond, it reads those in id
  order (`hs_object_id` > the last one) before moving past it. The cursor is the sync state:
  `{"modified": ms, "seen_at_modified": [ids], "after_id": id while reading one millisecond in id
  order, "archived_since": ms, "archived_seen": [ids]}`. The search index follows writes by a
  few seconds, so the stored cursor stays two minutes behind the clock: the next sync reads the
  last two minutes' changes again rather than miss one indexed late;
- what was deleted: the search never returns archived deals and nothing filters archived deals by
  date, so every sync after the first lists all archived deals (`GET /crm/v3/objects/deals?
  archived=true`, 100 a request) and keeps those archived since its cursor. That costs one request
  per 100 archived deals per sync (10,000 archived deals: 100 requests, about 10 seconds at
  HubSpot's usual limits). The first sync skips it: nothing archived before it was ever synced;
- these deals now (`fetch`, after a webhook): batch read, 100 ids a request;
- write this activity (`write_activity`): a note on the deal (`hs_note_body` is HTML in HubSpot,
  so the text is escaped), associated with it by HubSpot's note → deal association type.

Responses are read as JSON here rather than through the library's generated models: those raise
unhelpful TypeErrors on a malformed body and cost time per deal at 100,000 deals. The library's
generic `Client.api_request` has no timeout and prints errors to stdout, so the account details go
through its generated ApiClient instead (same host, token, retries and errors). Every request has a
timeout; a 429 with a short Retry-After is waited out a few times before CrmRateLimited. Errors are
plain words, never the token."""

import html
import json
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from decimal import Decimal, InvalidOperation
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings

import hubspot
import urllib3
from hubspot.crm import deals as deals_api
from hubspot.crm import owners as owners_api
from hubspot.crm import pipelines as pipelines_api
from hubspot.crm.objects import notes as notes_api
from urllib3.util.retry import Retry

from ..models import Connection, Outcome
from .base import CredentialField, CrmAuthError, CrmError, CrmRateLimited, Page, RemoteDeal

API_BASE = "https://api.hubapi.com"
PROPERTIES = [
    "dealname",
    "amount",
    "deal_currency_code",
    "dealstage",
    "pipeline",
    "closedate",
    "createdate",
    "hubspot_owner_id",
    "hs_lastmodifieddate",
    "dealtype",
]
# HubSpot's limits: search pages of up to 200 (raised from 100 in September 2024), batch reads of
# 100 ids, object lists of 100, owner lists of 500.
SEARCH_LIMIT = 200
BATCH_LIMIT = 100
LIST_LIMIT = 100
OWNER_LIMIT = 500
PAGE_DEALS = 1000
PAGE_DELETED = 2000
# The HubSpot-defined association type from a note to a deal (associations v4 type ids).
NOTE_TO_DEAL = 214
NOTE_BODY_MAX = 65_536
# The first sync watches for deals archived from a little before it started (clocks differ).
ARCHIVE_MARGIN_MS = 10 * 60 * 1000
# HubSpot's search index follows writes by a few seconds, so a deal saved just before another may
# show up after it: changes this recent are read again by the next sync (re-reading is harmless).
SEARCH_SETTLE_MS = 2 * 60 * 1000
TIMEOUT = (10.0, 60.0)
RATE_LIMIT_POLICY_WAIT = {"SECONDLY": 1.0, "TEN_SECONDLY_ROLLING": 10.0}

API_ERRORS = (deals_api.ApiException, owners_api.ApiException, pipelines_api.ApiException, notes_api.ApiException)
LEGACY_API_KEY = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.IGNORECASE)


def api_base() -> str:
    """HubSpot's API host; LASTMILE_HUBSPOT_API_BASE points tests and benchmarks at a local fake."""
    return str(getattr(settings, "LASTMILE_HUBSPOT_API_BASE", "") or API_BASE).rstrip("/")


@dataclass
class _Cursor:
    """Where the sync is (see the module docstring); `state()` is what a Page stores."""

    modified: int | None = None
    seen: set[str] = field(default_factory=set)
    after_id: int | None = None
    archived_since: int | None = None
    archived_seen: set[str] = field(default_factory=set)
    # Changes newer than this are not stored as read: the next sync reads them again.
    horizon: int | None = None

    @classmethod
    def from_state(cls, state: dict) -> "_Cursor":
        def number(name: str) -> int | None:
            value = state.get(name)
            return int(value) if isinstance(value, int | str) and str(value).lstrip("-").isdigit() else None

        def ids(name: str) -> set[str]:
            return {str(deal_id) for deal_id in state.get(name) or [] if str(deal_id).isdigit()}

        modified = number("modified")
        return cls(
            modified=modified,
            seen=ids("seen_at_modified"),
            after_id=number("after_id") if modified is not None else None,
            archived_since=number("archived_since"),
            archived_seen=ids("archived_seen"),
        )

    def saw(self, deal_id: str, modified: int | None) -> None:
        if modified is None or (self.modified is not None and modified < self.modified):
            return
        if self.modified is None or modified > self.modified:
            self.modified, self.seen = modified, set()
        self.seen.add(deal_id)

    def has_seen(self, deal_id: str, modified: int | None) -> bool:
        return modified is not None and modified == self.modified and deal_id in self.seen

    def state(self) -> dict:
        if self.after_id is not None:
            self.seen = {deal_id for deal_id in self.seen if int(deal_id) > self.after_id}
        state: dict = {}
        if self.modified is not None and self.horizon is not None and self.modified > self.horizon:
            state |= {"modified": self.horizon, "seen_at_modified": []}
        elif self.modified is not None:
            state |= {"modified": self.modified, "seen_at_modified": sorted(self.seen, key=int)}
            if self.after_id is not None:
                state["after_id"] = self.after_id
        if self.archived_since is not None:
            state |= {"archived_since": self.archived_since, "archived_seen": sorted(self.archived_seen, key=int)}
        return state


class HubSpotClient:
    """One HubSpot account (portal), for one connection; caches stages and owners while it lives."""

    credential_fields = [
        CredentialField(
            "access_token",
            "Access token",
            help_text=(
                "The access token of a HubSpot private app (Settings › Integrations › Private apps; it starts "
                "“pat-”). Scopes: crm.objects.deals.read and crm.objects.owners.read to sync; for write-back "
                "also crm.objects.deals.write and crm.objects.contacts.write, which HubSpot's notes API "
                "asks for to create notes."
            ),
            secret=True,
        ),
        CredentialField(
            "webhook_client_secret",
            "Client secret (webhooks)",
            help_text=(
                "The private app's client secret (its Auth tab), to check the X-HubSpot-Signature-v3 of "
                "HubSpot's webhook calls. Leave empty if HubSpot sends no webhooks here."
            ),
            secret=True,
            required=False,
        ),
    ]
    timeout: tuple[float, float] = TIMEOUT
    rate_limit_retries = 3
    rate_limit_max_wait = 10.0

    def __init__(self, connection: Connection, credentials: dict[str, str]) -> None:
        self.connection = connection
        self._token = str(credentials.get("access_token") or "").strip()
        if not self._token:
            raise CrmError("This connection has no HubSpot access token yet: add it on the connection's page.")
        self.base = api_base()
        self.scope = [value.strip().lower() for value in (connection.sync_scope or "").split(",") if value.strip()]
        # Connecting is retried (nothing was sent); a 429 is handled here, not slept through by urllib3.
        retry = Retry(
            total=2,
            connect=2,
            read=0,
            redirect=0,
            status=0,
            other=0,
            backoff_factor=0.5,
            respect_retry_after_header=False,
        )
        client = hubspot.Client.create(access_token=self._token, host=self.base, retry=retry)
        self._search_api = client.crm.deals.search_api
        self._deals_api = client.crm.deals.basic_api
        self._batch_api = client.crm.deals.batch_api
        self._pipelines_api = client.crm.pipelines.pipelines_api
        self._owners_api = client.crm.owners.owners_api
        self._notes_api = client.crm.objects.notes.basic_api
        self._account: dict | None = None
        self._zone: tzinfo | None = None
        self._stages: dict[str, str] | None = None
        self._owners: dict[str, str] | None = None

    @classmethod
    def credential_problems(cls, values: dict) -> list[str]:
        """What is wrong with `values` for the connection page, in plain words (empty: nothing)."""
        problems = []
        token = str(values.get("access_token") or "").strip()
        if not token:
            problems.append("Paste the access token of the HubSpot private app.")
        elif any(character.isspace() or not character.isprintable() for character in token):
            problems.append("The access token has spaces or line breaks in it: copy it again from HubSpot.")
        elif LEGACY_API_KEY.match(token):
            problems.append(
                "That looks like a HubSpot API key, which HubSpot no longer accepts: create a private app and "
                "paste its access token."
            )
        elif not 20 <= len(token) <= 1000:
            problems.append("That is not a HubSpot access token: copy the whole token from the private app.")
        secret = str(values.get("webhook_client_secret") or "").strip()
        if secret and any(character.isspace() or not character.isprintable() for character in secret):
            problems.append("The client secret has spaces or line breaks in it: copy it again from HubSpot.")
        return problems

    # The four questions --------------------------------------------------------------------------

    def check(self) -> str:
        portal_id = self._account_details().get("portalId")
        if portal_id in (None, ""):
            raise CrmError("HubSpot's account details came without a portal id.")
        return str(portal_id)

    def pages(self, state: dict):
        cursor = _Cursor.from_state(state or {})
        now = int(time.time() * 1000)
        cursor.horizon = now - SEARCH_SETTLE_MS
        is_first_sync = cursor.archived_since is None
        if is_first_sync:
            cursor.archived_since = now - ARCHIVE_MARGIN_MS
        deals: list[RemoteDeal] = []
        for item in self._changed(cursor):
            if (remote := self._remote(item)) is not None:
                deals.append(remote)
            if len(deals) >= PAGE_DEALS:
                yield Page(deals=deals, state=cursor.state())
                deals = []
        if deals:
            yield Page(deals=deals, state=cursor.state())
        if not is_first_sync:
            yield from self._deleted_pages(cursor)

    def fetch(self, external_ids: list[str]) -> list[RemoteDeal]:
        wanted = list(dict.fromkeys(str(value).strip() for value in external_ids if str(value).strip().isdigit()))
        found: dict[str, dict] = {}
        for start in range(0, len(wanted), BATCH_LIMIT):
            request = deals_api.BatchReadInputSimplePublicObjectId(
                inputs=[deals_api.SimplePublicObjectId(id=deal_id) for deal_id in wanted[start : start + BATCH_LIMIT]],
                properties=PROPERTIES,
                properties_with_history=[],
            )
            answer = self._call(self._batch_api.read, batch_read_input_simple_public_object_id=request, archived=False)
            for item in _results(answer):
                found[str(item.get("id"))] = item
        remotes = (self._remote(found[deal_id]) for deal_id in wanted if deal_id in found)
        return [remote for remote in remotes if remote is not None]

    def write_activity(self, *, external_id: str, subject: str, body: str, occurred_at: datetime) -> str:
        deal_id = str(external_id).strip()
        if not deal_id.isdigit():
            raise CrmError(f"“{deal_id[:40]}” is not a HubSpot deal id, so no note can be written on it.")
        if occurred_at.tzinfo is None:
            occurred_at = occurred_at.replace(tzinfo=UTC)
        request = notes_api.SimplePublicObjectInputForCreate(
            properties={
                "hs_timestamp": str(int(occurred_at.timestamp() * 1000)),
                "hs_note_body": note_html(subject, body),
            },
            associations=[
                notes_api.PublicAssociationsForObject(
                    to=notes_api.PublicObjectId(id=deal_id),
                    types=[
                        notes_api.AssociationSpec(
                            association_category="HUBSPOT_DEFINED", association_type_id=NOTE_TO_DEAL
                        )
                    ],
                )
            ],
        )
        answer = self._call(self._notes_api.create, simple_public_object_input_for_create=request)
        note_id = str(answer.get("id") or "")
        if not note_id:
            raise CrmError("HubSpot created the note but did not say its id.")
        return note_id

    # Changes and deletions -----------------------------------------------------------------------

    def _changed(self, cursor: _Cursor):
        """Deals changed since `cursor`, oldest change first, each once; moves the cursor past each
        one before it is yielded."""
        while True:
            if cursor.after_id is not None:
                # More than a search page of deals share `cursor.modified`: read them in id order.
                found = self._search(
                    [
                        _condition("hs_lastmodifieddate", "EQ", cursor.modified),
                        _condition("hs_object_id", "GT", cursor.after_id),
                    ],
                    sort="hs_object_id",
                )
                for item in found:
                    deal_id = str(item.get("id"))
                    cursor.after_id = int(deal_id)
                    if deal_id not in cursor.seen:
                        yield item
                    cursor.seen.discard(deal_id)
                if len(found) < SEARCH_LIMIT:
                    # Every deal at that millisecond is in: go on after it.
                    cursor.modified, cursor.seen, cursor.after_id = cursor.modified + 1, set(), None
                continue
            since = [] if cursor.modified is None else [_condition("hs_lastmodifieddate", "GTE", cursor.modified)]
            found = self._search(since, sort="hs_lastmodifieddate")
            fresh = 0
            for item in found:
                deal_id, modified = str(item.get("id")), _ms((item.get("properties") or {}).get("hs_lastmodifieddate"))
                if cursor.has_seen(deal_id, modified):
                    continue
                fresh += 1
                cursor.saw(deal_id, modified)
                yield item
            if len(found) < SEARCH_LIMIT:
                return
            if not fresh:
                cursor.after_id = 0

    def _search(self, conditions: list[dict], *, sort: str) -> list[dict]:
        if self.scope:
            conditions = [*conditions, {"property_name": "pipeline", "operator": "IN", "values": self.scope}]
        request = deals_api.PublicObjectSearchRequest(
            filter_groups=[deals_api.FilterGroup(filters=[deals_api.Filter(**condition) for condition in conditions])]
            if conditions
            else [],
            sorts=[{"propertyName": sort, "direction": "ASCENDING"}],
            properties=PROPERTIES,
            limit=SEARCH_LIMIT,
        )
        return _results(self._call(self._search_api.do_search, public_object_search_request=request))

    def _deleted_pages(self, cursor: _Cursor):
        """Deals archived since the cursor, in pages; only the last page moves the archive cursor
        (the list comes in id order, so a sync stopped halfway lists them again)."""
        since, seen = cursor.archived_since, set(cursor.archived_seen)
        newest, at_newest = since, set(seen)
        deleted: list[str] = []
        for item in self._paged(self._deals_api.get_page, limit=LIST_LIMIT, archived=True, properties=["hs_object_id"]):
            deal_id, archived = str(item.get("id")), _ms(item.get("archivedAt"))
            if archived is None or archived < since or (archived == since and deal_id in seen):
                continue
            deleted.append(deal_id)
            if archived > newest:
                newest, at_newest = archived, {deal_id}
            elif archived == newest:
                at_newest.add(deal_id)
        for start in range(0, len(deleted), PAGE_DELETED):
            if start + PAGE_DELETED >= len(deleted):
                cursor.archived_since, cursor.archived_seen = newest, at_newest
            yield Page(deleted=deleted[start : start + PAGE_DELETED], state=cursor.state())

    # What HubSpot's values mean ------------------------------------------------------------------

    def _remote(self, item: dict) -> RemoteDeal | None:
        """The deal as the sync takes it; None when it is outside the connection's pipelines."""
        values = item.get("properties") or {}

        def text(name: str) -> str:
            value = values.get(name)
            return "" if value is None else str(value).strip()

        if self.scope and text("pipeline").lower() not in self.scope:
            return None
        stage = text("dealstage")
        return RemoteDeal(
            external_id=str(item.get("id") or text("hs_object_id")),
            name=text("dealname"),
            amount=_amount(text("amount")),
            # A single-currency account leaves deal_currency_code empty: its deals are in the company currency.
            currency=(text("deal_currency_code") or self._company_currency()).upper(),
            stage=stage,
            outcome=self._stage_outcomes().get(stage, Outcome.OPEN),
            close_date=self._local_date(text("closedate")),
            owner_email=self._owner_emails().get(text("hubspot_owner_id"), ""),
            segment=text("dealtype"),
            created=self._local_date(text("createdate")),
        )

    def _stage_outcomes(self) -> dict[str, str]:
        if self._stages is None:
            answer = self._call(self._pipelines_api.get_all, "deals")
            self._stages = {
                str(stage.get("id")): _outcome(stage.get("metadata") or {})
                for pipeline in _results(answer)
                for stage in pipeline.get("stages") or []
            }
        return self._stages

    def _owner_emails(self) -> dict[str, str]:
        """Owner id → email, deactivated owners included (their deals keep them as owner)."""
        if self._owners is None:
            owners: dict[str, str] = {}
            for is_archived in (True, False):
                for owner in self._paged(self._owners_api.get_page, limit=OWNER_LIMIT, archived=is_archived):
                    if owner.get("id") is not None and owner.get("email"):
                        owners[str(owner["id"])] = str(owner["email"]).strip()
            self._owners = owners
        return self._owners

    def _account_details(self) -> dict:
        if self._account is None:
            self._account = self._call(
                self._deals_api.api_client.call_api,
                "/account-info/v3/details",
                "GET",
                header_params={"Accept": "application/json"},
                auth_settings=["oauth2"],
                response_types_map={},
                _return_http_data_only=True,
            )
        return self._account

    def _company_currency(self) -> str:
        return str(self._account_details().get("companyCurrency") or "").strip()

    def _local_date(self, value: str) -> str:
        """A HubSpot datetime as the date its users see (the account's time zone), ISO 8601; text
        that is not a datetime is passed on for the sync's row rules to refuse."""
        if not value:
            return ""
        moment = _ms(value)
        if moment is None:
            return value
        if self._zone is None:
            try:
                self._zone = ZoneInfo(str(self._account_details().get("timeZone") or "UTC"))
            except (ZoneInfoNotFoundError, ValueError):
                self._zone = UTC
        return datetime.fromtimestamp(moment / 1000, tz=self._zone).date().isoformat()

    # Talking to HubSpot --------------------------------------------------------------------------

    def _paged(self, operation, **kwargs):
        """Every result of a list endpoint, following `paging.next.after` to the end."""
        after = None
        while True:
            answer = self._call(operation, after=after, **kwargs)
            yield from _results(answer)
            following = _next_after(answer)
            if not following:
                return
            if following == after:
                raise CrmError("HubSpot sent the same page again while listing: try again later.")
            after = following

    def _call(self, operation, *args, **kwargs) -> dict:
        """One request through the library, its JSON answer as a dict; HubSpot's refusals and network
        failures as CrmError (a 429 with a short wait is retried first)."""
        for attempt in range(self.rate_limit_retries + 1):
            try:
                response = operation(*args, _preload_content=False, _request_timeout=self.timeout, **kwargs)
                return self._json(response)
            except API_ERRORS as error:
                problem = self._refusal(error)
                wait = getattr(problem, "retry_after", None)
                if attempt < self.rate_limit_retries and wait is not None and wait <= self.rate_limit_max_wait:
                    time.sleep(wait)
                    continue
                raise problem from error
            except urllib3.exceptions.HTTPError as error:
                raise CrmError(self._unreachable(error)) from error
        raise AssertionError("unreachable")  # pragma: no cover

    def _json(self, response) -> dict:
        try:
            raw = response.data
        finally:
            response.release_conn()
        try:
            answer = json.loads(raw) if raw else {}
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            raise CrmError(f"HubSpot sent an answer that is not the JSON it documents (HTTP {response.status}).")
        return answer

    def _refusal(self, error) -> CrmError:
        status = int(error.status or 0)
        body = _error_body(error.body)
        message = self._scrub(str(body.get("message") or error.reason or "no reason given"))[:300].rstrip().rstrip(".")
        if body.get("correlationId"):
            message += f" (HubSpot correlation id {str(body['correlationId'])[:60]})"
        message += "."
        if status == 401:
            return CrmAuthError(
                f"The access token was refused: {message} Create a new token in the private app and paste it "
                "on the connection's page."
            )
        if status == 403:
            return CrmAuthError(
                f"The access token lacks a permission this needs: {message} Add the scope in the private app's "
                "settings."
            )
        if status == 429:
            wait = _retry_after(error.headers)
            if wait is None:
                wait = RATE_LIMIT_POLICY_WAIT.get(str(body.get("policyName") or ""))
            when = f" Try again in {wait:g} seconds." if wait is not None else " Try again later."
            return CrmRateLimited(f"HubSpot's rate limit was reached: {message}{when}", retry_after=wait)
        if status >= 500:
            return CrmError(f"HubSpot had a problem answering (HTTP {status}): {message} The sync tries again later.")
        if status == 0:
            return CrmError(f"HubSpot could not be reached securely: {message}")
        return CrmError(f"HubSpot refused the request (HTTP {status}): {message}")

    def _unreachable(self, error: Exception) -> str:
        reason = getattr(error, "reason", None) or error
        host = urlsplit(self.base).netloc or self.base
        # Before timeouts: urllib3's NewConnectionError is a ConnectTimeoutError too.
        if isinstance(reason, urllib3.exceptions.NewConnectionError):
            return f"HubSpot ({host}) could not be reached: no connection could be made."
        if isinstance(reason, urllib3.exceptions.TimeoutError):
            return f"HubSpot ({host}) did not answer in time; the sync tries again later."
        if isinstance(reason, urllib3.exceptions.ProtocolError):
            return f"The connection to HubSpot ({host}) broke off before it answered."
        return f"HubSpot ({host}) could not be reached; the sync tries again later."

    def _scrub(self, text: str) -> str:
        return text.replace(self._token, "[access token]") if self._token else text


def note_html(subject: str, body: str) -> str:
    """The note's HTML: the subject in bold, then the body's paragraphs, all text escaped; the body
    is shortened to fit HubSpot's 65,536 characters."""

    def render(text: str) -> str:
        parts = [f"<p><strong>{html.escape(subject.strip())}</strong></p>"] if subject.strip() else []
        for paragraph in re.split(r"\n\s*\n", text.strip()):
            if paragraph.strip():
                lines = [html.escape(line.strip()) for line in paragraph.strip().splitlines()]
                parts.append(f"<p>{'<br>'.join(lines)}</p>")
        return "".join(parts)

    rendered = render(body)
    while len(rendered) > NOTE_BODY_MAX and body:
        body = body[: max(0, len(body) - (len(rendered) - NOTE_BODY_MAX) - 1)] + "…"
        rendered = render(body)
    return rendered[:NOTE_BODY_MAX]


def _condition(name: str, operator: str, value) -> dict:
    return {"property_name": name, "operator": operator, "value": str(value)}


def _results(answer: dict) -> list[dict]:
    results = answer.get("results")
    if not isinstance(results, list) or not all(isinstance(item, dict) for item in results):
        raise CrmError("HubSpot sent an answer without the list of results it documents.")
    return results


def _next_after(answer: dict) -> str | None:
    paging = answer.get("paging") or {}
    after = (paging.get("next") or {}).get("after") if isinstance(paging, dict) else None
    return str(after) if after not in (None, "") else None


def _ms(value) -> int | None:
    """A HubSpot datetime (ISO 8601, or ms since the epoch) as ms since the epoch."""
    if value is None:
        return None
    text = str(value).strip()
    if text.lstrip("-").isdigit():
        return int(text)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() * 1000)


def _amount(value: str) -> str:
    """HubSpot's number as plain decimal text ("1.5E4" → "15000"); other text is passed on."""
    try:
        number = Decimal(value)
    except InvalidOperation:
        return value
    return format(number, "f") if number.is_finite() else value


def _outcome(metadata: dict) -> str:
    if str(metadata.get("isClosed", "")).lower() != "true":
        return Outcome.OPEN
    try:
        probability = float(metadata.get("probability", ""))
    except ValueError:
        return Outcome.OPEN
    if probability >= 1.0:
        return Outcome.WON
    if probability <= 0.0:
        return Outcome.LOST
    return Outcome.OPEN


def _error_body(raw) -> dict:
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8", "replace")
    try:
        body = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _retry_after(headers) -> float | None:
    """Seconds from a Retry-After header (seconds or an HTTP date); None without one."""
    value = None
    for name, header in (headers or {}).items():
        if name.lower() == "retry-after":
            value = str(header).strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - datetime.now(tz=UTC)).total_seconds())
