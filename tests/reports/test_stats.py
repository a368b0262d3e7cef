import math
from statistics import NormalDist

import pytest

from reports.stats import (
    Z95,
    BetaPrior,
    Estimate,
    Interval,
    Rate,
    Stratum,
    benjamini_hochberg,
    fit_beta_prior,
    katz_ratio,
    mantel_haenszel_difference,
    mantel_haenszel_ratio,
    median,
    newcombe_difference,
    percentile,
    shrunken_rate,
    two_sided_p_difference,
    wilson_interval,
)

Z90 = NormalDist().inv_cdf(0.95)

# University Group Diabetes Program (1970), deaths from all causes by age, tolbutamide against placebo, as
# tabulated in Rothman, Epidemiology: An Introduction, 2nd ed. (2012), Table 10-3 (the example the R package
# fmsb gives for RRMH and RDMH), also used in Rothman, Greenland & Lash, Modern Epidemiology, 3rd ed., ch. 15.
# Rothman works this example with 90% intervals. Age < 55: 8/106 vs 5/120; age 55+: 22/98 vs 16/85.
TOLBUTAMIDE_BY_AGE = [Stratum(a=8, n1=106, c=5, n0=120), Stratum(a=22, n1=98, c=16, n0=85)]


def four_decimals(interval: Interval | None) -> tuple[float, float]:
    assert interval is not None
    return round(interval.low, 4), round(interval.high, 4)


# Wilson score interval -----------------------------------------------------------------------------------


# Newcombe RG (1998), "Two-sided confidence intervals for the single proportion: comparison of seven methods",
# Stat Med 17:857-872, Table I, method 3 (score interval without continuity correction): published values.
@pytest.mark.parametrize(
    ("x", "n", "expected"),
    [
        (81, 263, (0.2553, 0.3662)),
        (15, 148, (0.0624, 0.1605)),
        (0, 20, (0.0, 0.1611)),
        (1, 29, (0.0061, 0.1718)),
    ],
)
def test_wilson_reproduces_newcombe_1998_table_1(x, n, expected):
    assert four_decimals(wilson_interval(x, n)) == expected


def test_wilson_is_none_without_deals():
    assert wilson_interval(0, 0) is None


def test_wilson_lower_bound_is_exactly_zero_with_no_wins():
    interval = wilson_interval(0, 7)

    assert interval is not None
    assert interval.low == 0.0


def test_wilson_upper_bound_is_exactly_one_when_every_deal_is_won():
    interval = wilson_interval(7, 7)

    assert interval is not None
    assert interval.high == 1.0


def test_wilson_rejects_more_wins_than_deals():
    with pytest.raises(ValueError, match="wins"):
        wilson_interval(5, 4)


# Rate ----------------------------------------------------------------------------------------------------


def test_rate_value_is_wins_over_closed_deals():
    assert Rate(wins=3, n=4).value == 0.75


def test_rate_without_deals_has_no_value_and_no_interval():
    rate = Rate(wins=0, n=0)

    assert rate.value is None
    assert rate.wilson() is None


def test_rate_wilson_is_the_wilson_interval_of_its_counts():
    assert Rate(wins=81, n=263).wilson() == wilson_interval(81, 263)


def test_rate_rejects_negative_wins():
    with pytest.raises(ValueError, match="wins"):
        Rate(wins=-1, n=3)


# Newcombe difference -------------------------------------------------------------------------------------


# Newcombe RG (1998), "Interval estimation for the difference between independent proportions: comparison of
# eleven methods", Stat Med 17:873-890, Table II, examples (a) to (h), method 10: published values.
@pytest.mark.parametrize(
    ("a", "n1", "c", "n0", "expected"),
    [
        (56, 70, 48, 80, (0.0524, 0.3339)),
        (9, 10, 3, 10, (0.1705, 0.8090)),
        (6, 7, 2, 7, (0.0582, 0.8062)),
        (5, 56, 0, 29, (-0.0381, 0.1926)),
        (0, 10, 0, 20, (-0.1611, 0.2775)),
        (0, 10, 0, 10, (-0.2775, 0.2775)),
        (10, 10, 0, 20, (0.6791, 1.0)),
        (10, 10, 0, 10, (0.6075, 1.0)),
    ],
)
def test_newcombe_reproduces_newcombe_1998_table_2(a, n1, c, n0, expected):
    assert four_decimals(newcombe_difference(a, n1, c, n0).interval) == expected


def test_newcombe_value_is_the_difference_of_rates():
    # Newcombe 1998, Table II example (a): 56/70 - 48/80 = 0.8 - 0.6.
    assert newcombe_difference(56, 70, 48, 80).value == pytest.approx(0.2)


