"""Templates to recommend for an open deal: those that did best in closed deals like it, with the
evidence (n, win rate, Wilson interval; ../shared/STATS.md), read from the rollups (ADR 17).

Similar closed deals: won or lost, with a close date, not deleted, other than the deal itself, and
matching the deal on what it has of
- segment (exactly),
- deal-size band (ReportSettings' bands, within the deal's currency: sizes in two currencies are
  never compared), and
- region.
An attribute the deal lacks (no segment, amount or region) is not matched on, and the page says
which criteria were used.

"Stage reached" is not matched: a deal stores only its current stage (a closed deal's is its won
or lost stage) and no stage history is kept, so which stage a closed deal had passed through is
unknown. Comparing with closed deals "at least as far along" would compare with all of them.

A closed deal used template T when T was delivered for it on or before its close date
(`TemplateDealUse.first_used_on <= close_date`, as in reports.selectors.performance). Templates are
ranked by the Wilson lower bound of their win rate among similar closed deals, and only those with
at least `ReportSettings.min_closed_deals` such deals are judged. With fewer similar closed deals
than that, or no template judged, the result says so and falls back to what similar deals (open or
closed) used most.

Only templates in use (published, not retired, not expired: `templates_for_user`) that both the
deal's owner and the viewer may use are offered. A partner's figures come only from internal deals
and their own organisation's: another organisation's outcomes never reach them, even as counts.
"""

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import Q

from accounts.models import User
from deals.models import Deal, Outcome, TemplateDealUse
from templates_lib.models import CollateralTemplate
from templates_lib.selectors import templates_for_user

from ..models import ReportSettings
from ..stats import Interval, Rate, fit_beta_prior, shrunken_rate, wilson_interval

CLOSED = (Outcome.WON, Outcome.LOST)
SHOWN = 5
# Up to this many similar deals go to the uses query as a list of ids; more (a deal with nothing to
# match on) as a subquery, which stays within the database's limit on parameters.
LISTED_IDS = 5000
STAGE_NOTE = "Stage history is not recorded, so similar deals are not matched on the stage they reached."


@dataclass(frozen=True)
class Recommendation:
    template: CollateralTemplate
    wins: int = 0
    n: int = 0  # similar closed deals that used the template before closing
    interval: Interval | None = None
    shrunken: float | None = None
    used_by: int = 0  # similar deals (open or closed) that used it: the fallback's count
    already_sent: bool = False  # this deal has already received it

    @property
    def rate(self) -> float | None:
        return self.wins / self.n if self.n else None


@dataclass(frozen=True)
class Recommendations:
    criteria: list[str]
    similar_closed: int
    similar_won: int
    min_closed_deals: int
    is_judged: bool  # False: too few similar closed deals (or templates) to judge; items are the fallback
    items: list[Recommendation] = field(default_factory=list)
    stage_note: str = STAGE_NOTE

    @property
    def similar_interval(self) -> Interval | None:
        return wilson_interval(self.similar_won, self.similar_closed)


def size_band_of(amount: Decimal | None, edges: list[Decimal]) -> tuple[Decimal | None, Decimal | None]:
    """The band (lower, upper] that holds `amount`: None at an open end."""
    lower = None
    for edge in edges:
        if amount <= edge:
            return lower, edge
        lower = edge
    return lower, None


def similar_deal_conditions(deal: Deal, *, viewer: User, edges: list[Decimal]) -> tuple[Q, list[str]]:
    """The condition for deals like `deal` (any outcome) and the criteria in words."""
    q = Q(deleted_at__isnull=True) & ~Q(pk=deal.pk)
    criteria = []
    if viewer.organisation_id is not None:
        q &= Q(organisation__isnull=True) | Q(organisation_id=viewer.organisation_id)
    if deal.segment:
        q &= Q(segment=deal.segment)
        criteria.append(f"segment {deal.segment}")
    if deal.amount is not None and deal.currency:
        lower, upper = size_band_of(deal.amount, edges)
        q &= Q(currency=deal.currency, amount__isnull=False)
        if lower is not None:
            q &= Q(amount__gt=lower)
        if upper is not None:
            q &= Q(amount__lte=upper)
        criteria.append(_band_words(deal.currency, lower, upper))
    if deal.region_id:
        q &= Q(region_id=deal.region_id)
        criteria.append(f"region {deal.region.name}")
    return q, criteria


def _band_words(currency: str, lower: Decimal | None, upper: Decimal | None) -> str:
    if lower is None and upper is None:
        return f"any size in {currency}"
    if lower is None:
        return f"size up to {currency} {upper:,.0f}"
    if upper is None:
        return f"size over {currency} {lower:,.0f}"
    return f"size {currency} {lower:,.0f}–{upper:,.0f}"


