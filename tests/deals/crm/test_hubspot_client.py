"""HubSpotClient against the local fake HubSpot (fake_hubspot.py), which answers as HubSpot documents."""

import json
import socket
import time
from collections import Counter
from datetime import UTC, datetime

import pytest
import urllib3

from deals.crm.base import CrmAuthError, CrmError, CrmRateLimited
from deals.crm.hubspot import HubSpotClient
from deals.models import Connection, Outcome, Source

from .fake_hubspot import START_MS, FakeHubSpot, fixture


@pytest.fixture
def connect(fake_hubspot):
    def make(scope: str = "", token: str | None = None) -> HubSpotClient:
        connection = Connection(name="HubSpot", kind=Source.HUBSPOT, sync_scope=scope)
        return HubSpotClient(connection, {"access_token": token or fake_hubspot.token})

    return make


def read_all(client: HubSpotClient, state: dict | None = None) -> list:
    return list(client.pages(state or {}))


def read_until_failure(client: HubSpotClient, state: dict | None = None) -> tuple[list, CrmError | None]:
    """The pages a sync would have applied before the client failed, and the failure."""
    applied = []
    try:
        for page in client.pages(state or {}):
            applied.append(page)
    except CrmError as error:
        return applied, error
    return applied, None


def ids_of(pages) -> list[str]:
    return [deal.external_id for page in pages for deal in page.deals]


def one_deal(client: HubSpotClient, deal_id: str):
    (deal,) = client.fetch([deal_id])
    return deal


# Who we are -----------------------------------------------------------------------------------------


def test_check_answers_the_portal_id(fake_hubspot, connect):
    fake_hubspot.portal_id = 4471102

    assert connect().check() == "4471102"


# Changes --------------------------------------------------------------------------------------------


def test_a_first_sync_reads_every_deal_once_in_pages_of_a_thousand(fake_hubspot, connect):
    created = fake_hubspot.populate(2450)

    pages = read_all(connect())

    assert [len(page.deals) for page in pages] == [1000, 1000, 450]
    assert sorted(ids_of(pages), key=int) == created


def test_more_deals_than_the_search_cap_are_read_without_loss_or_repeats(fake_hubspot, connect):
    fake_hubspot.search_cap = 250
    created = fake_hubspot.populate(1000)

    pages = read_all(connect())

    assert Counter(ids_of(pages)) == Counter(created)
    assert all("after" not in (request.body or {}) for request in fake_hubspot.searches())


def test_a_sync_resumed_from_a_page_state_neither_loses_nor_repeats_deals(fake_hubspot, connect):
    created = fake_hubspot.populate(2300)
    first = next(connect().pages({}))

    rest = read_all(connect(), first.state)

    assert Counter(ids_of([first, *rest])) == Counter(created)


def test_deals_sharing_a_millisecond_across_search_pages_are_each_read_once(fake_hubspot, connect):
    created = fake_hubspot.populate(1000, same_timestamp=7)

    pages = read_all(connect())

    assert Counter(ids_of(pages)) == Counter(created)


def test_deals_sharing_one_millisecond_beyond_a_search_page_are_each_read_once(fake_hubspot, connect):
    fake_hubspot.search_cap = 250
    same = fake_hubspot.populate(450, same_timestamp=450)
    later = fake_hubspot.populate(50, start_ms=START_MS + 60_000)

    pages = read_all(connect())

    assert Counter(ids_of(pages)) == Counter(same + later)


def test_a_sync_resumed_inside_one_crowded_millisecond_skips_what_it_read(fake_hubspot, connect):
    same = fake_hubspot.populate(1500, same_timestamp=1500)
    later = fake_hubspot.populate(20, start_ms=START_MS + 60_000)
    first = next(connect().pages({}))

    rest = read_all(connect(), first.state)

    assert Counter(ids_of([first, *rest])) == Counter(same + later)


