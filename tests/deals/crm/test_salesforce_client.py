import json
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from deals.credentials import seal
from deals.crm import salesforce
from deals.crm.base import CrmAuthError, CrmError, CrmRateLimited, client_for
from deals.crm.salesforce import SalesforceClient
from deals.models import Outcome, Source

from ...factories.deals import ConnectionFactory
from .fake_salesforce import FIXTURES, ORG_ID, FakeSalesforce, private_key_pem, salesforce_id

DAY_AGO = datetime.now(UTC).replace(microsecond=0) - timedelta(days=1)


def make_client(fake: FakeSalesforce, *, scope: str = "", remote_account_id: str = "", **credentials):
    connection = ConnectionFactory.build(kind=Source.SALESFORCE, sync_scope=scope, remote_account_id=remote_account_id)
    return SalesforceClient(connection, fake.credentials(**credentials))


def read(client: SalesforceClient, state: dict | None = None):
    """Every page of one sync: (deals, deleted ids, the pages)."""
    pages = list(client.pages(state or {}))
    return [deal for page in pages for deal in page.deals], [i for page in pages for i in page.deleted], pages


def soql_of(fake: FakeSalesforce, needle: str) -> list[str]:
    return [query for query in fake.queries if needle in query]


# -- signing in -----------------------------------------------------------------------------------


def test_check_returns_the_organisation_id(fake_salesforce):
    client = make_client(fake_salesforce)

    organisation_id = client.check()

    assert organisation_id == ORG_ID


def test_client_credentials_go_to_the_my_domain_as_basic_auth(fake_salesforce):
    client = make_client(fake_salesforce)

    client.check()

    token_request = fake_salesforce.requests[0]
    assert (token_request.host, token_request.path) == ("acme.my.salesforce.com", "/services/oauth2/token")
    assert token_request.form == {"grant_type": "client_credentials"}
    assert token_request.headers["authorization"].startswith("Basic ")


def test_jwt_bearer_signs_in_at_the_my_domain_with_the_login_audience(fake_salesforce):
    client = make_client(fake_salesforce, auth="jwt")

    organisation_id = client.check()

    token_request = fake_salesforce.requests[0]
    claims = jwt.decode(token_request.form["assertion"], options={"verify_signature": False})
    assert organisation_id == ORG_ID
    assert token_request.host == "acme.my.salesforce.com"
    assert (claims["iss"], claims["sub"], claims["aud"]) == (
        fake_salesforce.client_id,
        fake_salesforce.username,
        "https://login.salesforce.com",
    )


def test_jwt_bearer_for_a_sandbox_uses_the_test_audience(fake_salesforce):
    fake_salesforce.domain = "acme--uat.sandbox.my.salesforce.com"
    client = make_client(fake_salesforce, auth="jwt")

    client.check()

    claims = jwt.decode(fake_salesforce.requests[0].form["assertion"], options={"verify_signature": False})
    assert claims["aud"] == "https://test.salesforce.com"


def test_a_wrong_secret_is_an_auth_error_that_does_not_repeat_it(fake_salesforce):
    client = make_client(fake_salesforce, client_secret="wrong-secret-4f9a2b")

    with pytest.raises(CrmAuthError) as raised:
        client.check()

    assert "invalid_client" in str(raised.value)
    assert "wrong-secret-4f9a2b" not in str(raised.value)


def test_a_private_key_the_app_does_not_know_is_an_auth_error(fake_salesforce):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    client = make_client(fake_salesforce, auth="jwt", private_key=other_key.decode())

    with pytest.raises(CrmAuthError) as raised:
        client.check()

    assert "invalid assertion" in str(raised.value)
    assert "PRIVATE KEY" not in str(raised.value)


def test_client_for_opens_a_connection_with_sealed_credentials(db, fake_salesforce):
    connection = ConnectionFactory(
        kind=Source.SALESFORCE, credentials_sealed=seal(fake_salesforce.credentials(auth="jwt"))
    )

    client = client_for(connection)

    assert isinstance(client, SalesforceClient)
    assert client.check() == ORG_ID


# -- credentials --------------------------------------------------------------------------------


