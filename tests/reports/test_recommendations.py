"""Template recommendations for an open deal: what did best in closed deals like it, with its
evidence, ranked by the Wilson lower bound, never a template the people involved may not use."""

import datetime
from decimal import Decimal

from django.utils import timezone

import pytest

from deals.models import Outcome, TemplateDealUse
from reports.models import ReportSettings
from reports.selectors.recommendations import recommendations_for_deal, size_band_of
from reports.stats import wilson_interval

from ..factories.accounts import OrganisationFactory, RegionFactory, UserFactory, partner_member
from ..factories.deals import DealFactory
from ..factories.templates_lib import make_template

pytestmark = pytest.mark.django_db

CLOSED_ON = datetime.date(2026, 3, 31)
BEFORE = datetime.date(2026, 3, 1)
AFTER = datetime.date(2026, 4, 15)


@pytest.fixture
def north(db):
    return RegionFactory(name="North", code="north")


@pytest.fixture
def templates(brand_kit):
    return {name: make_template(title=f"Template {name}") for name in "ABC"}


def settings(minimum=3):
    return ReportSettings(min_closed_deals=minimum, deal_size_bands="10000, 50000, 250000")


def open_deal(owner, region, **kwargs):
    fields = {"segment": "Retail", "amount": Decimal("20000"), "currency": "EUR"} | kwargs
    return DealFactory(owner=owner, region=region, **fields)


def use(template, deal, on=BEFORE):
    moment = timezone.make_aware(datetime.datetime.combine(on, datetime.time(12)))
    return TemplateDealUse.objects.create(
        template=template, deal=deal, first_used_on=on, first_used_at=moment, last_used_at=moment, deliveries=1
    )


def closed_deals(template, wins, n, *, region, owner=None, used_on=BEFORE, **kwargs):
    """n closed deals like the open one (wins of them won), each of which used `template`."""
    fields = {"segment": "Retail", "amount": Decimal("30000"), "currency": "EUR"} | kwargs
    deals = []
    for i in range(n):
        outcome = Outcome.WON if i < wins else Outcome.LOST
        deal = DealFactory(owner=owner or UserFactory(), region=region, outcome=outcome, close_date=CLOSED_ON, **fields)
        if template is not None:
            use(template, deal, on=used_on)
        deals.append(deal)
    return deals


def titles(result):
    return [item.template.title for item in result.items]


def test_templates_rank_by_the_wilson_lower_bound_not_the_raw_rate(rep, north, templates):
    deal = open_deal(rep, north)
    closed_deals(templates["A"], 4, 5, region=north)  # 80%, lower bound 0.38
    closed_deals(templates["B"], 9, 12, region=north)  # 75%, lower bound 0.47

    result = recommendations_for_deal(deal, viewer=rep, settings=settings())

    assert result.is_judged
    assert titles(result) == ["Template B", "Template A"]


def test_each_recommendation_carries_n_wins_and_the_wilson_interval(rep, north, templates):
    deal = open_deal(rep, north)
    closed_deals(templates["B"], 9, 12, region=north)

    (item,) = recommendations_for_deal(deal, viewer=rep, settings=settings()).items

    assert (item.wins, item.n) == (9, 12)
    assert item.interval == wilson_interval(9, 12)


def test_a_template_with_fewer_closed_deals_than_the_threshold_is_not_judged(rep, north, templates):
    deal = open_deal(rep, north)
    closed_deals(templates["A"], 2, 2, region=north)
    closed_deals(templates["B"], 1, 4, region=north)

    result = recommendations_for_deal(deal, viewer=rep, settings=settings(minimum=3))

    assert titles(result) == ["Template B"]


def test_only_similar_deals_count(rep, north, templates):
    deal = open_deal(rep, north)
    closed_deals(templates["A"], 1, 3, region=north)
    closed_deals(templates["A"], 5, 5, region=north, segment="Healthcare")
    closed_deals(templates["A"], 5, 5, region=RegionFactory(name="South", code="south"))
    closed_deals(templates["A"], 5, 5, region=north, amount=Decimal("60000"))  # another size band
    closed_deals(templates["A"], 5, 5, region=north, currency="USD")  # sizes never compared across currencies

    result = recommendations_for_deal(deal, viewer=rep, settings=settings())

    assert (result.items[0].wins, result.items[0].n) == (1, 3)
    assert (result.similar_won, result.similar_closed) == (1, 3)


def test_a_use_after_the_deal_closed_does_not_count(rep, north, templates):
    deal = open_deal(rep, north)
    closed_deals(templates["A"], 3, 3, region=north, used_on=AFTER)
    closed_deals(templates["B"], 1, 3, region=north)

    result = recommendations_for_deal(deal, viewer=rep, settings=settings())

    assert titles(result) == ["Template B"]


def test_too_few_similar_closed_deals_says_so_and_falls_back_to_the_most_used(rep, north, templates):
    deal = open_deal(rep, north)
    closed_deals(templates["A"], 1, 1, region=north)
    for _ in range(2):
        use(templates["B"], open_deal(UserFactory(), north))

    result = recommendations_for_deal(deal, viewer=rep, settings=settings(minimum=10))

    assert not result.is_judged
    assert result.similar_closed == 1
    assert [(item.template.title, item.used_by) for item in result.items] == [("Template B", 2), ("Template A", 1)]