def test_a_deal_changed_while_the_sync_pages_is_read_again_and_none_is_skipped(fake_hubspot, connect):
    created = fake_hubspot.populate(2000)
    pages = connect().pages({})
    first = next(pages)
    for deal_id in created[:3]:
        fake_hubspot.touch(deal_id, dealname=f"Renamed {deal_id}")

    rest = list(pages)

    assert Counter(ids_of([first, *rest])) == Counter(created) + Counter(created[:3])
    renamed = {deal.external_id: deal.name for page in rest for deal in page.deals if deal.name.startswith("Renamed")}
    assert renamed == {deal_id: f"Renamed {deal_id}" for deal_id in created[:3]}


def test_a_later_sync_reads_only_what_changed_since_its_state(fake_hubspot, connect):
    created = fake_hubspot.populate(300)
    state = read_all(connect())[-1].state
    fake_hubspot.touch(created[10], dealname="Acme, signed")

    pages = read_all(connect(), state)

    assert [(deal.external_id, deal.name) for page in pages for deal in page.deals] == [(created[10], "Acme, signed")]


def test_a_deal_changed_moments_before_a_sync_is_read_again_by_the_next(fake_hubspot, connect):
    # HubSpot's search index lags writes: a change saved just before a later one may be indexed after it.
    fake_hubspot.populate(20)
    recent = fake_hubspot.add_deal(modified_ms=int(time.time() * 1000) - 5_000)
    state = read_all(connect())[-1].state

    pages = read_all(connect(), state)

    assert ids_of(pages) == [recent]


def test_a_failure_after_some_pages_loses_nothing_once_resumed_from_the_last_page(fake_hubspot, connect):
    created = fake_hubspot.populate(2600)
    fake_hubspot.fail("server_error", path="/crm/v3/objects/deals/search", after=7)
    applied, failure = read_until_failure(connect())

    rest = read_all(connect(), applied[-1].state)

    assert (len(applied), type(failure)) == (1, CrmError)
    assert Counter(ids_of(applied + rest)) == Counter(created)


# What the values mean -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stage", "outcome"),
    [("closedwon", Outcome.WON), ("closedlost", Outcome.LOST), ("appointmentscheduled", Outcome.OPEN)],
)
def test_the_outcome_comes_from_the_stage_metadata(fake_hubspot, connect, stage, outcome):
    deal_id = fake_hubspot.add_deal(dealstage=stage)

    deal = one_deal(connect(), deal_id)

    assert (deal.stage, deal.outcome) == (stage, outcome)


def test_stages_of_every_pipeline_are_known(fake_hubspot, connect):
    fake_hubspot.add_pipeline(
        "775102",
        "Renewals",
        [("991", "Renewing", False, 0.5), ("992", "Renewed", True, 1.0), ("993", "Churned", True, 0.0)],
    )
    renewed = fake_hubspot.add_deal(pipeline="775102", dealstage="992")
    churned = fake_hubspot.add_deal(pipeline="775102", dealstage="993")

    deals = connect().fetch([renewed, churned])

    assert [deal.outcome for deal in deals] == [Outcome.WON, Outcome.LOST]


def test_owner_emails_come_from_every_page_of_owners(fake_hubspot, connect):
    fake_hubspot.owner_page_max = 2
    owners = [fake_hubspot.add_owner(f"rep{n}@example.com") for n in range(5)]
    gone = fake_hubspot.add_owner("former.rep@example.com", is_archived=True)
    deals = [fake_hubspot.add_deal(hubspot_owner_id=owner) for owner in [*owners, gone]]

    emails = [deal.owner_email for deal in connect().fetch(deals)]

    assert emails == [f"rep{n}@example.com" for n in range(5)] + ["former.rep@example.com"]


def test_amount_currency_segment_and_dates_are_plain_text(fake_hubspot, connect):
    deal_id = fake_hubspot.add_deal(
        amount="1.5E4",
        deal_currency_code="eur",
        dealtype="newbusiness",
        closedate="2024-03-31T16:00:00Z",
        createdate="2024-01-02T09:15:00.000Z",
    )

    deal = one_deal(connect(), deal_id)

    assert (deal.amount, deal.currency, deal.segment) == ("15000", "EUR", "newbusiness")
    assert (deal.close_date, deal.created) == ("2024-03-31", "2024-01-02")


