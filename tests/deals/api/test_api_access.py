import pytest

from deals.models import Deal
from deals.services.api_keys import api_key_revoke

pytestmark = pytest.mark.django_db


def test_no_key_is_a_401_problem(anonymous_api):
    response = anonymous_api.get("/deals")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 401
    assert response["WWW-Authenticate"] == "Bearer"


def test_a_revoked_key_is_a_401(company_api, company_key):
    api_key_revoke(api_key=company_key[0])
    assert company_api.get("/deals").status_code == 401


def test_a_company_key_lists_every_organisations_deals(company_api, partner_deal, other_deal, internal_deal):
    names = {deal["name"] for deal in company_api.get("/deals").json()["items"]}
    assert names == {"Partner deal", "Other partner's deal", "Internal deal"}


def test_a_partner_key_lists_only_its_organisations_deals(partner_api, partner_deal, other_deal, internal_deal):
    names = [deal["name"] for deal in partner_api.get("/deals").json()["items"]]
    assert names == ["Partner deal"]


def test_another_organisations_deal_is_a_404_for_a_partner_key(partner_api, other_deal):
    response = partner_api.get(f"/deals/{other_deal.public_id}")
    assert response.status_code == 404
    assert response.json()["title"] == "Not found"


def test_a_partner_key_reads_its_own_deal(partner_api, partner_deal):
    body = partner_api.get(f"/deals/{partner_deal.public_id}").json()
    assert body["name"] == "Partner deal"
    assert body["documents"] == []
    assert body["events"] == []


def test_a_partner_key_cannot_write_into_a_company_connection(partner_api):
    from ...factories.deals import ConnectionFactory

    connection = ConnectionFactory(name="Salesforce", kind="salesforce")
    body = {"connection": str(connection.public_id), "deals": [{"external_id": "X1", "name": "Sneaky"}]}
    response = partner_api.post("/deals/batch", body)
    assert response.status_code == 404
    assert not Deal.objects.filter(external_id="X1").exists()


def test_a_read_key_cannot_write(read_api):
    response = read_api.post("/deals/batch", {"deals": [{"external_id": "X1", "name": "Nope"}]})
    assert response.status_code == 403
    assert not Deal.objects.exists()


def test_a_partner_keys_deals_belong_to_its_organisation(partner_api, partner_organisation):
    response = partner_api.post("/deals/batch", {"deals": [{"external_id": "P-1", "name": "From the partner CRM"}]})
    assert response.status_code == 200, response.content
    deal = Deal.objects.get(external_id="P-1")
    assert deal.organisation == partner_organisation
    assert deal.connection.organisation == partner_organisation
    assert deal.source == "api"


def test_a_key_is_throttled_with_retry_after(company_api, settings):
    settings.LASTMILE_API_RATE = "2/m"
    statuses = [company_api.get("/deals").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    response = company_api.get("/deals")
    assert int(response["Retry-After"]) > 0
    assert response.json()["status"] == 429


def test_the_schema_and_docs_are_served_from_the_portal(client):
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    assert "/api/v1/deals/batch" in schema.json()["paths"]
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    assert b"cdn." not in docs.content
    assert b"unpkg" not in docs.content


def test_api_answers_are_never_cached(company_api, internal_deal):
    assert company_api.get("/deals")["Cache-Control"] == "private, no-store"
