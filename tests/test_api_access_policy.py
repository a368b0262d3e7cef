"""The REST API's access policy (/api/v1/) as one table, checked cell by cell through real HTTP
requests, like tests/test_access_policy.py for the portal and Wagtail admin.

Principals are API keys: the whole company's, read or read-write; organisation A's, read or
read-write; organisation B's, read-write; and two company read-write keys that no longer work, one
revoked and one expired.
Objects: a deal owned by A's partner user (organisation A, imported through A's connection); an
internal rep's deal (no organisation, imported through a company connection); a document owned by
A's partner user; a delivery event of that document; a template shared with organisation A only;
a template for all internal users; a connection of organisation A.
Actions: "list" is finding the object in its list (GET /deals, /documents, /events, /templates);
"view" is GET of the object itself; "events" is GET /documents/{id}/events; "write" is POST
/deals/batch naming the object's connection (for a deal, updating it by its external id; for the
connection, creating a deal in it).
"Y" is allowed, "-" is refused. A key's partner organisation is its whole world: outside it,
everything is a 404 like a missing object's. A company key reads everything, and writes into the
connections of no organisation (a partner organisation's connections are its own keys').
This table is copied into the README.

Every cell checks the outcome itself: an allowed cell finds the object's id in a 200 answer, or
re-reads the changed row from the database. A refused cell gets, byte for byte, the answer the same
request gets for something that does not exist: a 404 from a usable key (a random uuid in place of
the object's), a 403 from a read key that writes (to a random connection too: a read key learns
nothing), a 401 from a revoked or expired key (like a key that never existed); and the database is
unchanged. A list refuses by leaving the object out of an answer that is still a 200.

The world is built once per module and rolled back at its end; each cell runs in a savepoint
inside it and reads the objects afresh.
"""

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

import pytest

from accounts.roles import Role, ensure_role_groups
from approvals.output import final_output
from deals.models import ApiAccess, ApiKey, Connection, Deal, DeliveryEvent, Source
from deals.services.api_keys import api_key_create, api_key_revoke
from deals.services.events import record_delivery
from templates_lib.models import CollateralDocument, CollateralTemplate
from templates_lib.services.audience import template_share

from .factories.accounts import OrganisationFactory, UserFactory, partner_member
from .factories.approvals import make_document
from .factories.brand import make_brand_kit
from .factories.deals import ConnectionFactory, DealFactory
from .factories.templates_lib import make_template
from .transactions import rolled_back_transaction

KEYS = ["company_read", "company_write", "org_a_read", "org_a_write", "org_b_write", "revoked", "expired"]
UNUSABLE_KEYS = {"revoked", "expired"}
READ_KEYS = {"company_read", "org_a_read"}

POLICY = """
object              action  company_read company_write org_a_read org_a_write org_b_write revoked expired
deal_a              list         Y            Y            Y           Y           -         -       -
deal_a              view         Y            Y            Y           Y           -         -       -
deal_a              write        -            -            -           Y           -         -       -
deal_internal       list         Y            Y            -           -           -         -       -
deal_internal       view         Y            Y            -           -           -         -       -
deal_internal       write        -            Y            -           -           -         -       -
document_a          list         Y            Y            Y           Y           -         -       -
document_a          view         Y            Y            Y           Y           -         -       -
document_a          events       Y            Y            Y           Y           -         -       -
event_a             list         Y            Y            Y           Y           -         -       -
template_shared_a   list         Y            Y            Y           Y           -         -       -
template_shared_a   view         Y            Y            Y           Y           -         -       -
template_internal   list         Y            Y            -           -           -         -       -
template_internal   view         Y            Y            -           -           -         -       -
connection_a        write        -            -            -           Y           -         -       -
"""


def _policy() -> dict[tuple[str, str], dict[str, bool]]:
    lines = [line.split() for line in POLICY.strip().splitlines()]
    header, rows = lines[0], lines[1:]
    assert header[2:] == KEYS
    return {(row[0], row[1]): dict(zip(KEYS, (cell == "Y" for cell in row[2:]), strict=True)) for row in rows}


def _policy_rows():
    for (kind, action), cells in _policy().items():
        for key, allowed in cells.items():
            yield pytest.param(kind, action, key, allowed, id=f"{kind}-{action}-{key}")


# --- The world: built once per module --------------------------------------------------------

DEAL_A = "DEAL-A-MARKER"
DEAL_INTERNAL = "DEAL-INTERNAL-MARKER"
DOCUMENT_A = "DOC-A-MARKER"
TEMPLATE_SHARED_A = "TEMPLATE-SHARED-A-MARKER"
TEMPLATE_INTERNAL = "TEMPLATE-INTERNAL-MARKER"
RENAMED = "DEAL-RENAMED-BY-THE-API"
NEW_DEAL = "DEAL-CREATED-BY-THE-API"
# Well formed, but no key has this prefix: what any key that does not work should look like.
UNKNOWN_KEY = "lm_000000000000_" + "x" * 43