def test_a_deal_without_a_currency_is_in_the_accounts_currency(fake_hubspot, connect):
    deal_id = fake_hubspot.add_deal(amount="2500", deal_currency_code=None)

    deal = one_deal(connect(), deal_id)

    assert (deal.amount, deal.currency) == ("2500", "USD")


def test_dates_are_the_dates_the_accounts_users_see(fake_hubspot, connect):
    # The fake account's time zone is US/Eastern: 02:00 UTC is still the evening before there.
    deal_id = fake_hubspot.add_deal(closedate="2024-04-01T02:00:00Z")

    deal = one_deal(connect(), deal_id)

    assert deal.close_date == "2024-03-31"


def test_a_deal_without_amount_or_owner_has_them_empty(fake_hubspot, connect):
    deal_id = fake_hubspot.add_deal(amount=None, hubspot_owner_id=None)

    deal = one_deal(connect(), deal_id)

    assert (deal.amount, deal.owner_email) == ("", "")


# Scope ----------------------------------------------------------------------------------------------


def test_the_pipeline_scope_keeps_only_its_pipelines(fake_hubspot, connect):
    fake_hubspot.add_pipeline("775102", "Renewals", [("991", "Renewing", False, 0.5)])
    fake_hubspot.populate(30, pipelines=("default",))
    renewals = fake_hubspot.populate(20, pipelines=("775102",), stages=("991",))

    pages = read_all(connect(scope="775102"))

    assert sorted(ids_of(pages), key=int) == renewals


def test_fetch_leaves_out_deals_outside_the_scope(fake_hubspot, connect):
    inside = fake_hubspot.add_deal(pipeline="775102")
    outside = fake_hubspot.add_deal(pipeline="default")

    deals = connect(scope="775102, 775103").fetch([inside, outside])

    assert [deal.external_id for deal in deals] == [inside]


# Deletions ------------------------------------------------------------------------------------------


def test_deals_archived_since_the_last_sync_are_deleted(fake_hubspot, connect):
    fake_hubspot.list_page_max = 2
    created = fake_hubspot.populate(10)
    fake_hubspot.archive(created[0], archived_ms=START_MS)  # long before the first sync
    state = read_all(connect())[-1].state
    for deal_id in created[3:6]:
        fake_hubspot.archive(deal_id)

    pages = read_all(connect(), state)

    assert [page.deleted for page in pages] == [created[3:6]]


def test_a_deletion_is_reported_once(fake_hubspot, connect):
    created = fake_hubspot.populate(10)
    state = read_all(connect())[-1].state
    fake_hubspot.archive(created[4])
    state = read_all(connect(), state)[-1].state

    pages = read_all(connect(), state)

    assert pages == []


def test_a_first_sync_does_not_list_archived_deals(fake_hubspot, connect):
    created = fake_hubspot.populate(10)
    fake_hubspot.archive(created[0])

    read_all(connect())

    assert not [request for request in fake_hubspot.requests if request.path == "/crm/v3/objects/deals"]


# Fetch ----------------------------------------------------------------------------------------------


def test_fetch_reads_the_named_deals_and_leaves_out_the_rest(fake_hubspot, connect):
    created = fake_hubspot.populate(250)
    fake_hubspot.archive(created[1])
    asked = [*created, "999999", "not-a-hubspot-id", created[0]]

    deals = connect().fetch(asked)

    assert [deal.external_id for deal in deals] == [created[0], *created[2:]]
    assert [
        len(request.body["inputs"]) for request in fake_hubspot.requests if request.path.endswith("/batch/read")
    ] == [
        100,
        100,
        51,
    ]


# Write-back -----------------------------------------------------------------------------------------


