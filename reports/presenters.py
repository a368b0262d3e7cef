"""Figures as people read them: percentages with their intervals, differences in points, ratios,
verdicts, money per currency. One place, so the page and the exported file say the same."""

from decimal import Decimal

from .stats import Estimate, Interval, Rate


def percent(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.0f}%"


def rate_text(rate: Rate) -> str:
    """ "2 of 3 won: 67% (21–94%)", or "no closed deals"."""
    if not rate.n:
        return "no closed deals"
    interval = rate.wilson()
    return f"{rate.wins} of {rate.n} won: {percent(rate.value)} ({interval_text(interval)})"


def interval_text(interval: Interval | None, *, points: bool = False) -> str:
    if interval is None:
        return "interval undefined"
    if points:
        return f"{interval.low * 100:+.0f} to {interval.high * 100:+.0f} pts"
    return f"{interval.low * 100:.0f}–{interval.high * 100:.0f}%"


def difference_text(estimate: Estimate | None) -> str:
    if estimate is None:
        return "undefined"
    return f"{estimate.value * 100:+.0f} pts ({interval_text(estimate.interval, points=True)})"


def ratio_text(estimate: Estimate | None) -> str:
    if estimate is None:
        return "undefined (no wins in a group)"
    interval = estimate.interval
    if interval is None:
        return f"×{estimate.value:.2f} (interval undefined)"
    return f"×{estimate.value:.2f} ({interval.low:.2f}–{interval.high:.2f})"


def money_text(revenue: dict[str, Decimal]) -> str:
    return "; ".join(f"{currency} {amount:,.0f}" for currency, amount in sorted(revenue.items())) or "–"