def _keys(org_a, org_b) -> dict[str, str]:
    """One API key per column; their secret texts."""
    write = ApiAccess.READ_WRITE
    made = {
        "company_read": api_key_create(name="Company read", access=ApiAccess.READ),
        "company_write": api_key_create(name="Company write", access=write),
        "org_a_read": api_key_create(name="Org A read", access=ApiAccess.READ, organisation=org_a),
        "org_a_write": api_key_create(name="Org A write", access=write, organisation=org_a),
        "org_b_write": api_key_create(name="Org B write", access=write, organisation=org_b),
        "revoked": api_key_create(name="Revoked", access=write),
        "expired": api_key_create(name="Expired", access=write),
    }
    api_key_revoke(api_key=made["revoked"][0])
    # A key cannot be made already expired: this one's time runs out after it was made.
    ApiKey.objects.filter(pk=made["expired"][0].pk).update(expires_at=timezone.now() - timedelta(days=1))
    return {name: raw_key for name, (_, raw_key) in made.items()}


def _build_world() -> dict:
    """Create the keys and objects; return the keys' texts and the objects' primary keys."""
    roles = ensure_role_groups()
    make_brand_kit()
    org_a, org_b = OrganisationFactory(name="Org A"), OrganisationFactory(name="Org B")
    rep = UserFactory(username="rep")
    rep.groups.add(roles[Role.SALES_REP])
    partner_a = partner_member(org_a, username="partner_a", email="pa@a.example")
    partner_a.groups.add(roles[Role.PARTNER_USER])
    connection_a = ConnectionFactory(name="Org A imports", kind=Source.CSV, organisation=org_a)
    company_connection = ConnectionFactory(name="Company imports", kind=Source.CSV)
    deal_a = DealFactory(owner=partner_a, name=DEAL_A, connection=connection_a, external_id="A-1", source=Source.CSV)
    deal_internal = DealFactory(
        owner=rep, name=DEAL_INTERNAL, connection=company_connection, external_id="INT-1", source=Source.CSV
    )
    shared = make_template(title=TEMPLATE_SHARED_A, audience_internal=False)
    template_share(template=shared, organisation=org_a)
    internal = make_template(title=TEMPLATE_INTERNAL)
    document = make_document(shared, partner_a, title=DOCUMENT_A)
    # Recorded as the portal records a download, without rendering (the bytes are made up).
    event = record_delivery(
        output=final_output(document, profile="print", deal=deal_a),
        channel="portal_pdf",
        delivered=b"%PDF-1.7 delivered",
        user=partner_a,
        deal=deal_a,
    )
    return {
        "keys": _keys(org_a, org_b),
        "deal_a": deal_a.pk,
        "deal_internal": deal_internal.pk,
        "document_a": document.pk,
        "event_a": event.pk,
        "template_shared_a": shared.pk,
        "template_internal": internal.pk,
        "connection_a": connection_a.pk,
    }


@pytest.fixture(scope="module")
def world_keys(django_db_setup, django_db_blocker):
    """The world, built once in an outer transaction that is rolled back after the module's last
    test. Each test's own transaction (the `db` fixture) nests in it as a savepoint, so whatever
    a cell changes (a deal, a key's "last used") is undone before the next one."""
    with django_db_blocker.unblock(), rolled_back_transaction():
        yield _build_world()


@pytest.fixture
def world(db, world_keys) -> dict:
    """The world's objects read afresh from the database."""
    return {
        "keys": world_keys["keys"],
        "deal_a": Deal.objects.get(pk=world_keys["deal_a"]),
        "deal_internal": Deal.objects.get(pk=world_keys["deal_internal"]),
        "document_a": CollateralDocument.objects.get(pk=world_keys["document_a"]),
        "event_a": DeliveryEvent.objects.get(pk=world_keys["event_a"]),
        "template_shared_a": CollateralTemplate.objects.get(pk=world_keys["template_shared_a"]),
        "template_internal": CollateralTemplate.objects.get(pk=world_keys["template_internal"]),
        "connection_a": Connection.objects.get(pk=world_keys["connection_a"]),
    }


# --- Trying each action --------------------------------------------------------------------------

# A request by one key about one object's id: (key's text, id) → response.
Ask = Callable[[str, uuid.UUID], object]


