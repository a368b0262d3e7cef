import json

import pytest

from deals.api.idempotency import request_fingerprint
from deals.models import Deal, IdempotentRequest

from ...factories.deals import ConnectionFactory, company_stages, map_stage

pytestmark = pytest.mark.django_db


def deal_row(external_id="OPP-1", **values):
    return {"external_id": external_id, "name": f"Renewal {external_id}", "account_name": "Fjord ASA", **values}


def test_a_batch_creates_deals_in_the_keys_api_connection(company_api):
    response = company_api.post("/deals/batch", {"deals": [deal_row("A"), deal_row("B")]})
    assert response.status_code == 200
    body = response.json()
    assert (body["created"], body["changed"], body["unchanged"]) == (2, 0, 0)
    assert body["connection"]["name"] == "API"
    assert set(Deal.objects.values_list("external_id", flat=True)) == {"A", "B"}


def test_sending_the_same_batch_again_changes_nothing(company_api):
    company_api.post("/deals/batch", {"deals": [deal_row("A")]})
    body = company_api.post("/deals/batch", {"deals": [deal_row("A")]}).json()
    assert (body["created"], body["changed"], body["unchanged"]) == (0, 0, 1)
    assert Deal.objects.count() == 1


def test_a_changed_value_updates_the_deal(company_api):
    company_api.post("/deals/batch", {"deals": [deal_row("A", amount="100.00", currency="EUR")]})
    body = company_api.post("/deals/batch", {"deals": [deal_row("A", amount="250.50", currency="EUR")]}).json()
    assert body["changed"] == 1
    assert str(Deal.objects.get(external_id="A").amount) == "250.50"


def test_the_stage_goes_through_the_connections_mapping(company_api, db):
    stages = company_stages()
    connection = ConnectionFactory(name="Salesforce", kind="salesforce")
    map_stage(connection, "Closed Won", stages["won"])
    body = {
        "connection": str(connection.public_id),
        "deals": [deal_row("006000000000001AAA", stage="Closed Won", close_date="2026-11-30")],
    }
    assert company_api.post("/deals/batch", body).status_code == 200
    deal = Deal.objects.get()
    assert (deal.outcome, str(deal.close_date), deal.connection) == ("won", "2026-11-30", connection)


def test_one_bad_deal_refuses_the_whole_batch_and_says_where(company_api):
    response = company_api.post("/deals/batch", {"deals": [deal_row("A"), deal_row("B", currency="XXQ", amount="5")]})
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert [(e["index"], e["field"]) for e in errors] == [(1, "currency")]
    assert not Deal.objects.exists()


def test_an_unmapped_stage_is_refused(company_api):
    response = company_api.post("/deals/batch", {"deals": [deal_row("A", stage="Negotiation/Review")]})
    assert response.status_code == 422
    assert "not mapped" in response.json()["errors"][0]["message"]


def test_the_same_id_twice_in_a_batch_is_refused(company_api):
    response = company_api.post("/deals/batch", {"deals": [deal_row("A"), deal_row("A")]})
    assert response.status_code == 422
    assert not Deal.objects.exists()


def test_a_batch_over_the_limit_is_refused(company_api, settings):
    settings.LASTMILE_API_BATCH_MAX = 2
    response = company_api.post("/deals/batch", {"deals": [deal_row(str(n)) for n in range(3)]})
    assert response.status_code == 422
    assert "At most 2" in response.json()["detail"]
    assert not Deal.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        "{not json",
        {"deals": []},
        {"deals": [{"name": "no id"}]},
        {"deals": [deal_row("A", amount="lots")]},
        {"deals": [deal_row("A", name="x" * 301)]},
        {"deals": [deal_row("A", close_date="31/11/2026")]},
        {"connection": "not-a-uuid", "deals": [deal_row("A")]},
    ],
)
def test_malformed_input_is_a_clear_4xx_and_writes_nothing(company_api, body):
    response = company_api.post("/deals/batch", body)
    assert response.status_code in (400, 422)
    assert response["Content-Type"] == "application/problem+json"
    assert not Deal.objects.exists()


def test_markup_in_a_deal_is_kept_as_text(company_api):
    company_api.post("/deals/batch", {"deals": [deal_row("A", name="<script>alert(1)</script>")]})
    listed = company_api.get("/deals").json()["items"][0]
    assert listed["name"] == "<script>alert(1)</script>"


# Idempotency-Key ---------------------------------------------------------------------------------


def test_a_repeated_idempotency_key_returns_the_stored_response(company_api):
    first = company_api.post("/deals/batch", {"deals": [deal_row("A")]}, **{"Idempotency-Key": "k-1"})
    again = company_api.post("/deals/batch", {"deals": [deal_row("A")]}, **{"Idempotency-Key": "k-1"})
    assert again.status_code == first.status_code == 200
    assert again.json() == first.json()  # "created": 1 again, not "unchanged": 1
    assert again["Idempotent-Replayed"] == "true"


def test_the_same_idempotency_key_with_another_body_is_a_422(company_api):
    company_api.post("/deals/batch", {"deals": [deal_row("A")]}, **{"Idempotency-Key": "k-1"})
    response = company_api.post("/deals/batch", {"deals": [deal_row("B")]}, **{"Idempotency-Key": "k-1"})
    assert response.status_code == 422
    assert not Deal.objects.filter(external_id="B").exists()


def test_a_repeat_while_the_first_runs_is_a_409(company_api, company_key):
    raw = json.dumps({"deals": [deal_row("A")]})
    fingerprint = request_fingerprint("POST", "/api/v1/deals/batch", raw.encode())
    IdempotentRequest.objects.create(api_key=company_key[0], key="k-1", fingerprint=fingerprint)
    response = company_api.post("/deals/batch", raw, **{"Idempotency-Key": "k-1"})
    assert response.status_code == 409
    assert not Deal.objects.exists()


def test_idempotency_keys_are_per_api_key(company_api, partner_api):
    company_api.post("/deals/batch", {"deals": [deal_row("A")]}, **{"Idempotency-Key": "k-1"})
    response = partner_api.post("/deals/batch", {"deals": [deal_row("A")]}, **{"Idempotency-Key": "k-1"})
    assert response.status_code == 200
    assert "Idempotent-Replayed" not in response
    assert Deal.objects.count() == 2


def test_a_key_older_than_a_day_runs_again(company_api, settings):
    from datetime import timedelta

    from django.utils import timezone

    company_api.post("/deals/batch", {"deals": [deal_row("A")]}, **{"Idempotency-Key": "k-1"})
    IdempotentRequest.objects.update(created_at=timezone.now() - timedelta(hours=25))
    response = company_api.post("/deals/batch", {"deals": [deal_row("A")]}, **{"Idempotency-Key": "k-1"})
    assert "Idempotent-Replayed" not in response
    assert response.json()["unchanged"] == 1


def test_an_overlong_idempotency_key_is_a_400(company_api):
    response = company_api.post("/deals/batch", {"deals": [deal_row("A")]}, **{"Idempotency-Key": "k" * 256})
    assert response.status_code == 400
    assert not Deal.objects.exists()
