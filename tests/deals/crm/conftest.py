import pytest

from .fake_hubspot import FakeHubSpot
from .fake_salesforce import FakeSalesforce


@pytest.fixture
def fake_salesforce():
    """A local Salesforce org that every SalesforceClient made in the test talks to; configure it
    (multicurrency, record_types, batch_size) by making another FakeSalesforce(...) in the test."""
    with FakeSalesforce() as fake, fake.routing():
        yield fake


@pytest.fixture
def fake_hubspot(settings):
    """A local HubSpot (tests/deals/crm/fake_hubspot.py) that every HubSpotClient made in the test
    talks to (LASTMILE_HUBSPOT_API_BASE points at it); its token is `fake_hubspot.token`. Add deals
    with add_deal()/populate(), owners with add_owner(); set search_cap, owner_page_max or
    list_page_max on it to make HubSpot's limits small; fail() switches on a failure."""
    with FakeHubSpot() as fake:
        settings.LASTMILE_HUBSPOT_API_BASE = fake.url
        yield fake