@pytest.mark.parametrize(("n1", "n0"), [(0, 10), (10, 0)])
def test_newcombe_is_none_when_a_group_is_empty(n1, n0):
    assert newcombe_difference(0, n1, 0, n0) is None


# Katz ratio ----------------------------------------------------------------------------------------------


def test_katz_interval_matches_hand_computation():
    # Hand-derived: RR = (10/20)/(5/20) = 2; Var(ln RR) = 1/10 - 1/20 + 1/5 - 1/20 = 0.2;
    # 1.959964 * sqrt(0.2) = 0.876523; 2 * exp(-0.876523) = 0.8325, 2 * exp(0.876523) = 4.8051.
    estimate = katz_ratio(10, 20, 5, 20)

    assert estimate.value == pytest.approx(2.0)
    assert four_decimals(estimate.interval) == (0.8325, 4.8051)


@pytest.mark.parametrize(
    ("a", "n1", "c", "n0"),
    [(0, 20, 5, 20), (10, 20, 0, 20), (0, 0, 5, 20), (10, 20, 0, 0)],
)
def test_katz_is_undefined_without_wins_in_a_group(a, n1, c, n0):
    assert katz_ratio(a, n1, c, n0) is None


def test_katz_has_no_interval_when_every_deal_is_won_in_both_groups():
    assert katz_ratio(5, 5, 8, 8) == Estimate(value=1.0, interval=None)


# Mantel-Haenszel ratio -----------------------------------------------------------------------------------


def test_mantel_haenszel_ratio_on_tolbutamide_data():
    # Hand-derived from the STATS.md formulas (the book's printed limits could not be checked here):
    # R = 8*120/226 + 22*85/183 = 4.247788 + 10.218579 = 14.466367
    # S = 5*106/226 + 16*98/183 = 2.345133 + 8.568306 = 10.913439; RR = 14.466367/10.913439 = 1.3256
    # (rounds to the 1.33 Rothman reports; the crude RR is (30/204)/(21/205) = 1.44).
    # GR numerator = (13*106*120 - 8*5*226)/226^2 + (38*98*85 - 22*16*183)/183^2
    #              = 156320/51076 + 252124/33489 = 3.060537 + 7.528562 = 10.589099
    # Var(ln RR) = 10.589099/(14.466367*10.913439) = 0.067071; 1.644854*sqrt(0.067071) = 0.425987;
    # 90% interval 1.325555*exp(-0.425987) = 0.8658, 1.325555*exp(0.425987) = 2.0296.
    estimate = mantel_haenszel_ratio(TOLBUTAMIDE_BY_AGE, z=Z90)

    assert round(estimate.value, 4) == 1.3256
    assert four_decimals(estimate.interval) == (0.8658, 2.0296)


def test_mantel_haenszel_ratio_of_one_stratum_is_the_katz_ratio():
    # With one stratum the Greenland-Robins variance reduces algebraically to 1/a - 1/n1 + 1/c - 1/n0.
    estimate = mantel_haenszel_ratio([Stratum(a=10, n1=20, c=5, n0=20)])
    katz = katz_ratio(10, 20, 5, 20)

    assert estimate.value == pytest.approx(katz.value)
    assert estimate.interval.low == pytest.approx(katz.interval.low)
    assert estimate.interval.high == pytest.approx(katz.interval.high)


def test_mantel_haenszel_ratio_skips_strata_with_an_empty_group():
    with_empty = [*TOLBUTAMIDE_BY_AGE, Stratum(a=3, n1=4, c=0, n0=0), Stratum(a=0, n1=0, c=2, n0=9)]

    assert mantel_haenszel_ratio(s for s in with_empty) == mantel_haenszel_ratio(TOLBUTAMIDE_BY_AGE)


@pytest.mark.parametrize(
    "strata",
    [[], [Stratum(a=3, n1=4, c=0, n0=0), Stratum(a=0, n1=0, c=2, n0=9)]],
    ids=["no strata", "only empty groups"],
)
def test_mantel_haenszel_ratio_is_none_without_informative_strata(strata):
    assert mantel_haenszel_ratio(strata) is None


@pytest.mark.parametrize(
    "strata",
    [[Stratum(a=4, n1=10, c=0, n0=10)], [Stratum(a=0, n1=10, c=4, n0=10)]],
    ids=["no comparison wins", "no template wins"],
)
def test_mantel_haenszel_ratio_is_none_when_a_sum_is_zero(strata):
    assert mantel_haenszel_ratio(strata) is None


# Mantel-Haenszel difference ------------------------------------------------------------------------------