@dataclass
class Attempt:
    """One key trying one action on one object of the world."""

    client: object
    world: dict
    key: str
    allowed: bool

    def get(self, path: str, raw_key: str):
        return self.client.get(f"/api/v1{path}", {"limit": 100}, HTTP_AUTHORIZATION=f"Bearer {raw_key}")

    def post(self, path: str, body: dict, raw_key: str):
        return self.client.post(
            f"/api/v1{path}",
            json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {raw_key}",
        )

    def ask(self, ask: Ask, public_id: uuid.UUID, *, writing: bool = False):
        """The key's answer about `public_id`; when the cell is refused, checks it is the very
        answer something missing gets (see the module docstring)."""
        response = ask(self.world["keys"][self.key], public_id)
        if not self.allowed:
            self.assert_refused(response, ask, writing=writing)
        return response

    def assert_refused(self, response, ask: Ask, *, writing: bool) -> None:
        raw_key = self.world["keys"][self.key]
        if self.key in UNUSABLE_KEYS:
            status, missing = 401, ask(UNKNOWN_KEY, uuid.uuid4())
            assert response["WWW-Authenticate"] == "Bearer"
        elif writing and self.key in READ_KEYS:
            status, missing = 403, ask(raw_key, uuid.uuid4())
        else:
            status, missing = 404, ask(raw_key, uuid.uuid4())
        assert response.status_code == status, (response.status_code, response.content)
        assert missing.status_code == status, missing.status_code
        assert response["Content-Type"] == "application/problem+json"
        assert response.content == missing.content

    def finds_in_list(self, path: str, public_id: uuid.UUID) -> None:
        """A list: a 200 whose items include the object only when allowed (a key that does not
        work gets its 401 instead)."""
        response = self.get(path, self.world["keys"][self.key])
        if self.key in UNUSABLE_KEYS and not self.allowed:
            self.assert_refused(response, lambda raw_key, _: self.get(path, raw_key), writing=False)
            return
        assert response.status_code == 200, response.content
        assert (str(public_id) in [item["id"] for item in response.json()["items"]]) is self.allowed

    def sees(self, path: str, public_id: uuid.UUID, marker: str) -> None:
        """One object: a 200 about it when allowed, refused like a missing one otherwise."""
        response = self.ask(lambda raw_key, some_id: self.get(path.format(some_id), raw_key), public_id)
        if self.allowed:
            assert response.status_code == 200, response.content
            assert response.json()["id"] == str(public_id)
            assert marker in response.text

    def writes(self, connection: Connection, deals: list[dict]):
        """POST /deals/batch into `connection`; refused like a missing connection when refused."""

        def batch(raw_key, connection_id):
            return self.post("/deals/batch", {"connection": str(connection_id), "deals": deals}, raw_key)

        return self.ask(batch, connection.public_id, writing=True)


def _row(deal: Deal) -> dict:
    return Deal.objects.filter(pk=deal.pk).values().get()


def deal_list(attempt, deal):
    attempt.finds_in_list("/deals", deal.public_id)


def deal_view(attempt, deal):
    attempt.sees("/deals/{}", deal.public_id, deal.name)


def deal_write(attempt, deal):
    """Update the deal by its connection and external id (same owner and account, a new name)."""
    before = _row(deal)
    values = {"external_id": deal.external_id, "name": RENAMED, "account_name": deal.account_name}

    response = attempt.writes(deal.connection, [{**values, "owner": deal.owner.email}])

    after = _row(deal)
    if attempt.allowed:
        assert response.status_code == 200, response.content
        assert (response.json()["created"], response.json()["changed"]) == (0, 1)
        assert after["name"] == RENAMED
        assert (after["organisation_id"], after["owner_id"]) == (before["organisation_id"], before["owner_id"])
    else:
        assert after == before


def document_list(attempt, document):
    attempt.finds_in_list("/documents", document.public_id)


def document_view(attempt, document):
    attempt.sees("/documents/{}", document.public_id, document.title)


def document_events(attempt, document):
    event = DeliveryEvent.objects.get(document=document)

    response = attempt.ask(
        lambda raw_key, some_id: attempt.get(f"/documents/{some_id}/events", raw_key), document.public_id
    )

    if attempt.allowed:
        assert response.status_code == 200, response.content
        assert [item["id"] for item in response.json()["items"]] == [str(event.public_id)]


def event_list(attempt, event):
    attempt.finds_in_list("/events", event.public_id)


def template_list(attempt, template):
    attempt.finds_in_list("/templates", template.public_id)


def template_view(attempt, template):
    attempt.sees("/templates/{}", template.public_id, template.title)


def connection_write(attempt, connection):
    """Create a deal in the connection."""
    deals_before = Deal.objects.count()

    response = attempt.writes(connection, [{"external_id": "A-NEW", "name": NEW_DEAL}])

    created = Deal.objects.filter(connection=connection, external_id="A-NEW").first()
    if attempt.allowed:
        assert response.status_code == 200, response.content
        assert response.json()["created"] == 1
        assert (created.name, created.organisation_id) == (NEW_DEAL, connection.organisation_id)
    else:
        assert created is None
        assert Deal.objects.count() == deals_before


ACTIONS = {
    "deal": {"list": deal_list, "view": deal_view, "write": deal_write},
    "document_a": {"list": document_list, "view": document_view, "events": document_events},
    "event_a": {"list": event_list},
    "template": {"list": template_list, "view": template_view},
    "connection_a": {"write": connection_write},
}


def _actions_for(kind: str) -> dict:
    return ACTIONS[kind.split("_")[0] if kind.startswith(("deal_", "template_")) else kind]


def test_every_cell_of_the_policy_has_a_way_to_try_it():
    for kind, action in _policy():
        assert action in _actions_for(kind), (kind, action)


@pytest.mark.parametrize(("kind", "action", "key", "allowed"), list(_policy_rows()))
def test_api_access_policy(client, world, kind, action, key, allowed):
    attempt = Attempt(client=client, world=world, key=key, allowed=allowed)

    _actions_for(kind)[action](attempt, world[kind])