def test_write_activity_creates_a_note_associated_with_the_deal(fake_hubspot, connect):
    deal_id = fake_hubspot.add_deal()
    occurred = datetime(2024, 3, 1, 10, 0, tzinfo=UTC)

    note_id = connect().write_activity(
        external_id=deal_id, subject="Lastmile: final download", body="Dana downloaded the flyer.", occurred_at=occurred
    )

    note = fake_hubspot.notes[note_id]
    assert note["properties"]["hs_timestamp"] == str(int(occurred.timestamp() * 1000))
    assert note["properties"]["hs_note_body"] == (
        "<p><strong>Lastmile: final download</strong></p><p>Dana downloaded the flyer.</p>"
    )
    assert note["associations"] == [
        {"to": {"id": deal_id}, "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 214}]}
    ]


def test_write_activity_escapes_markup_in_the_note(fake_hubspot, connect):
    deal_id = fake_hubspot.add_deal()

    note_id = connect().write_activity(
        external_id=deal_id,
        subject="<b>Viewed</b>",
        body='<img src=x onerror="alert(1)"> & more\nsecond line',
        occurred_at=datetime(2024, 3, 1, tzinfo=UTC),
    )

    body = fake_hubspot.notes[note_id]["properties"]["hs_note_body"]
    assert body == (
        "<p><strong>&lt;b&gt;Viewed&lt;/b&gt;</strong></p>"
        "<p>&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; more<br>second line</p>"
    )


def test_a_long_note_is_shortened_to_hubspots_limit(fake_hubspot, connect):
    deal_id = fake_hubspot.add_deal()

    note_id = connect().write_activity(
        external_id=deal_id, subject="Viewed", body="<&>" * 30_000, occurred_at=datetime(2024, 3, 1, tzinfo=UTC)
    )

    body = fake_hubspot.notes[note_id]["properties"]["hs_note_body"]
    assert len(body) <= 65_536
    assert body.endswith("…</p>")


def test_a_note_on_a_deal_hubspot_does_not_have_is_refused(fake_hubspot, connect):
    with pytest.raises(CrmError, match=r"HubSpot refused the request \(HTTP 400\)"):
        connect().write_activity(external_id="424242", subject="Viewed", body="", occurred_at=datetime.now(tz=UTC))

    assert fake_hubspot.notes == {}


# Errors ---------------------------------------------------------------------------------------------


def test_a_rate_limit_with_a_long_wait_is_crm_rate_limited_with_retry_after(fake_hubspot, connect):
    fake_hubspot.fail("rate_limit", retry_after="30", path="/account-info")

    with pytest.raises(CrmRateLimited) as raised:
        connect().check()

    assert raised.value.retry_after == 30.0
    assert "Try again in 30 seconds" in str(raised.value)
    assert len(fake_hubspot.requests) == 1


def test_a_rate_limit_with_a_short_wait_is_waited_out(fake_hubspot, connect, monkeypatch):
    waits = []
    monkeypatch.setattr("deals.crm.hubspot.time.sleep", waits.append)
    fake_hubspot.fail("rate_limit", retry_after="2", path="/account-info", times=2)

    portal_id = connect().check()

    assert (portal_id, waits) == ("62515", [2.0, 2.0])


def test_a_rate_limit_without_retry_after_says_when_it_cannot_tell(fake_hubspot, connect):
    fake_hubspot.fail("rate_limit", retry_after=None, policy="DAILY", path="/account-info")

    with pytest.raises(CrmRateLimited, match="daily limit") as raised:
        connect().check()

    assert raised.value.retry_after is None


def test_an_expired_token_is_a_crm_auth_error(fake_hubspot, connect):
    fake_hubspot.is_token_expired = True

    with pytest.raises(
        CrmAuthError, match=r"^The access token was refused: The OAuth token used to make this call expired"
    ):
        connect().check()


def test_a_wrong_token_is_a_crm_auth_error_that_does_not_show_it(fake_hubspot, connect):
    wrong = "pat-na1-99999999-8888-7777-6666-555555555555"

    with pytest.raises(CrmAuthError) as raised:
        read_all(connect(token=wrong))

    assert wrong not in str(raised.value)


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("server_error", r"HubSpot had a problem answering \(HTTP 500\): internal error"),
        ("bad_gateway", r"HubSpot had a problem answering \(HTTP 502\): Bad Gateway"),
        ("malformed", "HubSpot sent an answer that is not the JSON it documents"),
        ("drop", "broke off before it answered"),
    ],
)
def test_failures_are_crm_errors_in_plain_words_without_the_token(fake_hubspot, connect, kind, message):
    fake_hubspot.populate(5)
    fake_hubspot.fail(kind, path="/crm/v3/objects/deals/search")

    with pytest.raises(CrmError, match=message) as raised:
        read_all(connect())

    assert type(raised.value) is CrmError
    assert fake_hubspot.token not in str(raised.value)