def test_mantel_haenszel_difference_on_tolbutamide_data():
    # Hand-derived from the STATS.md formulas (the book's printed limits could not be checked here):
    # w = 106*120/226 + 98*85/183 = 56.283186 + 45.519126 = 101.802312
    # sum of w*(a/n1 - c/n0) = (8*120 - 5*106)/226 + (22*85 - 16*98)/183 = 1.902655 + 1.650273 = 3.552928
    # d = 3.552928/101.802312 = 0.0349 (the 0.035 Rothman reports; the crude difference is 0.0446).
    # P = (56180 - 115200 + 89040)/51076 + (153664 - 158950 - 54145)/33489 = 0.587752 - 1.774642 = -1.186891
    # Q = (8*115 + 5*98)/452 + (22*69 + 16*76)/366 = 3.119469 + 7.469945 = 10.589414
    # Var = (0.034900*(-1.186891) + 10.589414)/101.802312^2 = 10.547992/10363.7106 = 0.00101778;
    # 1.644854*sqrt(0.00101778) = 0.052475; 90% interval (-0.0176, 0.0874).
    estimate = mantel_haenszel_difference(TOLBUTAMIDE_BY_AGE, z=Z90)

    assert round(estimate.value, 4) == 0.0349
    assert four_decimals(estimate.interval) == (-0.0176, 0.0874)


def test_mantel_haenszel_difference_of_one_stratum_has_the_wald_interval():
    # With one stratum Sato's variance reduces to p1(1 - p1)/n1 + p0(1 - p0)/n0.
    wald_half_width = Z95 * math.sqrt(0.8 * 0.2 / 70 + 0.6 * 0.4 / 80)

    estimate = mantel_haenszel_difference([Stratum(a=56, n1=70, c=48, n0=80)])

    assert estimate.value == pytest.approx(0.2)
    assert estimate.interval.low == pytest.approx(0.2 - wald_half_width)
    assert estimate.interval.high == pytest.approx(0.2 + wald_half_width)


def test_mantel_haenszel_difference_skips_strata_with_an_empty_group():
    with_empty = [*TOLBUTAMIDE_BY_AGE, Stratum(a=3, n1=4, c=0, n0=0)]

    assert mantel_haenszel_difference(with_empty) == mantel_haenszel_difference(TOLBUTAMIDE_BY_AGE)


def test_mantel_haenszel_difference_is_none_when_every_stratum_has_an_empty_group():
    assert mantel_haenszel_difference([Stratum(a=3, n1=4, c=0, n0=0)]) is None


def test_mantel_haenszel_difference_is_defined_without_comparison_wins():
    estimate = mantel_haenszel_difference([Stratum(a=4, n1=10, c=0, n0=10)])

    assert estimate.value == pytest.approx(0.4)
    assert estimate.interval is not None


def test_stratum_rejects_more_wins_than_deals():
    with pytest.raises(ValueError, match="wins"):
        Stratum(a=1, n1=2, c=3, n0=2)


# Two-sided p-value ---------------------------------------------------------------------------------------


def test_p_value_matches_hand_computation():
    # Hand-derived: pooled rate (56 + 48)/150 = 0.693333; z = 0.2/sqrt(0.693333*0.306667*(1/70 + 1/80)) = 2.6502;
    # p = 2*(1 - Phi(2.6502)) = 0.0080.
    assert round(two_sided_p_difference(56, 70, 48, 80), 4) == 0.0080


def test_p_value_equals_pearson_chi_square_without_continuity_correction():
    observed = [56, 14, 48, 32]
    expected = [70 * 104 / 150, 70 * 46 / 150, 80 * 104 / 150, 80 * 46 / 150]
    chi_square = sum((o - e) ** 2 / e for o, e in zip(observed, expected, strict=True))

    p_value = two_sided_p_difference(56, 70, 48, 80)

    assert p_value == pytest.approx(2 * NormalDist().cdf(-math.sqrt(chi_square)))


@pytest.mark.parametrize(("a", "c"), [(0, 0), (10, 20)], ids=["nothing won", "everything won"])
def test_p_value_is_one_when_the_pooled_rate_is_zero_or_one(a, c):
    assert two_sided_p_difference(a, 10, c, 20) == 1.0


def test_p_value_is_none_when_a_group_is_empty():
    assert two_sided_p_difference(0, 0, 5, 20) is None


# Benjamini-Hochberg --------------------------------------------------------------------------------------


def test_benjamini_hochberg_reproduces_the_1995_example():
    # Benjamini & Hochberg (1995), J R Stat Soc B 57:289-300, section 4.2: at q = 0.05 the procedure
    # rejects the four hypotheses with the smallest p-values (0.0095 <= 4*0.05/15; 0.0201 > 5*0.05/15 ...).
    p_values = [0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459]
    p_values += [0.3240, 0.4262, 0.5719, 0.6528, 0.7590, 1.000]

    assert benjamini_hochberg(p_values, q=0.05) == [True] * 4 + [False] * 11


