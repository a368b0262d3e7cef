"""Template performance over the hand-built dataset in conftest.py; every expected number is
derived in the dataset's docstring."""

from decimal import Decimal

import pytest

from reports.filters import Comparison, ReportFilters
from reports.models import ReportSettings
from reports.selectors.performance import template_performance
from reports.stats import Stratum, mantel_haenszel_counts, mantel_haenszel_difference, wilson_interval

from .conftest import day

pytestmark = pytest.mark.django_db

WINDOW = ReportFilters(start=day(1, 1), end=day(6, 30))


def report(filters=WINDOW, **settings):
    return template_performance(filters, settings=ReportSettings(**settings))


def row_for(result, template):
    return next(row for row in result.rows if row.key == template.pk)


def test_a_template_counts_the_closed_deals_that_used_it_before_closing(dataset):
    a = row_for(report(), dataset.templates["A"])

    assert (a.won, a.lost, a.closed) == (2, 1, 3)  # d1, d5 won; d2 lost; d6 closed outside the window


def test_a_download_after_the_deal_closed_does_not_count(dataset):
    b = row_for(report(), dataset.templates["B"])

    assert (b.won, b.lost) == (1, 0)  # d1 only: d4 got B after it closed


def test_open_deals_are_pending_not_in_the_rate(dataset):
    a = row_for(report(), dataset.templates["A"])

    assert a.pending == 1
    assert a.rate.n == 3


def test_the_win_rate_carries_its_wilson_interval(dataset):
    a = row_for(report(), dataset.templates["A"])

    assert a.interval == wilson_interval(2, 3)


def test_no_template_is_the_closed_deals_that_used_nothing_before_closing(dataset):
    a = row_for(report(), dataset.templates["A"])

    versus = a.versus[Comparison.NO_TEMPLATE]
    assert (versus.wins, versus.n) == (1, 2)  # d3 won, d4 lost (its only use came after closing)


def test_other_templates_are_the_deals_that_used_another_template_but_not_this_one(dataset):
    a = row_for(report(), dataset.templates["A"])

    versus = a.versus[Comparison.OTHER_TEMPLATES]
    assert (versus.wins, versus.n) == (2, 2)  # d8, d9 (P); d1 used A as well as B


def test_a_deal_that_used_two_templates_counts_for_both(dataset):
    result = report()

    assert row_for(result, dataset.templates["A"]).won == 2
    assert row_for(result, dataset.templates["B"]).won == 1


def test_a_never_used_template_is_not_a_performance_row(dataset):
    assert dataset.templates["N"].pk not in {row.key for row in report().rows}


def test_a_deleted_document_still_counts_for_its_template(dataset):
    b = row_for(report(), dataset.templates["B"])

    assert b.activity.downloads == 2  # both deliveries of the deleted document
    assert b.won == 1


def test_revenue_is_won_amount_per_currency(dataset):
    a = row_for(report(), dataset.templates["A"])

    assert a.revenue == {"EUR": Decimal("12500.00"), "USD": Decimal("40000.00")}


def test_events_outside_the_window_are_not_activity(dataset):
    a = row_for(report(), dataset.templates["A"])

    assert a.activity.downloads == 4  # 1 Feb, 1 Mar, 10 Mar, 1 Apr; not October 2025


def test_activity_counts_distinct_deals_and_people(dataset):
    a = row_for(report(), dataset.templates["A"])

    assert (a.activity.deals, a.activity.users, a.activity.organisations) == (4, 1, 0)


def test_a_perfect_rate_on_two_deals_is_greyed_and_not_ranked(dataset):
    result = report()
    p = row_for(result, dataset.templates["P"])

    assert (p.won, p.closed) == (2, 2)
    assert p.too_few
    assert p.rank is None
    assert result.rows[0].rank is None or result.rows[0].key != p.key


def test_below_the_threshold_nothing_is_judged_or_compared(dataset):
    result = report()

    assert result.compared == {Comparison.NO_TEMPLATE: 0, Comparison.OTHER_TEMPLATES: 0}
    assert all(not c.verdict for row in result.rows for c in row.versus.values())


def test_with_a_low_threshold_ranking_uses_the_intervals_lower_bound(dataset):
    result = report(min_closed_deals=1)

    ranked = [row.key for row in result.rows if row.rank is not None]
    # Lower bounds: P 2/2 0.342, A 2/3 0.208, B 1/1 0.207.
    assert ranked == [dataset.templates[name].pk for name in "PAB"]


def test_the_region_filter_keeps_that_regions_deals(dataset):
    filters = ReportFilters(start=day(1, 1), end=day(6, 30), region_ids=(dataset.regions["north"].pk,))

    a = row_for(report(filters), dataset.templates["A"])

    assert (a.won, a.lost) == (1, 1)  # d1, d2; d5 is in the south
    assert a.versus[Comparison.NO_TEMPLATE].n == 0  # d3 and d4 are in the south


def test_holding_region_equal_skips_a_stratum_with_an_empty_group(dataset):
    filters = ReportFilters(start=day(1, 1), end=day(6, 30), adjust=("region",))

    a = row_for(report(filters), dataset.templates["A"])

    # North: A 1/2 against no template 0/0 (skipped); south: A 1/1 against 1/2.
    expected = mantel_haenszel_difference([Stratum(a=1, n1=2, c=0, n0=0), Stratum(a=1, n1=1, c=1, n0=2)])
    found = a.versus[Comparison.NO_TEMPLATE].adjusted_difference
    assert found.value == pytest.approx(expected.value)
    assert (found.interval.low, found.interval.high) == pytest.approx((expected.interval.low, expected.interval.high))
    assert expected.value == pytest.approx(0.5)


def test_without_adjustment_there_is_no_adjusted_estimate(dataset):
    a = row_for(report(), dataset.templates["A"])

    assert a.versus[Comparison.NO_TEMPLATE].adjusted_ratio is None


def test_the_databases_mantel_haenszel_sums_match_the_python_ones_for_every_factor(dataset):
    """Region north/south, segment, owner and size band: the sums the database adds up give the
    estimates reports.stats gives from the same strata, worked out by hand from the dataset."""
    filters = ReportFilters(start=day(1, 1), end=day(6, 30), adjust=("size", "region", "segment", "owner"))

    a = row_for(report(filters), dataset.templates["A"])

    # Strata (size, region, segment, owner): d1 EUR north, d2 EUR north, d5 USD south; no template:
    # d3 and d4 EUR south. Only A's south-USD stratum could compare, and no template has none there.
    assert a.versus[Comparison.NO_TEMPLATE].adjusted_difference is None
    # Other templates: d8, d9 (EUR ≤ 50000, north) share d1 and d2's stratum: A 1/2 against 2/2.
    expected_ratio, expected_difference = mantel_haenszel_counts([(1, 2, 2, 2)])
    found = a.versus[Comparison.OTHER_TEMPLATES]
    assert found.adjusted_difference.value == pytest.approx(expected_difference.value)
    assert found.adjusted_ratio.value == pytest.approx(expected_ratio.value)


def test_holding_equal_on_a_revision_gives_the_templates_figures_when_it_has_one_revision(dataset):
    from reports.selectors.performance import revision_performance

    filters = ReportFilters(start=day(1, 1), end=day(6, 30), adjust=("region",))
    template = dataset.templates["A"]

    (revision,) = revision_performance(template, filters, settings=ReportSettings())
    a = row_for(report(filters), template)

    assert revision.versus[Comparison.NO_TEMPLATE].adjusted_difference.value == pytest.approx(
        a.versus[Comparison.NO_TEMPLATE].adjusted_difference.value
    )