def test_a_hubspot_that_does_not_answer_times_out(fake_hubspot, connect):
    fake_hubspot.fail("hang", delay=3.0, path="/account-info")
    client = connect()
    client.timeout = (1.0, 0.3)
    started = time.monotonic()

    with pytest.raises(CrmError, match="did not answer in time"):
        client.check()

    assert time.monotonic() - started < 2.5


def test_a_hubspot_that_cannot_be_reached_is_a_crm_error(settings, connect):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    settings.LASTMILE_HUBSPOT_API_BASE = f"http://127.0.0.1:{port}"

    with pytest.raises(CrmError, match=r"HubSpot \(127\.0\.0\.1:\d+\) could not be reached"):
        connect().check()


# Credentials ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "problem"),
    [
        ({}, "Paste the access token"),
        ({"access_token": "  "}, "Paste the access token"),
        ({"access_token": "pat-na1-1234 5678-90ab-cdef"}, "spaces or line breaks"),
        ({"access_token": "0b7a1c2d-3e4f-5a6b-7c8d-9e0f1a2b3c4d"}, "no longer accepts"),
        ({"access_token": "pat-na1"}, "not a HubSpot access token"),
        (
            {"access_token": "pat-na1-11111111-2222-3333-4444-555555555555", "webhook_client_secret": "a b"},
            "client secret",
        ),
    ],
)
def test_credential_problems_are_named(values, problem):
    problems = HubSpotClient.credential_problems(values)

    assert any(problem in text for text in problems)


def test_a_private_app_token_has_no_problems():
    values = {"access_token": "pat-na1-11111111-2222-3333-4444-555555555555", "webhook_client_secret": "abc-123"}

    assert HubSpotClient.credential_problems(values) == []


def test_a_connection_without_a_token_cannot_make_a_client():
    connection = Connection(name="HubSpot", kind=Source.HUBSPOT)

    with pytest.raises(CrmError, match="no HubSpot access token"):
        HubSpotClient(connection, {})


# The fake itself ------------------------------------------------------------------------------------


def _keys(value) -> object:
    """The shape of a JSON value: dict keys (recursively, first list item standing for all), leaving
    out property values and paging (there when more results follow)."""
    if isinstance(value, dict):
        return {key: _keys(item) for key, item in value.items() if key not in ("properties", "paging")}
    if isinstance(value, list):
        return [_keys(value[0])] if value else []
    return None


@pytest.mark.parametrize(
    ("method", "path", "body", "documented"),
    [
        ("GET", "/account-info/v3/details", None, "account_info_response.json"),
        ("GET", "/crm/v3/pipelines/deals", None, "pipelines_response.json"),
        ("POST", "/crm/v3/objects/deals/search", "search_request.json", "search_response.json"),
        ("POST", "/crm/v3/objects/deals/batch/read", "batch_read_request.json", "batch_read_response_207.json"),
    ],
)
def test_the_fake_answers_in_the_documented_shapes(fake_hubspot, method, path, body, documented):
    fake_hubspot.populate(3, start_ms=START_MS + 86_400_000)
    fake_hubspot.add_deal(deal_id=1001, modified_ms=START_MS + 86_400_000)
    payload = json.dumps(fixture(body)).encode() if body else None

    response = urllib3.request(
        method,
        fake_hubspot.url + path,
        body=payload,
        headers={"Authorization": f"Bearer {fake_hubspot.token}", "Content-Type": "application/json"},
    )

    answer = json.loads(response.data)
    assert _keys(answer) == _keys(fixture(documented))


def test_the_fake_refuses_searches_past_its_cap(fake_hubspot):
    fake = FakeHubSpot(search_cap=250)
    request = {"limit": 200, "after": "250"}

    status, _, body = fake.answer(
        "POST", "/crm/v3/objects/deals/search", {"Authorization": f"Bearer {fake.token}"}, json.dumps(request).encode()
    )

    assert (status, json.loads(body)["category"]) == (400, "VALIDATION_ERROR")