@pytest.mark.parametrize("auth", ["client_credentials", "jwt"])
def test_complete_credentials_have_no_problems(auth):
    values = FakeSalesforce().credentials(auth=auth)

    problems = SalesforceClient.credential_problems(values)

    assert problems == []


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"auth": "password"}, "Choose how Lastmile signs in"),
        ({"domain": "acme.lightning.force.com"}, "is not a My Domain host"),
        ({"domain": "login.salesforce.com"}, "is not a My Domain host"),
        ({"domain": "acme.my.salesforce.com.evil.example"}, "is not a My Domain host"),
        ({"client_id": ""}, "consumer key"),
        ({"client_secret": ""}, "need the connected app's consumer secret"),
        ({"auth": "jwt", "username": "", "private_key": private_key_pem()}, "needs the username"),
        ({"auth": "jwt", "username": "a@b.example", "private_key": ""}, "needs the private key"),
        ({"auth": "jwt", "username": "a@b.example", "private_key": "-----BEGIN"}, "not a PEM private key"),
    ],
)
def test_credential_problems_say_what_is_wrong(changes, problem):
    values = FakeSalesforce().credentials() | changes

    problems = SalesforceClient.credential_problems(values)

    assert any(problem in text for text in problems), problems


def test_a_my_domain_given_as_a_url_is_accepted():
    values = FakeSalesforce().credentials(domain="https://Acme.my.salesforce.com/")

    problems = SalesforceClient.credential_problems(values)

    assert problems == []


def test_incomplete_credentials_refuse_to_make_a_client():
    connection = ConnectionFactory.build(kind=Source.SALESFORCE)

    with pytest.raises(CrmAuthError, match="consumer secret"):
        SalesforceClient(
            connection, {"auth": "client_credentials", "domain": "acme.my.salesforce.com", "client_id": "x"}
        )


# -- changes -----------------------------------------------------------------------------------


def test_one_page_follows_every_next_records_url_batch(fake_salesforce):
    fake_salesforce.batch_size = 3
    ids = [fake_salesforce.add() for _ in range(8)]
    client = make_client(fake_salesforce)

    deals, _, pages = read(client)

    assert [deal.external_id for deal in deals] == ids
    assert len([page for page in pages if page.deals]) == 1
    assert len([r for r in fake_salesforce.requests if "/query/01g" in r.path]) == 2


def test_pages_resume_from_the_last_record_read(fake_salesforce, monkeypatch):
    monkeypatch.setattr(salesforce, "PAGE_SIZE", 5)
    ids = [fake_salesforce.add() for _ in range(12)]
    client = make_client(fake_salesforce)

    deals, _, pages = read(client)

    assert [deal.external_id for deal in deals] == ids
    assert [len(page.deals) for page in pages if page.deals] == [5, 5, 2]
    assert pages[-1].state["id"] == ids[-1]


def test_records_sharing_one_modstamp_across_page_boundaries_are_neither_lost_nor_repeated(
    fake_salesforce, monkeypatch
):
    monkeypatch.setattr(salesforce, "PAGE_SIZE", 4)
    fake_salesforce.batch_size = 3
    before = fake_salesforce.add(modstamp=DAY_AGO - timedelta(seconds=1))
    same = [fake_salesforce.add(modstamp=DAY_AGO) for _ in range(10)]
    after = fake_salesforce.add(modstamp=DAY_AGO + timedelta(seconds=1))
    client = make_client(fake_salesforce)

    deals, _, _ = read(client)

    assert [deal.external_id for deal in deals] == [before, *same, after]


def test_a_later_sync_reads_only_what_changed_since_its_state(fake_salesforce):
    first, second = fake_salesforce.add(), fake_salesforce.add()
    client = make_client(fake_salesforce)
    _, _, pages = read(client)
    fake_salesforce.update(first, StageName="Closed Won", IsClosed=True, IsWon=True)

    deals, _, _ = read(make_client(fake_salesforce), pages[-1].state)

    assert [(deal.external_id, deal.outcome) for deal in deals] == [(first, Outcome.WON)]
    assert second not in [deal.external_id for deal in deals]


def test_a_change_stamped_before_the_last_read_but_committed_after_is_read_again(fake_salesforce):
    now = datetime.now(UTC)
    fake_salesforce.add(modstamp=now - timedelta(seconds=10))
    _, _, pages = read(make_client(fake_salesforce))
    late = fake_salesforce.add(modstamp=now - timedelta(seconds=40))

    deals, _, _ = read(make_client(fake_salesforce), pages[-1].state)

    assert late in [deal.external_id for deal in deals]


