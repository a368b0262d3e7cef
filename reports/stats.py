"""Win-rate statistics for template reports, as defined in shared/STATS.md.

Plain Python over rolled-up counts (no numerical library at run time). Every function returns None
rather than a made-up number when its estimate is undefined.
"""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from statistics import NormalDist, fmean, pvariance

Z95 = NormalDist().inv_cdf(0.975)


@dataclass(frozen=True)
class Interval:
    low: float
    high: float


@dataclass(frozen=True)
class Estimate:
    value: float
    interval: Interval | None


def _check_counts(wins: int, n: int) -> None:
    if not 0 <= wins <= n:
        raise ValueError(f"need 0 <= wins <= n, got {wins} of {n}")


@dataclass(frozen=True)
class Rate:
    wins: int
    n: int

    def __post_init__(self) -> None:
        _check_counts(self.wins, self.n)

    @property
    def value(self) -> float | None:
        return self.wins / self.n if self.n else None

    def wilson(self) -> Interval | None:
        return wilson_interval(self.wins, self.n)


@dataclass(frozen=True)
class Stratum:
    """One stratum's counts: a wins of n1 deals that used the template; c wins of n0 in the comparison group."""

    a: int
    n1: int
    c: int
    n0: int

    def __post_init__(self) -> None:
        _check_counts(self.a, self.n1)
        _check_counts(self.c, self.n0)

    @property
    def is_informative(self) -> bool:
        return self.n1 > 0 and self.n0 > 0

    @property
    def total(self) -> int:
        return self.n1 + self.n0


def wilson_interval(x: int, n: int, z: float = Z95) -> Interval | None:
    """Wilson score interval for x wins of n, clipped to [0, 1] (Wilson 1927; Newcombe 1998a, method 3).

    None when n == 0.
    """
    _check_counts(x, n)
    if n == 0:
        return None
    p = x / n
    shrink = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / shrink
    half_width = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / shrink
    low = 0.0 if x == 0 else max(0.0, centre - half_width)
    high = 1.0 if x == n else min(1.0, centre + half_width)
    return Interval(low, high)


def newcombe_difference(a: int, n1: int, c: int, n0: int, z: float = Z95) -> Estimate | None:
    """d = a/n1 - c/n0 with Newcombe's hybrid score interval (Newcombe 1998b, method 10).

    None when either n is 0.
    """
    first, second = wilson_interval(a, n1, z), wilson_interval(c, n0, z)
    if first is None or second is None:
        return None
    p1, p0 = a / n1, c / n0
    d = p1 - p0
    low = d - math.hypot(p1 - first.low, second.high - p0)
    high = d + math.hypot(first.high - p1, p0 - second.low)
    return Estimate(d, Interval(low, high))


def _normal_interval(centre: float, variance: float, z: float) -> Interval | None:
    """centre ± z·√variance; None when the variance is not positive (the formula gives no width)."""
    if variance <= 1e-15:
        return None
    half_width = z * math.sqrt(variance)
    return Interval(centre - half_width, centre + half_width)


def _ratio_estimate(ratio: float, log_variance: float, z: float) -> Estimate:
    log_interval = _normal_interval(math.log(ratio), log_variance, z)
    if log_interval is None:
        return Estimate(ratio, None)
    return Estimate(ratio, Interval(math.exp(log_interval.low), math.exp(log_interval.high)))


def katz_ratio(a: int, n1: int, c: int, n0: int, z: float = Z95) -> Estimate | None:
    """RR = (a/n1)/(c/n0) with the Katz log interval, Var(ln RR) = 1/a - 1/n1 + 1/c - 1/n0 (Katz et al. 1978).

    None when a or c is 0 (RR is 0 or infinite, ln RR undefined) or when either n is 0. The interval is
    None when the variance is 0 (every deal won in both groups).
    """
    _check_counts(a, n1)
    _check_counts(c, n0)
    if a == 0 or c == 0:
        return None
    log_variance = 1 / a - 1 / n1 + 1 / c - 1 / n0
    return _ratio_estimate((a / n1) / (c / n0), log_variance, z)


def mantel_haenszel_ratio(strata: Iterable[Stratum], z: float = Z95) -> Estimate | None:
    """Mantel-Haenszel risk ratio ΣR/ΣS, R = a·n0/N, S = c·n1/N, with the Greenland-Robins (1985) variance
    Var(ln RR) = Σ((a + c)·n1·n0 - a·c·N)/N² / (ΣR·ΣS) (Rothman, Greenland & Lash 2008, eqs 15-18, 15-22).

    Strata with an empty group are skipped. None when no stratum is left or when ΣR or ΣS is 0.
    """
    return mantel_haenszel_counts([(s.a, s.n1, s.c, s.n0) for s in strata], z)[0]


def mantel_haenszel_difference(strata: Iterable[Stratum], z: float = Z95) -> Estimate | None:
    """Mantel-Haenszel risk difference, weights w = n1·n0/N, with Sato's (1989) variance
    (d·ΣP + ΣQ)/(Σw)², P = (n1²·c - n0²·a + n1·n0·(n0 - n1)/2)/N², Q = (a·(n0 - c) + c·(n1 - a))/(2N).

    Strata with an empty group are skipped. None when no stratum is left.
    """
    return mantel_haenszel_counts([(s.a, s.n1, s.c, s.n0) for s in strata], z)[1]


@dataclass(frozen=True)
class MantelHaenszelSums:
    """The sums over informative strata both Mantel-Haenszel estimates are made of: ΣR, ΣS, the
    Greenland-Robins numerator, Σw, Σw·d (as Σ(a·n0 - c·n1)/N), ΣP and ΣQ. A database can add
    these up itself (reports/selectors/performance.py), so only one row per template comes back."""

    sum_r: float
    sum_s: float
    gr_numerator: float
    sum_w: float
    sum_d: float
    sum_p: float
    sum_q: float
    informative: int  # strata with both groups non-empty