def recommendations_for_deal(
    deal: Deal, *, viewer: User, settings: ReportSettings, limit: int = SHOWN
) -> Recommendations | None:
    """Templates to recommend for `deal` (None unless it is open and not deleted); the caller has
    scoped `deal` to `viewer`.

    Two reads do the work: the similar deals (id, outcome, close date), then the template uses of
    those deals, counted here. The similar deals are usually a few hundred, so they are passed to
    the second query as a list of ids (index look-ups) rather than filtered again."""
    if deal.outcome != Outcome.OPEN or deal.deleted_at is not None:
        return None
    similar, criteria = similar_deal_conditions(deal, viewer=viewer, edges=settings.size_band_edges)
    closed_on: dict[int, tuple[bool, object]] = {}  # similar deal -> (won, close date if closed, else None)
    similar_won = similar_closed = 0
    similar_deals = Deal.objects.filter(similar).order_by().values_list("pk", "outcome", "close_date")
    for pk, outcome, close_date in _raw_rows(similar_deals):
        is_closed = outcome in CLOSED and close_date is not None
        closed_on[pk] = (outcome == Outcome.WON, close_date if is_closed else None)
        if is_closed:
            similar_closed += 1
            similar_won += outcome == Outcome.WON
    deal_ids = list(closed_on) if len(closed_on) <= LISTED_IDS else Deal.objects.filter(similar).values("pk")

    counts: dict[int, list[int]] = {}  # template -> [won, lost] among similar closed deals, used before closing
    used_by: Counter[int] = Counter()  # template -> similar deals (any outcome) that used it
    if closed_on:
        uses = TemplateDealUse.objects.filter(deal_id__in=deal_ids).order_by()
        for template_id, deal_id, first_used_on in _raw_rows(
            uses.values_list("template_id", "deal_id", "first_used_on")
        ):
            used_by[template_id] += 1  # one row per template and deal
            won, closed_day = closed_on[deal_id]
            if closed_day is not None and first_used_on <= closed_day:
                counts.setdefault(template_id, [0, 0])[0 if won else 1] += 1
    minimum = settings.min_closed_deals
    if similar_closed < minimum:
        counts = {}
    offered = _offered_templates(used_by.keys(), deal=deal, viewer=viewer)
    sent = set(TemplateDealUse.objects.filter(deal=deal).values_list("template_id", flat=True))

    rates = {pk: Rate(wins=won, n=won + lost) for pk, (won, lost) in counts.items() if pk in offered}
    prior = fit_beta_prior(list(rates.values()))
    judged = [
        Recommendation(
            template=offered[pk],
            wins=rate.wins,
            n=rate.n,
            interval=wilson_interval(rate.wins, rate.n),
            shrunken=shrunken_rate(rate, prior),
            used_by=used_by[pk],
            already_sent=pk in sent,
        )
        for pk, rate in rates.items()
        if rate.n >= minimum
    ]
    judged.sort(key=lambda r: (-r.interval.low, -(r.shrunken or 0), -r.n, r.template.title, r.template.pk))
    if not judged:
        # The fallback: what similar deals (open or closed) used most.
        ranked = sorted(offered, key=lambda pk: (-used_by[pk], offered[pk].title, pk))
        fallback = [Recommendation(template=offered[pk], used_by=used_by[pk], already_sent=pk in sent) for pk in ranked]
    return Recommendations(
        criteria=criteria,
        similar_closed=similar_closed,
        similar_won=similar_won,
        min_closed_deals=minimum,
        is_judged=bool(judged),
        items=(judged or fallback)[:limit],
    )


def _raw_rows(queryset) -> list[tuple]:
    """The rows of a values_list() queryset as the database driver returns them, without Django's
    per-value converters: thousands of rows at scale, and the only use of their dates here is to
    compare two of them, which works alike on ISO strings (SQLite) and dates (PostgreSQL)."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _offered_templates(ids, *, deal: Deal, viewer: User) -> dict[int, CollateralTemplate]:
    """Of the templates `ids`, those in use that the viewer, and the deal's owner, may use."""
    ids = list(ids)
    if not ids:
        return {}
    templates = templates_for_user(viewer).filter(pk__in=ids)
    if deal.owner_id and deal.owner_id != viewer.pk:
        templates = templates.filter(pk__in=templates_for_user(deal.owner).filter(pk__in=ids).values("pk"))
    # Hundreds of candidates at scale: only what the panel shows, not their revisions' content.
    templates = templates.select_related(None).only("pk", "title", "public_id")
    return {template.pk: template for template in templates}
