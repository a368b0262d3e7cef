"""The Salesforce client (ADR 20), on simple-salesforce's REST calls.

Signing in: a connected app, either by OAuth client credentials (consumer key and secret, posted to
the org's My Domain) or by JWT bearer (consumer key, a pre-authorised username and the private key
whose certificate the connected app holds). The token comes from the My Domain host the
administrator entered, and the API is only ever called on a *.salesforce.com host, so a mistyped or
hostile address never receives a credential.

Changes are read with SOQL over Opportunity, ordered by (SystemModstamp, Id) and resumed from the
last pair read, so many records sharing one SystemModstamp across a page boundary are neither lost
nor repeated. Deletions come from the getDeleted resource, which Salesforce keeps for 30 days, and
are read before the changes: a deal deleted and restored since the last sync ends restored.

Every message says what happened in plain words and never holds a credential or a token."""

import email.utils
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from itertools import islice
from typing import Any, TypeVar

from django.utils import timezone

import jwt
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from simple_salesforce import (
    Salesforce,
    SalesforceAuthenticationFailed,
    SalesforceError,
    SalesforceExpiredSession,
    SalesforceLogin,
    format_soql,
)

from ..models import Connection, Outcome
from ..salesforce_ids import is_salesforce_id, salesforce_id_18
from .base import CredentialField, CrmAuthError, CrmError, CrmRateLimited, Page, RemoteDeal

logger = logging.getLogger(__name__)

T = TypeVar("T")

API_VERSION = "62.0"
# (connect, read) seconds for every request: simple-salesforce passes no timeout of its own.
TIMEOUT = (10, 60)
PAGE_SIZE = 2000
FETCH_CHUNK = 200
DELETED_PAGE_SIZE = 2000
# Salesforce lists deletions for 30 days; a window must start inside them.
DELETIONS_KEPT = timedelta(days=30)
DELETIONS_MARGIN = timedelta(hours=1)
# A change is stamped when its transaction starts and becomes visible when it commits: a record
# stamped shortly before a page was read may have been invisible then. The next sync reads again
# from this long before the previous read when its cursor is that recent.
IN_FLIGHT = timedelta(minutes=2)

AUTH_CLIENT_CREDENTIALS = "client_credentials"
AUTH_JWT = "jwt"
DEFAULT_TASK_TYPE = "Other"
SUBJECT_MAX = 255
DESCRIPTION_MAX = 32000

FIELDS = (
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
)

# Enhanced My Domain hosts: production and Developer Edition orgs, sandboxes, scratch and demo orgs.
_MY_DOMAIN = re.compile(
    r"^[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?(?:\.(?P<kind>sandbox|develop|scratch|demo|trailblaze|patch))?"
    r"\.my\.salesforce\.com$"
)
_TEST_LOGIN_KINDS = {"sandbox", "scratch"}
_SALESFORCE_HOST = re.compile(r"^[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?\.salesforce\.com$")
_NEXT_RECORDS = re.compile(r"^/services/data/v\d+\.\d+/query(?:All)?/[A-Za-z0-9]+-\d+$")


def http_session() -> requests.Session:
    """The HTTP session a client talks to Salesforce through (tests route it to a local fake)."""
    return _Session()


class _Session(requests.Session):
    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", TIMEOUT)
        return super().request(method, url, *args, **kwargs)


def my_domain_host(value: str) -> str:
    """`value` as a bare lower-case host: "https://Acme.my.salesforce.com/" → "acme.my.salesforce.com"."""
    host = value.strip().lower()
    host = host.removeprefix("https://").removeprefix("http://")
    return host.split("/", 1)[0]


def _private_key_problem(pem: str) -> str:
    try:
        key = serialization.load_pem_private_key(pem.strip().encode(), password=None)
    except TypeError:
        return "The private key is protected by a passphrase: export it without one."
    except ValueError:
        return "The private key is not a PEM private key (it starts with -----BEGIN PRIVATE KEY-----)."
    except Exception:  # cryptography's UnsupportedAlgorithm and friends
        return "The private key is not a key Lastmile can read."
    if not isinstance(key, rsa.RSAPrivateKey):
        return "The private key must be an RSA key: Salesforce checks JWT bearer tokens signed with RS256."
    return ""