def test_a_sync_that_fails_after_some_pages_resumes_without_losing_any(fake_salesforce, monkeypatch):
    monkeypatch.setattr(salesforce, "PAGE_SIZE", 3)
    ids = [fake_salesforce.add() for _ in range(10)]
    failure = fake_salesforce.fail_after_pages(2)
    applied, pages = [], make_client(fake_salesforce).pages({})
    with pytest.raises(CrmError):
        applied.extend(pages)
    failure.times = 0

    deals, _, _ = read(make_client(fake_salesforce), applied[-1].state)

    read_before = [deal.external_id for page in applied for deal in page.deals]
    assert read_before == ids[:6]
    assert read_before + [deal.external_id for deal in deals] == ids


@pytest.mark.parametrize(
    ("is_closed", "is_won", "outcome"),
    [(False, False, Outcome.OPEN), (True, True, Outcome.WON), (True, False, Outcome.LOST)],
)
def test_outcome_follows_is_closed_and_is_won(fake_salesforce, is_closed, is_won, outcome):
    fake_salesforce.add(stage="Whatever the org calls it", is_closed=is_closed, is_won=is_won)

    deals, _, _ = read(make_client(fake_salesforce))

    assert (deals[0].stage, deals[0].outcome) == ("Whatever the org calls it", outcome)


def test_an_opportunity_becomes_a_remote_deal_in_text(fake_salesforce):
    opportunity_id = fake_salesforce.add(
        name="Fjord fleet renewal",
        account="Fjord Maritime ASA",
        owner_email="dana@acme.example",
        amount=125000,
        close_date="2024-09-30",
        created=datetime(2024, 5, 2, 8, 15, tzinfo=UTC),
        type="New Customer",
    )

    deals, _, _ = read(make_client(fake_salesforce))

    deal = deals[0]
    assert deal.external_id == opportunity_id
    assert (deal.name, deal.account_name, deal.owner_email, deal.segment) == (
        "Fjord fleet renewal",
        "Fjord Maritime ASA",
        "dana@acme.example",
        "New Customer",
    )
    assert (deal.amount, deal.close_date, deal.created) == ("125000.00", "2024-09-30", "2024-05-02")


def test_an_opportunity_without_account_or_amount_has_empty_text(fake_salesforce):
    fake_salesforce.add(account=None, amount=None, type=None)

    deals, _, _ = read(make_client(fake_salesforce))

    assert (deals[0].account_name, deals[0].amount, deals[0].segment) == ("", "", "")


def test_a_single_currency_org_gives_every_deal_its_currency(fake_salesforce):
    fake_salesforce.currency = "NOK"
    fake_salesforce.add(amount=8000.5)

    deals, _, _ = read(make_client(fake_salesforce))

    assert (deals[0].amount, deals[0].currency) == ("8000.50", "NOK")
    assert not [query for query in soql_of(fake_salesforce, "FROM Opportunity") if "CurrencyIsoCode" in query]


def test_a_multi_currency_org_gives_each_deal_its_own_currency(fake_salesforce):
    fake_salesforce.multicurrency = True
    fake_salesforce.add(currency="USD")
    fake_salesforce.add(currency="GBP")

    deals, _, _ = read(make_client(fake_salesforce))

    assert [deal.currency for deal in deals] == ["USD", "GBP"]
    assert not soql_of(fake_salesforce, "DefaultCurrencyIsoCode")


def test_the_record_type_scope_limits_the_deals(fake_salesforce):
    fake_salesforce.record_types = ("Enterprise", "Partner", "O'Brien's")
    enterprise = fake_salesforce.add(record_type="Enterprise")
    fake_salesforce.add(record_type="Partner")
    obriens = fake_salesforce.add(record_type="O'Brien's")

    deals, _, _ = read(make_client(fake_salesforce, scope="Enterprise, O'Brien's"))

    assert [deal.external_id for deal in deals] == [enterprise, obriens]
    assert "RecordType.Name IN ('Enterprise','O\\'Brien\\'s')" in fake_salesforce.queries[-1]


def test_a_scope_in_an_org_without_record_types_is_a_plain_error(fake_salesforce):
    fake_salesforce.add()
    client = make_client(fake_salesforce, scope="Enterprise")

    with pytest.raises(CrmError, match="no opportunity record types"):
        read(client)


