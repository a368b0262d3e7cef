import pytest

from deals.models import ApiAccess
from deals.services.api_keys import api_key_create

from ...factories.accounts import OrganisationFactory, partner_member
from ...factories.deals import DealFactory


class ApiClient:
    """The test client speaking to /api/v1/ with one key."""

    def __init__(self, client, raw_key: str | None) -> None:
        self.client, self.raw_key = client, raw_key

    def _headers(self, headers: dict) -> dict:
        auth = {"HTTP_AUTHORIZATION": f"Bearer {self.raw_key}"} if self.raw_key else {}
        return {**auth, **{f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items()}}

    def get(self, path: str, params: dict | None = None, **headers):
        return self.client.get(f"/api/v1{path}", params or {}, **self._headers(headers))

    def post(self, path: str, body, **headers):
        data = body if isinstance(body, str | bytes) else __import__("json").dumps(body, default=str)
        return self.client.post(f"/api/v1{path}", data, content_type="application/json", **self._headers(headers))


@pytest.fixture
def other_organisation(db):
    return OrganisationFactory(name="Other Partner GmbH")


@pytest.fixture
def company_key(db):
    return api_key_create(name="Warehouse", access=ApiAccess.READ_WRITE)


@pytest.fixture
def partner_key(partner_organisation):
    return api_key_create(name="Partner CRM", access=ApiAccess.READ_WRITE, organisation=partner_organisation)


@pytest.fixture
def read_key(db):
    return api_key_create(name="Read only", access=ApiAccess.READ)


@pytest.fixture
def company_api(client, company_key):
    return ApiClient(client, company_key[1])


@pytest.fixture
def partner_api(client, partner_key):
    return ApiClient(client, partner_key[1])


@pytest.fixture
def read_api(client, read_key):
    return ApiClient(client, read_key[1])


@pytest.fixture
def anonymous_api(client):
    return ApiClient(client, None)


@pytest.fixture
def partner_deal(partner_organisation):
    return DealFactory(owner=partner_member(partner_organisation), name="Partner deal")


@pytest.fixture
def other_deal(other_organisation):
    return DealFactory(owner=partner_member(other_organisation), name="Other partner's deal")


@pytest.fixture
def internal_deal(rep):
    return DealFactory(owner=rep, name="Internal deal")