def mantel_haenszel_sums(strata: Iterable[tuple[int, int, int, int]]) -> MantelHaenszelSums:
    sum_r = sum_s = gr_numerator = sum_w = sum_d = sum_p = sum_q = 0.0
    informative = 0
    for a, n1, c, n0 in strata:
        if n1 <= 0 or n0 <= 0:
            continue
        informative += 1
        total = n1 + n0
        sum_r += a * n0 / total
        sum_s += c * n1 / total
        gr_numerator += ((a + c) * n1 * n0 - a * c * total) / total**2
        sum_w += n1 * n0 / total
        sum_d += (a * n0 - c * n1) / total
        sum_p += (n1**2 * c - n0**2 * a + n1 * n0 * (n0 - n1) / 2) / total**2
        sum_q += (a * (n0 - c) + c * (n1 - a)) / (2 * total)
    return MantelHaenszelSums(sum_r, sum_s, gr_numerator, sum_w, sum_d, sum_p, sum_q, informative)


def mantel_haenszel_from_sums(sums: MantelHaenszelSums, z: float = Z95) -> tuple[Estimate | None, Estimate | None]:
    """(ratio, difference) from the sums; (None, None) when no stratum is informative."""
    if not sums.informative or sums.sum_w == 0:
        return None, None
    ratio = None
    if sums.sum_r != 0 and sums.sum_s != 0:
        ratio = _ratio_estimate(sums.sum_r / sums.sum_s, sums.gr_numerator / (sums.sum_r * sums.sum_s), z)
    d = sums.sum_d / sums.sum_w
    return ratio, Estimate(d, _normal_interval(d, (d * sums.sum_p + sums.sum_q) / sums.sum_w**2, z))


def mantel_haenszel_counts(
    strata: Iterable[tuple[int, int, int, int]], z: float = Z95
) -> tuple[Estimate | None, Estimate | None]:
    """Both Mantel-Haenszel estimates (ratio, difference) in one pass over plain (a, n1, c, n0)
    tuples. The formulas are those of `mantel_haenszel_ratio` and `mantel_haenszel_difference`."""
    return mantel_haenszel_from_sums(mantel_haenszel_sums(strata), z)


def two_sided_p_difference(a: int, n1: int, c: int, n0: int) -> float | None:
    """Two-sided p-value of the two-proportion z-test with pooled variance (equal to Pearson's chi-square
    without continuity correction): z = (p1 - p0)/√(p̄(1 - p̄)(1/n1 + 1/n0)), p̄ = (a + c)/(n1 + n0).

    None when either n is 0; 1.0 when p̄ is 0 or 1 (no evidence of a difference).
    """
    _check_counts(a, n1)
    _check_counts(c, n0)
    if n1 == 0 or n0 == 0:
        return None
    pooled = (a + c) / (n1 + n0)
    if pooled in (0.0, 1.0):
        return 1.0
    z = (a / n1 - c / n0) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n0))
    return min(1.0, 2 * NormalDist().cdf(-abs(z)))


def benjamini_hochberg(p_values: Sequence[float | None], q: float = 0.10) -> list[bool]:
    """Discoveries at false discovery rate q (Benjamini & Hochberg 1995), aligned with p_values.

    With the m non-None p-values sorted, every p up to the largest p_(k) <= k·q/m is a discovery.
    None p-values are never discoveries and do not count in m.
    """
    tested = sorted((p, i) for i, p in enumerate(p_values) if p is not None)
    m = len(tested)
    cutoff = max((k for k, (p, _) in enumerate(tested, start=1) if p <= k * q / m), default=0)
    discovered = {i for _, i in tested[:cutoff]}
    return [i in discovered for i in range(len(p_values))]


@dataclass(frozen=True)
class BetaPrior:
    alpha: float
    beta: float


def fit_beta_prior(rates: Sequence[Rate]) -> BetaPrior | None:
    """Beta(α, β) matched to the mean m and population variance v of the win rates of templates with n > 0:
    α + β = m(1 - m)/v - 1, α = m(α + β) (method of moments).

    None with fewer than 2 such templates, or when v is 0 or v >= m(1 - m) (no valid Beta).
    """
    values = [r.value for r in rates if r.value is not None]
    if len(values) < 2:
        return None
    mean, variance = fmean(values), pvariance(values)
    if variance <= 0 or variance >= mean * (1 - mean):
        return None
    strength = mean * (1 - mean) / variance - 1
    return BetaPrior(alpha=mean * strength, beta=(1 - mean) * strength)


def shrunken_rate(rate: Rate, prior: BetaPrior | None) -> float | None:
    """Empirical-Bayes posterior mean (x + α)/(n + α + β); the raw rate (None when n == 0) without a prior."""
    if prior is None:
        return rate.value
    return (rate.wins + prior.alpha) / (rate.n + prior.alpha + prior.beta)


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-quantile by linear interpolation between closest ranks, as PostgreSQL's percentile_cont.

    None for no values; ValueError unless 0 <= q <= 1.
    """
    if not 0 <= q <= 1:
        raise ValueError(f"need 0 <= q <= 1, got {q}")
    if not values:
        return None
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    below = math.floor(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (position - below) * (ordered[above] - ordered[below])


def median(values: Sequence[float]) -> float | None:
    """The 0.5 percentile_cont: the middle value, or the mean of the two middle values."""
    return percentile(values, 0.5)