def test_credentials_of_another_org_are_refused(fake_salesforce):
    fake_salesforce.add()
    client = make_client(fake_salesforce, remote_account_id="00D000000000001AAA")

    with pytest.raises(CrmAuthError, match="00D000000000001AAA"):
        read(client)


# -- deletions ----------------------------------------------------------------------------------


def test_the_first_sync_starts_the_deletion_clock_without_asking(fake_salesforce):
    opportunity_id = fake_salesforce.add()
    fake_salesforce.delete(fake_salesforce.add(), at=DAY_AGO)

    deals, deleted, pages = read(make_client(fake_salesforce))

    assert [deal.external_id for deal in deals] == [opportunity_id]
    assert deleted == []
    assert pages[0].state["deleted_since"] <= datetime.now(UTC).isoformat()
    assert not [request for request in fake_salesforce.requests if "/deleted/" in request.path]


def test_deletions_since_the_last_sync_come_before_the_changes(fake_salesforce):
    gone = fake_salesforce.add()
    fake_salesforce.delete(gone, at=datetime.now(UTC) - timedelta(hours=1))
    state = {"deleted_since": (datetime.now(UTC) - timedelta(days=1)).isoformat()}

    _, deleted, pages = read(make_client(fake_salesforce), state)

    assert pages[0].deleted == deleted == [gone]
    assert pages[0].state["deleted_since"] > state["deleted_since"]


def test_a_deletion_window_older_than_salesforce_keeps_starts_within_30_days(fake_salesforce):
    gone = fake_salesforce.add()
    fake_salesforce.delete(gone, at=datetime.now(UTC) - timedelta(days=2))
    state = {"deleted_since": (datetime.now(UTC) - timedelta(days=45)).isoformat()}

    _, deleted, _ = read(make_client(fake_salesforce), state)

    assert deleted == [gone]


# -- fetch -------------------------------------------------------------------------------------


def test_fetch_asks_for_at_most_200_ids_a_query(fake_salesforce):
    fake_salesforce.populate(450)
    ids = fake_salesforce.ids()

    deals = make_client(fake_salesforce).fetch(ids)

    assert sorted(deal.external_id for deal in deals) == sorted(ids)
    assert [query.count("'006") for query in soql_of(fake_salesforce, "Id IN")] == [200, 200, 50]


def test_fetch_skips_malformed_ids_and_leaves_out_unknown_ones(fake_salesforce):
    known = fake_salesforce.add()
    unknown = salesforce_id("006", "Ex", 999)

    deals = make_client(fake_salesforce).fetch(["x' OR Name != '", known[:15], unknown, ""])

    assert [deal.external_id for deal in deals] == [known]
    assert "x\\' OR" not in " ".join(fake_salesforce.queries)


# -- write-back --------------------------------------------------------------------------------


def test_write_activity_creates_a_completed_task_on_the_opportunity(fake_salesforce):
    opportunity_id = fake_salesforce.add()
    client = make_client(fake_salesforce)

    task_id = client.write_activity(
        external_id=opportunity_id,
        subject="Lastmile: one-pager downloaded\nby Dana",
        body="Dana downloaded the approved one-pager.",
        occurred_at=datetime(2024, 5, 14, 10, 0, tzinfo=UTC),
    )

    assert fake_salesforce.tasks == [
        {
            "Id": task_id,
            "WhatId": opportunity_id,
            "Subject": "Lastmile: one-pager downloaded by Dana",
            "Description": "Dana downloaded the approved one-pager.",
            "Status": "Completed",
            "ActivityDate": "2024-05-14",
            "Type": "Other",
        }
    ]


def test_write_activity_cuts_the_subject_to_255_characters_and_uses_the_chosen_type(fake_salesforce):
    opportunity_id = fake_salesforce.add()
    client = make_client(fake_salesforce, task_type="Email")

    client.write_activity(external_id=opportunity_id, subject="x" * 300, body="", occurred_at=DAY_AGO)

    assert (len(fake_salesforce.tasks[0]["Subject"]), fake_salesforce.tasks[0]["Type"]) == (255, "Email")


def test_write_activity_on_an_opportunity_salesforce_does_not_have_is_a_plain_error(fake_salesforce):
    client = make_client(fake_salesforce)

    with pytest.raises(CrmError, match="INVALID_CROSS_REFERENCE_KEY"):
        client.write_activity(external_id=salesforce_id("006", "Ex", 5), subject="s", body="b", occurred_at=DAY_AGO)