def test_a_retired_template_is_never_recommended(rep, north, templates):
    deal = open_deal(rep, north)
    closed_deals(templates["A"], 3, 3, region=north)
    closed_deals(templates["B"], 1, 3, region=north)
    templates["A"].__class__.objects.filter(pk=templates["A"].pk).update(retired_at=timezone.now())

    result = recommendations_for_deal(deal, viewer=rep, settings=settings())

    assert titles(result) == ["Template B"]


def test_an_expired_template_is_never_recommended(rep, north, templates):
    deal = open_deal(rep, north)
    closed_deals(templates["A"], 3, 3, region=north)
    closed_deals(templates["B"], 1, 3, region=north)
    templates["A"].__class__.objects.filter(pk=templates["A"].pk).update(
        expire_at=timezone.now() - datetime.timedelta(minutes=1)
    )

    result = recommendations_for_deal(deal, viewer=rep, settings=settings())

    assert titles(result) == ["Template B"]


def test_a_template_outside_the_viewers_audience_is_never_recommended(rep, north, templates):
    deal = open_deal(rep, north)
    closed_deals(templates["A"], 3, 3, region=north)
    closed_deals(templates["B"], 1, 3, region=north)
    templates["A"].__class__.objects.filter(pk=templates["A"].pk).update(audience_internal=False)

    result = recommendations_for_deal(deal, viewer=rep, settings=settings())

    assert titles(result) == ["Template B"]


def test_a_template_the_deals_owner_may_not_use_is_not_recommended_to_an_analyst(analyst, north, templates):
    partner = partner_member(OrganisationFactory(name="Partner", tier=None), username="owner")
    deal = open_deal(partner, north)
    closed_deals(templates["A"], 3, 3, region=north)

    result = recommendations_for_deal(deal, viewer=analyst, settings=settings())

    assert result.items == []


def test_a_partners_figures_never_include_another_organisations_deals(manager, partner_organisation, north, templates):
    deal = open_deal(manager, north)
    other = partner_member(OrganisationFactory(name="Other partner"), username="other")
    closed_deals(None, 5, 5, region=north, owner=other)
    ours = partner_member(partner_organisation, username="colleague")
    closed_deals(None, 1, 3, region=north, owner=ours)

    result = recommendations_for_deal(deal, viewer=manager, settings=settings())

    assert (result.similar_won, result.similar_closed) == (1, 3)


def test_a_closed_deal_gets_no_recommendations(rep, north):
    deal = open_deal(rep, north, outcome=Outcome.WON, close_date=CLOSED_ON)

    assert recommendations_for_deal(deal, viewer=rep, settings=settings()) is None


def test_a_deal_without_segment_amount_or_region_matches_every_closed_deal(rep, templates):
    deal = DealFactory(owner=rep, segment="", amount=None, region=None)
    closed_deals(templates["A"], 1, 3, region=None, segment="Anything")

    result = recommendations_for_deal(deal, viewer=rep, settings=settings())

    assert result.criteria == []
    assert result.similar_closed == 3


def test_a_template_already_sent_to_the_deal_is_flagged(rep, north, templates):
    deal = open_deal(rep, north)
    closed_deals(templates["A"], 1, 3, region=north)
    use(templates["A"], deal)

    (item,) = recommendations_for_deal(deal, viewer=rep, settings=settings()).items

    assert item.already_sent


def test_the_number_of_queries_does_not_grow_with_the_data(rep, north, templates, django_assert_max_num_queries):
    deal = open_deal(rep, north)
    for template in templates.values():
        closed_deals(template, 2, 4, region=north)

    with django_assert_max_num_queries(8):
        recommendations_for_deal(deal, viewer=rep, settings=settings())


@pytest.mark.parametrize(
    ("amount", "band"),
    [
        (Decimal("5"), (None, Decimal("10000"))),
        (Decimal("10000"), (None, Decimal("10000"))),
        (Decimal("10000.01"), (Decimal("10000"), Decimal("50000"))),
        (Decimal("250000"), (Decimal("50000"), Decimal("250000"))),
        (Decimal("900000"), (Decimal("250000"), None)),
    ],
)
def test_size_bands_are_upper_edges_inclusive(amount, band):
    assert size_band_of(amount, [Decimal("10000"), Decimal("50000"), Decimal("250000")]) == band


def test_the_fallback_never_offers_a_retired_template(rep, north, templates):
    deal = open_deal(rep, north)
    use(templates["A"], open_deal(UserFactory(), north))
    use(templates["B"], open_deal(UserFactory(), north))
    templates["A"].__class__.objects.filter(pk=templates["A"].pk).update(retired_at=timezone.now())

    result = recommendations_for_deal(deal, viewer=rep, settings=settings())

    assert not result.is_judged
    assert titles(result) == ["Template B"]


def test_many_similar_deals_are_counted_the_same_through_a_subquery(rep, north, templates, monkeypatch):
    from reports.selectors import recommendations

    deal = open_deal(rep, north)
    closed_deals(templates["A"], 2, 4, region=north)
    closed_deals(templates["B"], 1, 3, region=north, used_on=AFTER)
    listed = recommendations_for_deal(deal, viewer=rep, settings=settings())

    monkeypatch.setattr(recommendations, "LISTED_IDS", 2)
    through_subquery = recommendations_for_deal(deal, viewer=rep, settings=settings())

    assert through_subquery == listed
    assert [(item.template.title, item.wins, item.n) for item in listed.items] == [("Template A", 2, 4)]
