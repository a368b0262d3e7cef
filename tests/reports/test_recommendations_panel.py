"""The recommendations panel on a deal's page: the evidence in words, a link to start a document,
and an honest "too few to judge"."""

from decimal import Decimal

from django.urls import reverse

import pytest

from deals.models import Outcome

from ..factories.accounts import RegionFactory, UserFactory
from ..factories.deals import DealFactory
from ..factories.templates_lib import make_template
from .test_recommendations import CLOSED_ON, closed_deals, use

pytestmark = pytest.mark.django_db


@pytest.fixture
def north(db):
    return RegionFactory(name="North", code="north")


def deal_page(client, deal):
    return client.get(reverse("portal:deal-detail", args=[deal.public_id])).content.decode()


def test_the_panel_shows_the_evidence_and_a_link_to_start_a_document(rep_client, rep, north, brand_kit):
    template = make_template(title="Fleet case study")
    deal = DealFactory(owner=rep, region=north, segment="Retail", amount=Decimal("20000"), currency="EUR")
    closed_deals(template, 9, 12, region=north)

    text = deal_page(rep_client, deal)

    assert "Recommended templates" in text
    assert "won 9 of 12 similar deals (75%, 95% interval 47%–91%)" in text
    assert reverse("portal:template-personalise", args=[template.public_id]) in text
    assert "segment Retail, size EUR 10,000–50,000, region North" in text


def test_too_few_similar_closed_deals_says_so_and_shows_what_was_used_most(rep_client, rep, north, brand_kit):
    template = make_template(title="Breakfast flyer")
    deal = DealFactory(owner=rep, region=north, segment="Retail", amount=Decimal("20000"), currency="EUR")
    closed_deals(template, 1, 2, region=north)
    use(template, DealFactory(owner=UserFactory(), region=north, segment="Retail", amount=Decimal("30000")))

    text = deal_page(rep_client, deal)

    assert "Too few similar closed deals to judge (2; 10 needed)" in text
    assert "Breakfast flyer" in text
    assert "used for 3 similar deals" in text


def test_a_closed_deal_has_no_panel(rep_client, rep):
    deal = DealFactory(owner=rep, outcome=Outcome.WON, close_date=CLOSED_ON)

    assert "Recommended templates" not in deal_page(rep_client, deal)


def test_a_template_title_with_markup_is_shown_as_text(rep_client, rep, north, brand_kit):
    template = make_template(title="<b>Bold</b> claims")
    deal = DealFactory(owner=rep, region=north, segment="Retail", amount=Decimal("20000"), currency="EUR")
    closed_deals(template, 1, 1, region=north)

    text = deal_page(rep_client, deal)

    assert "<b>Bold</b>" not in text
    assert "&lt;b&gt;Bold&lt;/b&gt; claims" in text