# -- failures ----------------------------------------------------------------------------------


def test_too_many_requests_is_rate_limited_with_retry_after(fake_salesforce):
    fake_salesforce.fail("rate_limited", retry_after="42")
    client = make_client(fake_salesforce)

    with pytest.raises(CrmRateLimited) as raised:
        client.check()

    assert raised.value.retry_after == 42


def test_an_exhausted_api_allowance_is_rate_limited(fake_salesforce):
    fake_salesforce.fail("request_limit")
    client = make_client(fake_salesforce)

    with pytest.raises(CrmRateLimited, match="used up its Salesforce API requests"):
        client.check()


def test_an_expired_session_signs_in_again_and_carries_on(fake_salesforce):
    fake_salesforce.add()
    client = make_client(fake_salesforce)
    client.check()
    fake_salesforce.expire_sessions()

    deals, _, _ = read(client)

    assert len(deals) == 1
    assert fake_salesforce.logins == 2


def test_a_session_refused_after_signing_in_again_is_an_auth_error(fake_salesforce):
    fake_salesforce.fail("expired_session", times=2)
    client = make_client(fake_salesforce)

    with pytest.raises(CrmAuthError, match="even after signing in again"):
        client.check()

    assert fake_salesforce.logins == 2


@pytest.mark.parametrize(
    ("kind", "message"),
    [("server_error", "a problem on its side (HTTP 500)"), ("malformed", "something other than what it documents")],
)
def test_a_broken_answer_is_a_plain_error_without_credentials(fake_salesforce, kind, message):
    fake_salesforce.fail(kind)
    client = make_client(fake_salesforce)

    with pytest.raises(CrmError) as raised:
        client.check()

    assert message in str(raised.value)
    assert fake_salesforce.client_secret not in str(raised.value)
    assert "!" not in str(raised.value)  # no access token (they read 00D…!…)
    assert raised.value.__cause__ is None


def test_a_sign_in_server_error_is_not_an_auth_error(fake_salesforce):
    fake_salesforce.fail("server_error", on="token")
    client = make_client(fake_salesforce)

    with pytest.raises(CrmError) as raised:
        client.check()

    assert not isinstance(raised.value, CrmAuthError)
    assert "sign-in had a problem on its side (HTTP 500)" in str(raised.value)


def test_salesforce_not_answering_in_time_is_a_plain_error(fake_salesforce, monkeypatch):
    monkeypatch.setattr(salesforce, "TIMEOUT", (2, 0.2))
    fake_salesforce.fail("slow", delay=1)
    client = make_client(fake_salesforce)

    with pytest.raises(CrmError, match="did not answer within"):
        client.check()


def test_salesforce_out_of_reach_is_a_plain_error(fake_salesforce):
    client = make_client(fake_salesforce)
    fake_salesforce.stop()

    with pytest.raises(CrmError, match="could not reach Salesforce at acme.my.salesforce.com"):
        client.check()


# -- the fake itself ---------------------------------------------------------------------------


def recorded_body(name: str):
    return json.loads((FIXTURES / name).read_text())["response"]["body"]


def test_the_fake_answers_in_the_recorded_shapes(fake_salesforce):
    fake_salesforce.batch_size = 1
    opportunity_id = fake_salesforce.add()
    fake_salesforce.add()
    client = make_client(fake_salesforce)

    read(client, {"deleted_since": DAY_AGO.isoformat()})
    client.write_activity(external_id=opportunity_id, subject="s", body="b", occurred_at=DAY_AGO)

    def answer(test) -> dict:
        return next(request.response for request in fake_salesforce.requests if test(request))

    answers = {
        "token_client_credentials.json": answer(lambda request: request.path.endswith("/token")),
        "query.json": answer(lambda request: "FROM Opportunity" in request.query.get("q", "")),
        "query_more.json": answer(lambda request: "/query/01g" in request.path),
        "deleted.json": answer(lambda request: "/deleted/" in request.path),
        "task_create.json": answer(lambda request: request.path.endswith("/Task/")),
    }
    for name, body in answers.items():
        recorded = recorded_body(name)
        assert body.keys() == recorded.keys(), name
        if "records" in recorded:
            assert body["records"][0].keys() == recorded["records"][0].keys(), name
            assert body["records"][0]["Account"].keys() == recorded["records"][0]["Account"].keys(), name
