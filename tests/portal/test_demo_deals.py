import pytest

from deals.models import Deal, Outcome, Stage
from deals.services.stages import stage_for
from portal.demo.deals import load_deals

from ..factories.accounts import OrganisationFactory, UserFactory, partner_member


@pytest.fixture
def demo_users(db):
    organisation = OrganisationFactory(name="Brightpath Partners")
    return {
        "rep": UserFactory(username="rep"),
        "partner": partner_member(organisation, username="partner"),
        "partnermanager": partner_member(organisation, username="partnermanager"),
    }


def test_demo_deals_load_twice_without_duplicates(demo_users):
    load_deals(demo_users, {})
    first = (Deal.objects.count(), Stage.objects.count())

    load_deals(demo_users, {})

    assert (Deal.objects.count(), Stage.objects.count()) == first
    assert first[0] >= 5


def test_demo_deals_take_their_outcome_from_the_company_stages(demo_users):
    deals = load_deals(demo_users, {})

    for deal in deals:
        assert deal.outcome == (deal.stage.category if deal.stage else Outcome.OPEN)
    won = Deal.objects.get(name__startswith="Alder Health")
    assert won.outcome == Outcome.WON


def test_partner_demo_deals_belong_to_their_organisation(demo_users):
    load_deals(demo_users, {})

    deal = Deal.objects.get(owner=demo_users["partner"])
    assert deal.organisation == demo_users["partner"].organisation


def test_the_demo_connection_maps_salesforce_labels(demo_users):
    deals = load_deals(demo_users, {})
    connection = next(deal.connection for deal in deals if deal.connection_id)

    assert stage_for(connection, "Needs Analysis").name == "Qualification"
    assert Deal.objects.filter(owner__isnull=True).exclude(unresolved_owner="").exists()