def _batched(values: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(values)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _now() -> datetime:
    return datetime.now(UTC)


def _to_minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def _parse_time(value: Any) -> datetime | None:
    """A Salesforce dateTime ("2024-05-01T10:00:00.000+0000") or one of our ISO strings, in UTC."""
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment.astimezone(UTC) if moment.tzinfo else None


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _amount(value: Any) -> str:
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, int | Decimal):
        # Opportunity.Amount is a currency field with two decimal places.
        return f"{Decimal(value):.2f}"
    return str(value)[:40]  # not a number: the sync's row rules refuse it by name


def _related(record: dict, relation: str, field: str) -> str:
    related = record.get(relation)
    return _text(related.get(field)) if isinstance(related, dict) else ""


def _first_error(content: Any) -> tuple[str, str]:
    """Salesforce's error body is a list of {"message", "errorCode"}: the first one's code and message."""
    if isinstance(content, list) and content and isinstance(content[0], dict):
        return str(content[0].get("errorCode") or ""), str(content[0].get("message") or "")
    return "", ""


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        return None
    return max(0.0, (moment - _now()).total_seconds())


def _malformed() -> CrmError:
    return CrmError("Salesforce answered with something other than what it documents; the next sync tries again.")


class SalesforceClient:
    """Opportunities of one Salesforce org as RemoteDeals, and completed Tasks written on them."""

    credential_fields = [
        CredentialField(
            "auth",
            "Sign-in method",
            help_text="How Lastmile signs in with the connected app.",
            choices=((AUTH_CLIENT_CREDENTIALS, "OAuth client credentials"), (AUTH_JWT, "JWT bearer")),
        ),
        CredentialField(
            "domain",
            "My Domain",
            help_text="The org's My Domain host, like acme.my.salesforce.com (a sandbox: "
            "acme--uat.sandbox.my.salesforce.com). Setup → My Domain shows it.",
        ),
        CredentialField("client_id", "Consumer key", help_text="The connected app's consumer key."),
        CredentialField(
            "client_secret",
            "Consumer secret",
            help_text="OAuth client credentials only: the connected app's consumer secret.",
            secret=True,
            required=False,
        ),
        CredentialField(
            "username",
            "Username",
            help_text="JWT bearer only: the Salesforce user Lastmile signs in as (pre-authorised for the app).",
            required=False,
        ),
        CredentialField(
            "private_key",
            "Private key",
            help_text="JWT bearer only: the PEM private key whose certificate is uploaded to the connected app.",
            secret=True,
            multiline=True,
            required=False,
        ),
        CredentialField(
            "task_type",
            "Activity type",
            help_text=f"The Task Type given to the activities Lastmile records (default: {DEFAULT_TASK_TYPE}).",
            required=False,
        ),
    ]

    @classmethod
    def credential_problems(cls, values: dict) -> list[str]:
        """What is missing or wrong in `values`, in plain words (never repeating a secret)."""
        problems = []
        auth = values.get("auth") or ""
        if auth not in (AUTH_CLIENT_CREDENTIALS, AUTH_JWT):
            problems.append("Choose how Lastmile signs in: OAuth client credentials or JWT bearer.")
        domain = values.get("domain") or ""
        if not domain.strip():
            problems.append("Enter the org's My Domain, like acme.my.salesforce.com.")
        elif not _MY_DOMAIN.match(my_domain_host(domain)):
            problems.append(
                f"“{domain.strip()[:80]}” is not a My Domain host: it ends in .my.salesforce.com, like "
                "acme.my.salesforce.com (Setup → My Domain shows it)."
            )
        if not (values.get("client_id") or "").strip():
            problems.append("Enter the connected app's consumer key.")
        if auth == AUTH_CLIENT_CREDENTIALS and not (values.get("client_secret") or "").strip():
            problems.append("OAuth client credentials need the connected app's consumer secret.")
        if auth == AUTH_JWT:
            if not (values.get("username") or "").strip():
                problems.append("JWT bearer needs the username of the Salesforce user Lastmile signs in as.")
            private_key = (values.get("private_key") or "").strip()
            if not private_key:
                problems.append("JWT bearer needs the private key whose certificate the connected app holds.")
            elif problem := _private_key_problem(private_key):
                problems.append(problem)
        task_type = values.get("task_type") or ""
        if len(task_type) > 255 or "\n" in task_type:
            problems.append("The activity type is one Task Type value, on one line.")
        return problems

    def __init__(self, connection: Connection, credentials: dict) -> None:
        if problems := self.credential_problems(credentials):
            raise CrmAuthError("The Salesforce credentials are incomplete: " + " ".join(problems))
        self.connection = connection
        self._auth = credentials["auth"]
        self._host = my_domain_host(credentials["domain"])
        self._client_id = credentials["client_id"].strip()
        self._client_secret = (credentials.get("client_secret") or "").strip()
        self._username = (credentials.get("username") or "").strip()
        self._private_key = (credentials.get("private_key") or "").strip()
        self._task_type = (credentials.get("task_type") or "").strip() or DEFAULT_TASK_TYPE
        self._scope = list(dict.fromkeys(name.strip() for name in connection.sync_scope.split(",") if name.strip()))
        self._session = http_session()
        self._session.hooks["response"].append(self._observe)
        self._last_status: int | None = None
        self._last_retry_after: str | None = None
        self._sf: Salesforce | None = None
        self._token = ""
        self._schema: tuple[bool, str] | None = None  # (multi-currency, the org's currency otherwise)

    # -- the CrmClient protocol ----------------------------------------------------------------

    def check(self) -> str:
        """The organisation id (18 characters) the credentials open."""
        return self._organisation()["Id"]

    def pages(self, state: dict) -> Iterator[Page]:
        state = dict(state or {})
        started = _now()
        is_multicurrency, currency = self._load_schema()
        yield from self._deleted_pages(state, started)

        cursor = self._cursor(state)
        read_at = _parse_time(state.get("read_at"))
        reread_from = None
        if cursor and read_at and cursor[0] >= read_at - IN_FLIGHT:
            reread_from = _to_minute(read_at - IN_FLIGHT)
        while True:
            read_at = _now()
            if reread_from is not None:
                where = format_soql("SystemModstamp >= {since}", since=reread_from)
            elif cursor:
                where = format_soql(
                    "(SystemModstamp > {stamp} OR (SystemModstamp = {stamp} AND Id > {id}))",
                    stamp=cursor[0],
                    id=cursor[1],
                )
            else:
                where = ""
            records = self._query(self._soql(is_multicurrency, where, f"ORDER BY SystemModstamp, Id LIMIT {PAGE_SIZE}"))
            if not records:
                return
            last = records[-1]
            stamp, last_id = _parse_time(last.get("SystemModstamp")), last.get("Id")
            if stamp is None or not isinstance(last_id, str) or not is_salesforce_id(last_id):
                raise _malformed()
            if reread_from is None and cursor and (stamp < cursor[0] or (stamp, last_id) == cursor):
                raise CrmError("Salesforce sent changes out of order; the next sync tries again from the same point.")
            cursor, reread_from = (stamp, last_id), None
            state.update(modstamp=stamp.isoformat(), id=last_id, read_at=read_at.isoformat())
            yield Page(deals=self._deals(records, currency), state=dict(state))
            if len(records) < PAGE_SIZE:
                return

    def fetch(self, external_ids: list[str]) -> list[RemoteDeal]:
        ids = [
            salesforce_id_18(value.strip())
            for value in external_ids
            if isinstance(value, str) and is_salesforce_id(value.strip())
        ]
        if not ids:
            return []
        is_multicurrency, currency = self._load_schema()
        deals = []
        for chunk in _batched(dict.fromkeys(ids), FETCH_CHUNK):
            records = self._query(self._soql(is_multicurrency, format_soql("Id IN {ids}", ids=chunk)))
            deals += self._deals(records, currency)
        return deals

    def write_activity(self, *, external_id: str, subject: str, body: str, occurred_at: datetime) -> str:
        """A completed Task on the opportunity; returns the Task's id."""
        if not is_salesforce_id(external_id.strip()):
            raise CrmError("The deal's external id is not a Salesforce opportunity id: no activity was written.")
        when = timezone.localdate(occurred_at) if timezone.is_aware(occurred_at) else occurred_at.date()
        task = {
            "WhatId": salesforce_id_18(external_id.strip()),
            "Subject": " ".join(subject.split())[:SUBJECT_MAX],
            "Description": body[:DESCRIPTION_MAX],
            "Status": "Completed",
            "ActivityDate": when.isoformat(),
            "Type": self._task_type,
        }
        result = self._call(lambda sf: sf.Task.create(task))
        task_id = result.get("id") if isinstance(result, dict) else None
        if not (isinstance(result, dict) and result.get("success") is True and isinstance(task_id, str)):
            raise _malformed()
        if not is_salesforce_id(task_id):
            raise _malformed()
        return task_id

    # -- reading -------------------------------------------------------------------------------

    def _soql(self, is_multicurrency: bool, where: str, tail: str = "") -> str:
        fields = ", ".join((*FIELDS, "CurrencyIsoCode") if is_multicurrency else FIELDS)
        conditions = [where] if where else []
        if self._scope:
            conditions.append(format_soql("RecordType.Name IN {names}", names=self._scope))
        # Field names are the constants above; every value in a condition went through format_soql.
        soql = f"SELECT {fields} FROM Opportunity"  # noqa: S608
        if conditions:
            soql += " WHERE " + " AND ".join(conditions)
        return f"{soql} {tail}".rstrip()

    def _query(self, soql: str) -> list[dict]:
        """Every record of `soql`, following Salesforce's batches (nextRecordsUrl)."""
        result = self._call(lambda sf: sf.query(soql))
        records = []
        while True:
            if not isinstance(result, dict) or not isinstance(result.get("records"), list):
                raise _malformed()
            records += [record for record in result["records"] if isinstance(record, dict)]
            if result.get("done", True) is not False:
                return records
            next_url = result.get("nextRecordsUrl")
            # Appended to the instance host by simple-salesforce: anything but a path could move the token.
            if not isinstance(next_url, str) or not _NEXT_RECORDS.match(next_url):
                raise _malformed()
            result = self._call(lambda sf, url=next_url: sf.query_more(url, identifier_is_url=True))

    def _deals(self, records: list[dict], currency: str) -> list[RemoteDeal]:
        deals = []
        for record in records:
            record_id = record.get("Id")
            if not isinstance(record_id, str) or not is_salesforce_id(record_id):
                logger.warning("Salesforce sent an opportunity without a valid id; skipped")
                continue
            is_won, is_closed = record.get("IsWon") is True, record.get("IsClosed") is True
            deals.append(
                RemoteDeal(
                    external_id=salesforce_id_18(record_id),
                    name=_text(record.get("Name")),
                    account_name=_related(record, "Account", "Name"),
                    amount=_amount(record.get("Amount")),
                    currency=_text(record.get("CurrencyIsoCode")) if "CurrencyIsoCode" in record else currency,
                    stage=_text(record.get("StageName")),
                    outcome=Outcome.WON if is_won else Outcome.LOST if is_closed else Outcome.OPEN,
                    close_date=_text(record.get("CloseDate"))[:10],
                    owner_email=_related(record, "Owner", "Email"),
                    segment=_text(record.get("Type")),
                    created=_text(record.get("CreatedDate"))[:10],
                )
            )
        return deals

    def _cursor(self, state: dict) -> tuple[datetime, str] | None:
        stamp, record_id = _parse_time(state.get("modstamp")), state.get("id")
        if stamp is None or not isinstance(record_id, str) or not is_salesforce_id(record_id):
            return None
        return stamp, record_id

    def _deleted_pages(self, state: dict, started: datetime) -> Iterator[Page]:
        """Deletions since `state["deleted_since"]`, oldest window first; the first sync only starts
        the clock (everything it reads exists)."""
        since = _parse_time(state.get("deleted_since"))
        if since is None:
            state["deleted_since"] = _to_minute(started).isoformat()
            yield Page(state=dict(state))
            return
        now = _now()
        earliest = _to_minute(now - DELETIONS_KEPT + DELETIONS_MARGIN)
        if since < earliest:
            logger.warning(
                "Connection %s last read Salesforce deletions at %s; Salesforce keeps 30 days, so deletions "
                "before %s are not seen",
                self.connection.pk,
                since.isoformat(),
                earliest.isoformat(),
            )
            since = earliest
        end = _to_minute(now)
        if end <= since:
            return
        result = self._call(lambda sf: sf.Opportunity.deleted(since, end))
        if not isinstance(result, dict) or not isinstance(result.get("deletedRecords"), list):
            raise _malformed()
        ids = [
            salesforce_id_18(item["id"])
            for item in result["deletedRecords"]
            if isinstance(item, dict) and isinstance(item.get("id"), str) and is_salesforce_id(item["id"])
        ]
        covered = _parse_time(result.get("latestDateCovered")) or end
        chunks = list(_batched(ids, DELETED_PAGE_SIZE)) or [[]]
        for number, chunk in enumerate(chunks, start=1):
            if number == len(chunks):
                state["deleted_since"] = max(covered, since).isoformat()
            yield Page(deleted=chunk, state=dict(state))

    def _load_schema(self) -> tuple[bool, str]:
        """Whether the org is multi-currency (Opportunity has CurrencyIsoCode) and, if not, its one
        currency; checks the org is the one this connection synced before, and that the scope's
        record types can be asked about."""
        if self._schema is None:
            describe = self._call(lambda sf: sf.Opportunity.describe())
            fields = describe.get("fields") if isinstance(describe, dict) else None
            if not isinstance(fields, list):
                raise _malformed()
            names = {field.get("name") for field in fields if isinstance(field, dict)}
            if self._scope and "RecordTypeId" not in names:
                raise CrmError(
                    "The connection's scope names record types, but this org has no opportunity record types: "
                    "clear the scope on the connection's page."
                )
            is_multicurrency = "CurrencyIsoCode" in names
            organisation = self._organisation(with_currency=not is_multicurrency)
            expected = self.connection.remote_account_id
            if expected and expected[:15] != organisation["Id"][:15]:
                raise CrmAuthError(
                    f"These credentials open Salesforce org {organisation['Id']}, but this connection syncs org "
                    f"{expected[:18]}: use the credentials of that org, or a new connection for this one."
                )
            currency = "" if is_multicurrency else _text(organisation.get("DefaultCurrencyIsoCode"))
            self._schema = (is_multicurrency, currency)
        return self._schema

    def _organisation(self, *, with_currency: bool = False) -> dict:
        soql = "SELECT Id, DefaultCurrencyIsoCode FROM Organization LIMIT 1"
        records = self._query(soql if with_currency else "SELECT Id FROM Organization LIMIT 1")
        organisation = records[0] if records else None
        if not organisation or not isinstance(organisation.get("Id"), str) or len(organisation["Id"]) != 18:
            raise _malformed()
        if not is_salesforce_id(organisation["Id"]):
            raise _malformed()
        return organisation

    # -- calling Salesforce --------------------------------------------------------------------

    def _observe(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        # simple-salesforce's exceptions keep neither the status of a failed sign-in nor headers.
        self._last_status = response.status_code
        self._last_retry_after = response.headers.get("Retry-After")

    def _call(self, operation: Callable[[Salesforce], T]) -> T:
        """`operation` on a signed-in API; an expired session signs in again once and retries.
        Every failure becomes a CrmError in plain words."""
        try:
            try:
                return operation(self._api())
            except SalesforceExpiredSession as error:
                if _first_error(error.content)[0] != "INVALID_SESSION_ID":
                    raise
                logger.info("Salesforce session of connection %s expired; signing in again", self.connection.pk)
                self._sf = None
                return operation(self._api())
        except CrmError:
            raise
        except (SalesforceError, requests.RequestException, ValueError) as error:
            raise self._translate(error) from None

    def _api(self) -> Salesforce:
        if self._sf is None:
            self._sf = self._sign_in()
        return self._sf

    def _sign_in(self) -> Salesforce:
        domain = self._host.removesuffix(".salesforce.com")
        if self._auth == AUTH_JWT:
            kind = _MY_DOMAIN.match(self._host)["kind"]
            # The token is asked of the My Domain; the assertion's audience is the login server.
            arguments = {
                "domain": "test" if kind in _TEST_LOGIN_KINDS else "login",
                "instance_url": domain,
                "username": self._username,
                "consumer_key": self._client_id,
                "privatekey": self._private_key,
            }
        else:
            arguments = {"domain": domain, "consumer_key": self._client_id, "consumer_secret": self._client_secret}
        try:
            token, instance = SalesforceLogin(session=self._session, sf_version=API_VERSION, **arguments)
        except jwt.PyJWTError:
            raise CrmAuthError("The private key could not sign the sign-in request: set it again.") from None
        except (AttributeError, TypeError):  # simple-salesforce reading an answer without instance_url
            raise self._sign_in_status_error() or _malformed() from None
        except ValueError as error:
            if isinstance(error, requests.RequestException):
                raise
            raise CrmAuthError("The private key could not sign the sign-in request: set it again.") from None
        instance = str(instance).lower()
        if not _SALESFORCE_HOST.match(instance):
            raise CrmError(
                f"Salesforce's sign-in named an API address outside salesforce.com ({instance[:80]}); "
                "Lastmile did not use it."
            )
        self._token = str(token)
        return Salesforce(
            session_id=self._token,
            instance=instance,
            version=API_VERSION,
            session=self._session,
            parse_float=Decimal,
            object_pairs_hook=dict,
        )

    def _translate(self, error: Exception) -> CrmError:
        if isinstance(error, SalesforceAuthenticationFailed):
            return self._sign_in_error(error)
        if isinstance(error, SalesforceError):
            return self._api_error(error)
        if isinstance(error, requests.exceptions.JSONDecodeError):
            return _malformed()
        if isinstance(error, requests.Timeout):
            return CrmError(
                f"Salesforce did not answer within {TIMEOUT[1]} seconds; the next sync tries again.",
            )
        if isinstance(error, requests.ConnectionError):
            return CrmError(f"Lastmile could not reach Salesforce at {self._host}; the next sync tries again.")
        if isinstance(error, requests.RequestException):
            return CrmError("The request to Salesforce failed; the next sync tries again.")
        return _malformed()

    def _sign_in_status_error(self) -> CrmError | None:
        """What the token endpoint's HTTP status says, when it says more than "refused"."""
        status = self._last_status or 0
        if status == 429:
            return CrmRateLimited(
                "Salesforce's sign-in asks Lastmile to slow down; the next sync tries again.",
                retry_after=_retry_after(self._last_retry_after),
            )
        if status >= 500:
            return CrmError(
                f"Salesforce's sign-in had a problem on its side (HTTP {status}); the next sync tries again."
            )
        return None

    def _sign_in_error(self, error: SalesforceAuthenticationFailed) -> CrmError:
        if status_error := self._sign_in_status_error():
            return status_error
        if isinstance(error.code, int):  # the answer was not JSON
            return CrmError(f"Salesforce's sign-in answered with something other than JSON (HTTP {self._last_status}).")
        code = self._scrub(str(error.code or "refused"))[:60]
        reason = self._scrub(error.auth_message or "")[:200]
        hint = (
            "check the username, that the user is pre-authorised for the connected app, and that the app holds "
            "the certificate of this private key"
            if self._auth == AUTH_JWT
            else "check the consumer key and secret, and that the connected app has client credentials enabled "
            "with a run-as user"
        )
        detail = f"{code}: {reason}" if reason else code
        return CrmAuthError(f"Salesforce refused to sign in ({detail}): {hint}.")

    def _api_error(self, error: SalesforceError) -> CrmError:
        status = error.status
        code, message = _first_error(error.content)
        code, message = self._scrub(code)[:60], self._scrub(message)[:200]
        if status == 429:
            return CrmRateLimited(
                "Salesforce asks Lastmile to slow down; the next sync tries again.",
                retry_after=_retry_after(self._last_retry_after),
            )
        if code == "REQUEST_LIMIT_EXCEEDED":
            return CrmRateLimited(
                "The org has used up its Salesforce API requests for now; syncing resumes when Salesforce "
                "allows requests again.",
                retry_after=_retry_after(self._last_retry_after),
            )
        if status == 401:
            return CrmAuthError(
                "Salesforce does not accept this connection's session, even after signing in again: check the "
                "connected app's policies for the integration user."
            )
        if status >= 500:
            return CrmError(f"Salesforce had a problem on its side (HTTP {status}); the next sync tries again.")
        detail = f"{code}: {message}" if code and message else code or message or f"HTTP {status}"
        if status == 403:
            return CrmError(
                f"Salesforce refused the request ({detail}): check that the integration user may use the API "
                "and read opportunities."
            )
        return CrmError(f"Salesforce refused the request ({detail}).")

    def _scrub(self, text: str) -> str:
        """`text` from Salesforce without any credential or token in it, on one line."""
        for secret in (self._token, self._client_secret, self._private_key):
            if len(secret) >= 6:
                text = text.replace(secret, "[hidden]")
        return " ".join(text.split())