def test_benjamini_hochberg_keeps_the_input_order():
    assert benjamini_hochberg([0.5, 0.001, 0.2], q=0.10) == [False, True, False]


def test_benjamini_hochberg_steps_up_past_a_failing_smaller_p_value():
    # 0.04 > 1*0.05/2 but 0.04 <= 2*0.05/2: both are discoveries.
    assert benjamini_hochberg([0.04, 0.04], q=0.05) == [True, True]


def test_benjamini_hochberg_does_not_count_none_in_m():
    # With m = 2, 0.04 <= 2*0.05/2 is a discovery; counting the None (m = 3) it would not be (0.04 > 0.0333).
    assert benjamini_hochberg([0.01, None, 0.04], q=0.05) == [True, False, True]


def test_benjamini_hochberg_of_only_none_finds_nothing():
    assert benjamini_hochberg([None, None]) == [False, False]


def test_benjamini_hochberg_of_nothing_is_empty():
    assert benjamini_hochberg([]) == []


# Empirical-Bayes shrinkage -------------------------------------------------------------------------------


def test_beta_prior_matches_the_moments_of_the_rates():
    # Rates 0.2, 0.4, 0.6, 0.8: mean 0.5, population variance 0.05; alpha + beta = 0.25/0.05 - 1 = 4.
    rates = [Rate(2, 10), Rate(4, 10), Rate(6, 10), Rate(8, 10)]

    prior = fit_beta_prior(rates)

    assert prior.alpha == pytest.approx(2.0)
    assert prior.beta == pytest.approx(2.0)


def test_beta_prior_ignores_templates_without_deals():
    with_empty = [Rate(2, 10), Rate(4, 10), Rate(6, 10), Rate(8, 10), Rate(0, 0)]

    assert fit_beta_prior(with_empty) == fit_beta_prior(with_empty[:4])


@pytest.mark.parametrize(
    "rates",
    [
        [Rate(3, 10)],
        [Rate(3, 10), Rate(0, 0)],
        [Rate(3, 10), Rate(6, 20)],
        [Rate(0, 5), Rate(5, 5)],
    ],
    ids=["one template", "one template with deals", "zero variance", "variance at its maximum"],
)
def test_beta_prior_is_none_when_the_moments_give_no_beta(rates):
    assert fit_beta_prior(rates) is None


def test_shrinkage_ranks_two_of_two_below_ninety_of_a_hundred():
    two_of_two, ninety_of_hundred = Rate(2, 2), Rate(90, 100)
    prior = fit_beta_prior([two_of_two, ninety_of_hundred, Rate(3, 10), Rate(5, 10), Rate(1, 5)])

    assert shrunken_rate(two_of_two, prior) < shrunken_rate(ninety_of_hundred, prior)
    assert two_of_two.value > ninety_of_hundred.value


def test_shrunken_rate_is_the_posterior_mean():
    assert shrunken_rate(Rate(3, 10), BetaPrior(alpha=2.0, beta=6.0)) == pytest.approx(5 / 18)


def test_shrunken_rate_without_a_prior_is_the_raw_rate():
    assert shrunken_rate(Rate(3, 10), None) == pytest.approx(0.3)


def test_shrunken_rate_without_a_prior_or_deals_is_none():
    assert shrunken_rate(Rate(0, 0), None) is None


# Percentiles ---------------------------------------------------------------------------------------------


def test_percentile_interpolates_linearly_like_percentile_cont():
    # percentile_cont(0.25) over 1, 2, 3, 4: position 0.25*3 = 0.75, so 1 + 0.75*(2 - 1).
    assert percentile([4, 1, 3, 2], 0.25) == pytest.approx(1.75)


@pytest.mark.parametrize(("q", "expected"), [(0.0, 1), (1.0, 4)])
def test_percentile_ends_are_the_extremes(q, expected):
    assert percentile([4, 1, 3, 2], q) == expected


def test_percentile_of_nothing_is_none():
    assert percentile([], 0.5) is None


def test_percentile_rejects_q_outside_zero_to_one():
    with pytest.raises(ValueError, match="q"):
        percentile([1.0], 1.5)


@pytest.mark.parametrize(("values", "expected"), [([3, 1, 2], 2), ([4, 1, 3, 2], 2.5), ([7], 7)])
def test_median_is_the_middle_or_the_mean_of_the_middle_two(values, expected):
    assert median(values) == expected
