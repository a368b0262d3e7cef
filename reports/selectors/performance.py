"""Template performance: which templates are used, and how the deals that used them closed,
honestly (../shared/STATS.md). Reads only the rollups (ADR 17): a handful of grouped queries,
then plain-Python statistics over the counts.

Definitions the page and the export repeat:
- A closed deal is won or lost, with a close date in the window, not deleted at its source.
- A deal used template T when a final download or share view of a document made from T, for that
  deal, happened on or before its close date (`TemplateDealUse.first_used_on <= close_date`).
- "No template": closed deals that used no Lastmile document before closing. "Other templates":
  closed deals that used some template before closing, but not T.
- Deal filters (region, organisation, tier, segment) apply to deals; activity filters to the
  person who delivered (their region and organisation at the time)."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from math import erf, sqrt
from typing import NamedTuple

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Sum, Value, When

from deals.models import ActivityDay, Deal, Outcome, RevisionDealUse, TemplateDealUse
from templates_lib.models import CollateralDocument, CollateralTemplate

from ..filters import Comparison, ReportFilters
from ..models import ReportSettings
from ..stats import (
    BetaPrior,
    Estimate,
    Interval,
    Rate,
    benjamini_hochberg,
    fit_beta_prior,
    katz_ratio,
    mantel_haenszel_counts,
    median,
    newcombe_difference,
    shrunken_rate,
    two_sided_p_difference,
)
from .windows import in_window

CLOSED = (Outcome.WON, Outcome.LOST)


# Queries ---------------------------------------------------------------------------------------


def deal_conditions(filters: ReportFilters, *, prefix: str = "", closed: bool = True) -> Q:
    """The deals a report counts: not deleted, in the user's regions and the chosen filters; when
    `closed`, won or lost with a close date in the window."""
    q = Q(**{f"{prefix}deleted_at__isnull": True})
    if closed:
        q &= Q(**{f"{prefix}outcome__in": CLOSED, f"{prefix}close_date__isnull": False})
        if filters.start:
            q &= Q(**{f"{prefix}close_date__gte": filters.start})
        if filters.end:
            q &= Q(**{f"{prefix}close_date__lte": filters.end})
    if filters.region_ids:
        q &= Q(**{f"{prefix}region_id__in": filters.region_ids})
    if filters.organisation_id:
        q &= Q(**{f"{prefix}organisation_id": filters.organisation_id})
    if filters.tier_id:
        q &= Q(**{f"{prefix}organisation__tier_id": filters.tier_id})
    if filters.segment:
        q &= Q(**{f"{prefix}segment": filters.segment})
    return q


def size_band(amount: Decimal | None, currency: str, edges: list[Decimal]) -> str:
    """The deal's currency and size band, e.g. "EUR ≤ 50000": sizes are compared within a currency."""
    if amount is None:
        return "no amount"
    for edge in edges:
        if amount <= edge:
            return f"{currency} ≤ {edge}"
    return f"{currency} larger"


Counts = dict[tuple, list[int]]  # (key, stratum...) -> [won, lost]


class ClosedDeal(NamedTuple):  # a tuple: built once per closed deal, so cheaply
    won: bool
    used_any: bool
    stratum: tuple
    amount: Decimal | None
    currency: str
    close_date: datetime.date


# Above this many closed deals, reading every use and matching it to the deals here is faster than
# having the database join each use to its deal (measured on SQLite with a million events).
JOIN_IN_PYTHON_ABOVE = 20_000


def closed_deals(filters: ReportFilters, *, edges: list[Decimal]) -> dict[int, ClosedDeal]:
    """The closed deals of the window, each with its outcome, whether it used any template before
    closing, and its stratum (what the analyst holds equal). One query; strata are worked out here
    rather than grouped in SQL, where four of them multiply the groups of two queries."""
    used = Case(
        When(use__first_used_on__lte=F("close_date"), then=Value(1)), default=Value(0), output_field=IntegerField()
    )
    rows = (
        Deal.objects.filter(deal_conditions(filters))
        .order_by()
        .annotate(used_any=used)
        .values_list(
            "pk", "outcome", "used_any", "amount", "currency", "region_id", "segment", "owner_id", "close_date"
        )
    )
    adjust = filters.adjust
    deals = {}
    for pk, outcome, used_any, amount, currency, region_id, segment, owner_id, close_date in rows:
        if adjust:
            columns = {"region": region_id, "segment": segment, "owner": owner_id}
            if "size" in adjust:
                columns["size"] = size_band(amount, currency, edges)
            stratum = tuple(columns[name] for name in adjust if name in columns)
        else:
            stratum = ()
        deals[pk] = ClosedDeal(outcome == Outcome.WON, bool(used_any), stratum, amount, currency or "?", close_date)
    return deals


@dataclass
class Uses:
    counts: Counts  # (template or revision, stratum...) -> [won, lost]
    revenue: dict[int, dict[str, Decimal]]  # template -> currency -> won amount


def used_counts(filters: ReportFilters, *, deals: dict[int, ClosedDeal], by_revision_of: int | None = None) -> Uses:
    """Won and lost closed deals that used each template (or each revision of one template) before
    closing, per stratum, and the amount won per currency."""
    model, key = (
        (TemplateDealUse, "template_id") if by_revision_of is None else (RevisionDealUse, "template_revision_id")
    )
    uses = model.objects.all()
    join_here = len(deals) > JOIN_IN_PYTHON_ABOVE
    if not join_here:
        uses = uses.filter(deal_conditions(filters, prefix="deal__"), first_used_on__lte=F("deal__close_date"))
    if by_revision_of is not None:
        uses = uses.filter(template_id=by_revision_of)
    elif filters.kind:
        uses = uses.filter(template__kind=filters.kind)
    counts: Counts = defaultdict(lambda: [0, 0])
    revenue: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for key_value, deal_id, first_used_on in uses.order_by().values_list(key, "deal_id", "first_used_on"):
        deal = deals.get(deal_id)
        if deal is None or first_used_on > deal.close_date:  # not closed in the window, or used after
            continue
        counts[(key_value, *deal.stratum)][0 if deal.won else 1] += 1
        if deal.won and deal.amount is not None:
            by_currency = revenue[key_value]
            by_currency[deal.currency] = by_currency.get(deal.currency, Decimal(0)) + deal.amount
    return Uses(counts=counts, revenue=revenue)


def _uses_of(filters: ReportFilters, by_revision_of: int | None) -> tuple[QuerySet, str]:
    model, key = (
        (TemplateDealUse, "template_id") if by_revision_of is None else (RevisionDealUse, "template_revision_id")
    )
    uses = model.objects.filter(deal_conditions(filters, prefix="deal__"), first_used_on__lte=F("deal__close_date"))
    if by_revision_of is not None:
        uses = uses.filter(template_id=by_revision_of)
    elif filters.kind:
        uses = uses.filter(template__kind=filters.kind)
    return uses.order_by(), key


def crude_used_counts(filters: ReportFilters, *, by_revision_of: int | None = None) -> Uses:
    """`used_counts` when nothing is held equal: grouped in the database, a few rows per template."""
    uses, key = _uses_of(filters, by_revision_of)
    counts: Counts = defaultdict(lambda: [0, 0])
    revenue: dict[int, dict[str, Decimal]] = defaultdict(dict)
    rows = uses.values_list(key, "deal__outcome", "deal__currency").annotate(n=Count("pk"), amount=Sum("deal__amount"))
    for key_value, outcome, currency, n, amount in rows:
        won = outcome == Outcome.WON
        counts[(key_value,)][0 if won else 1] += n
        if won and amount is not None:
            by_currency = revenue[key_value]
            by_currency[currency or "?"] = by_currency.get(currency or "?", Decimal(0)) + amount
    return Uses(counts=counts, revenue=revenue)


def crude_comparison_counts(filters: ReportFilters) -> Counts:
    """`comparison_counts` when nothing is held equal: four numbers, grouped in the database."""
    used = Case(
        When(use__first_used_on__lte=F("close_date"), then=Value(1)), default=Value(0), output_field=IntegerField()
    )
    rows = (
        Deal.objects.filter(deal_conditions(filters))
        .order_by()
        .annotate(used_any=used)
        .values_list("used_any", "outcome")
        .annotate(n=Count("pk"))
    )
    counts: Counts = defaultdict(lambda: [0, 0])
    for used_any, outcome, n in rows:
        counts[(used_any,)][0 if outcome == Outcome.WON else 1] += n
    return counts


def counts_for(
    filters: ReportFilters, *, edges: list[Decimal], by_revision_of: int | None = None
) -> tuple[Uses, Counts]:
    """Uses per template (or revision) and the comparison groups: grouped in the database when
    nothing is held equal; per deal, with strata worked out here, when something is."""
    if not filters.adjust:
        return crude_used_counts(filters, by_revision_of=by_revision_of), crude_comparison_counts(filters)
    deals = closed_deals(filters, edges=edges)
    return used_counts(filters, deals=deals, by_revision_of=by_revision_of), comparison_counts(deals)


def comparison_counts(deals: dict[int, ClosedDeal]) -> Counts:
    """Won and lost closed deals per stratum, split by whether they used any template before closing
    (key 1) or none (key 0)."""
    counts: Counts = defaultdict(lambda: [0, 0])
    for deal in deals.values():
        counts[(int(deal.used_any), *deal.stratum)][0 if deal.won else 1] += 1
    return counts


def pending_counts(filters: ReportFilters) -> dict[int, int]:
    """Open deals each template was first delivered for in the window: not in any win rate."""
    uses = TemplateDealUse.objects.filter(
        deal_conditions(filters, prefix="deal__", closed=False), deal__outcome=Outcome.OPEN
    )
    if filters.start:
        uses = uses.filter(first_used_on__gte=filters.start)
    if filters.end:
        uses = uses.filter(first_used_on__lte=filters.end)
    if filters.kind:
        uses = uses.filter(template__kind=filters.kind)
    return dict(uses.order_by().values_list("template_id").annotate(n=Count("pk")))


def activity_rows(filters: ReportFilters) -> QuerySet[ActivityDay]:
    days = ActivityDay.objects.all()
    if filters.start:
        days = days.filter(day__gte=filters.start)
    if filters.end:
        days = days.filter(day__lte=filters.end)
    if filters.region_ids:
        days = days.filter(region_id__in=filters.region_ids)
    if filters.organisation_id:
        days = days.filter(organisation_id=filters.organisation_id)
    if filters.tier_id:
        days = days.filter(organisation__tier_id=filters.tier_id)
    if filters.kind:
        days = days.filter(template__kind=filters.kind)
    if filters.segment:
        days = days.filter(deal__segment=filters.segment)
    return days


@dataclass(frozen=True)
class Activity:
    documents: int = 0
    downloads: int = 0
    views: int = 0
    deals: int = 0
    users: int = 0
    organisations: int = 0


def activity_by_template(filters: ReportFilters) -> dict[int, Activity]:
    totals = (
        activity_rows(filters)
        .order_by()
        .values("template_id")
        .annotate(
            downloads=Sum("downloads"),
            views=Sum("views"),
            deals=Count("deal_id", distinct=True),
            users=Count("user_id", distinct=True),
            organisations=Count("organisation_id", distinct=True),
        )
    )
    documents = documents_by_template(filters)
    activity = {
        row["template_id"]: Activity(
            documents=documents.pop(row["template_id"], 0),
            downloads=row["downloads"],
            views=row["views"],
            deals=row["deals"],
            users=row["users"],
            organisations=row["organisations"],
        )
        for row in totals
    }
    activity.update({template_id: Activity(documents=n) for template_id, n in documents.items()})
    return activity


def documents_by_template(filters: ReportFilters) -> dict[int, int]:
    """Documents made in the window (deleted ones too: they were made), by their owner's region
    and organisation."""
    documents = CollateralDocument.objects.all()
    documents = documents.filter(in_window("created_at", filters))
    if filters.region_ids:
        documents = documents.filter(
            Q(owner__organisation__isnull=False, owner__organisation__region_id__in=filters.region_ids)
            | Q(owner__organisation__isnull=True, owner__region_id__in=filters.region_ids)
        )
    if filters.organisation_id:
        documents = documents.filter(owner__organisation_id=filters.organisation_id)
    if filters.tier_id:
        documents = documents.filter(owner__organisation__tier_id=filters.tier_id)
    if filters.kind:
        documents = documents.filter(template__kind=filters.kind)
    return dict(documents.order_by().values_list("template_id").annotate(n=Count("pk")))


# Statistics over the counts --------------------------------------------------------------------


@dataclass(frozen=True)
class GroupComparison:
    """T against one comparison group: crude and (when the analyst holds something equal)
    Mantel–Haenszel adjusted; association, not effect."""

    label: str
    wins: int
    n: int
    difference: Estimate | None
    ratio: Estimate | None
    adjusted_difference: Estimate | None
    adjusted_ratio: Estimate | None
    p_value: float | None
    judged: bool
    verdict: str = ""  # "better", "worse" or "" after the false-discovery control

    @property
    def rate(self) -> Rate:
        return Rate(self.wins, self.n)


@dataclass
class TemplatePerformance:
    key: int
    title: str
    kind: str
    activity: Activity
    won: int
    lost: int
    pending: int
    revenue: dict[str, Decimal]
    versus: dict[str, GroupComparison]
    min_closed: int
    shrunken: float | None = None
    rank: int | None = None
    template: CollateralTemplate | None = field(default=None, repr=False)

    @property
    def closed(self) -> int:
        return self.won + self.lost

    @property
    def rate(self) -> Rate:
        return Rate(self.won, self.closed)

    @property
    def interval(self) -> Interval | None:
        return self.rate.wilson()

    @property
    def too_few(self) -> bool:
        """Fewer closed deals than the company's threshold in this template's group or in every
        comparison group shown: greyed, not ranked."""
        return not any(comparison.judged for comparison in self.versus.values())

    @property
    def ranking_score(self) -> float:
        return self.interval.low if self.interval else -1.0


@dataclass
class PerformanceReport:
    rows: list[TemplatePerformance]
    filters: ReportFilters
    min_closed: int
    q: float
    compared: dict[str, int]  # comparison group -> templates compared in the FDR control
    groups: dict[str, Rate]  # comparison group -> its crude win rate
    prior: BetaPrior | None


def _p_value(crude: tuple[int, int, int, int], adjusted_difference: Estimate | None, adjusted: bool) -> float | None:
    if not adjusted:
        return two_sided_p_difference(*crude)
    if adjusted_difference is None or adjusted_difference.interval is None:
        return None
    interval = adjusted_difference.interval
    se = (interval.high - interval.low) / (2 * 1.959963984540054)
    if se <= 0:
        return None
    z = abs(adjusted_difference.value) / se
    return 1 - erf(z / sqrt(2))


def _totals(strata: dict[tuple, list[int]]) -> tuple[int, int]:
    """(won, closed) over every stratum."""
    won = sum(w for w, _ in strata.values())
    return won, won + sum(lost for _, lost in strata.values())


def compare(
    label: str,
    used: dict[tuple, list[int]],
    group: dict[tuple, list[int]],
    group_totals: tuple[int, int],
    *,
    without_used: bool = False,
    min_closed: int,
    adjusted: bool,
) -> GroupComparison:
    """T's strata `used` against a comparison group (stratum -> [won, lost], and its totals);
    `without_used` takes T's own deals out of the group ("other templates" is "any template" minus T).

    Only strata where T was used enter the Mantel–Haenszel sums: one where T's group is empty adds
    nothing. That keeps the work per template proportional to T's own deals, not to every stratum."""
    a, n1 = _totals(used)
    c, n0 = group_totals
    if without_used:
        c, n0 = c - a, n0 - n1
    strata = []
    if adjusted:
        for key, (won, lost) in used.items():
            group_won, group_lost = group.get(key, (0, 0))
            if without_used:
                group_won, group_lost = group_won - won, group_lost - lost
            if group_won + group_lost:  # a stratum with an empty comparison group adds nothing
                strata.append((won, won + lost, group_won, group_won + group_lost))
    adjusted_ratio, adjusted_difference = mantel_haenszel_counts(strata) if adjusted else (None, None)
    return GroupComparison(
        label=label,
        wins=c,
        n=n0,
        difference=newcombe_difference(a, n1, c, n0),
        ratio=katz_ratio(a, n1, c, n0),
        adjusted_difference=adjusted_difference,
        adjusted_ratio=adjusted_ratio,
        p_value=_p_value((a, n1, c, n0), adjusted_difference, adjusted),
        judged=n1 >= min_closed and n0 >= min_closed,
    )


def _by_key(counts: Counts) -> dict[object, dict[tuple, list[int]]]:
    grouped: dict[object, dict[tuple, list[int]]] = defaultdict(dict)
    for (key, *stratum), won_lost in counts.items():
        grouped[key][tuple(stratum)] = won_lost
    return grouped


def _groups(comparison: Counts) -> tuple[dict[tuple, list[int]], dict[tuple, list[int]]]:
    """The closed deals per stratum that used any template, and those that used none."""
    grouped = _by_key(comparison)
    return grouped.get(1, {}), grouped.get(0, {})


@dataclass(frozen=True)
class ComparisonGroups:
    any_used: dict[tuple, list[int]]
    none_used: dict[tuple, list[int]]
    any_totals: tuple[int, int]
    none_totals: tuple[int, int]

    @classmethod
    def from_counts(cls, counts: Counts) -> "ComparisonGroups":
        any_used, none_used = _groups(counts)
        return cls(any_used, none_used, _totals(any_used), _totals(none_used))


def comparisons_for(
    used: dict[tuple, list[int]], groups: ComparisonGroups, *, filters: ReportFilters, min_closed: int
) -> dict[str, GroupComparison]:
    adjusted = bool(filters.adjust)
    versus = {}
    if filters.compare in (Comparison.BOTH, Comparison.NO_TEMPLATE):
        versus[Comparison.NO_TEMPLATE] = compare(
            "No template", used, groups.none_used, groups.none_totals, min_closed=min_closed, adjusted=adjusted
        )
    if filters.compare in (Comparison.BOTH, Comparison.OTHER_TEMPLATES):
        versus[Comparison.OTHER_TEMPLATES] = compare(
            "Other templates",
            used,
            groups.any_used,
            groups.any_totals,
            without_used=True,
            min_closed=min_closed,
            adjusted=adjusted,
        )
    return versus


def control_false_discoveries(rows: list[TemplatePerformance], *, q: float) -> dict[str, int]:
    """Mark "better"/"worse" only where Benjamini–Hochberg at `q`, across every judged template,
    keeps the difference; how many templates each comparison took part in."""
    compared = {}
    for group in (Comparison.NO_TEMPLATE, Comparison.OTHER_TEMPLATES):
        judged = [row for row in rows if group in row.versus and row.versus[group].judged]
        compared[group] = len(judged)
        discoveries = benjamini_hochberg([row.versus[group].p_value for row in judged], q=q)
        for row, discovered in zip(judged, discoveries, strict=True):
            comparison = row.versus[group]
            difference = comparison.adjusted_difference or comparison.difference
            if discovered and difference is not None and difference.value != 0:
                verdict = "better" if difference.value > 0 else "worse"
                row.versus[group] = GroupComparison(**{**comparison.__dict__, "verdict": verdict})
    return compared


def rank(rows: list[TemplatePerformance], prior: BetaPrior | None) -> list[TemplatePerformance]:
    """Judged templates by the lower bound of their win rate's interval, then the rest by use."""
    for row in rows:
        row.shrunken = shrunken_rate(row.rate, prior) if row.closed else None
    judged = sorted((r for r in rows if not r.too_few), key=lambda r: (-r.ranking_score, -r.closed, r.title))
    for position, row in enumerate(judged, start=1):
        row.rank = position
    rest = sorted((r for r in rows if r.too_few), key=lambda r: (-r.closed, -r.activity.downloads, r.title))
    return judged + rest


def template_performance(filters: ReportFilters, *, settings: ReportSettings) -> PerformanceReport:
    uses, comparison = counts_for(filters, edges=settings.size_band_edges)
    used = _by_key(uses.counts)
    groups = ComparisonGroups.from_counts(comparison)
    pending = pending_counts(filters)
    activity = activity_by_template(filters)
    keys = used.keys() | pending.keys() | activity.keys()
    templates = CollateralTemplate.objects.only("pk", "title", "kind").in_bulk(keys)
    rows = []
    for key in keys:
        template = templates.get(key)
        if template is None:
            continue
        strata = used.get(key, {})
        won, closed = _totals(strata)
        rows.append(
            TemplatePerformance(
                key=key,
                title=template.title,
                kind=template.get_kind_display(),
                template=template,
                activity=activity.get(key, Activity()),
                won=won,
                lost=closed - won,
                pending=pending.get(key, 0),
                revenue=uses.revenue.get(key, {}),
                versus=comparisons_for(strata, groups, filters=filters, min_closed=settings.min_closed_deals),
                min_closed=settings.min_closed_deals,
            )
        )
    q = float(settings.false_discovery_rate)
    compared = control_false_discoveries(rows, q=q)
    prior = fit_beta_prior([row.rate for row in rows if row.closed])
    return PerformanceReport(
        rows=rank(rows, prior),
        filters=filters,
        min_closed=settings.min_closed_deals,
        q=q,
        compared=compared,
        groups={Comparison.NO_TEMPLATE: Rate(*groups.none_totals), "any": Rate(*groups.any_totals)},
        prior=prior,
    )


def revision_performance(
    template: CollateralTemplate, filters: ReportFilters, *, settings: ReportSettings
) -> list[TemplatePerformance]:
    """The same figures per revision of one template: "did the new version do better?"."""
    uses, comparison = counts_for(filters, edges=settings.size_band_edges, by_revision_of=template.pk)
    used = _by_key(uses.counts)
    groups = ComparisonGroups.from_counts(comparison)
    revisions = {r.pk: r for r in template.revisions.filter(pk__in=used.keys())}
    rows = []
    for key, strata in used.items():
        revision = revisions.get(key)
        won, closed = _totals(strata)
        rows.append(
            TemplatePerformance(
                key=key,
                title=f"Revision of {revision.created_at:%Y-%m-%d %H:%M}" if revision else f"Revision {key}",
                kind=template.get_kind_display(),
                activity=Activity(),
                won=won,
                lost=closed - won,
                pending=0,
                revenue={},
                versus=comparisons_for(strata, groups, filters=filters, min_closed=settings.min_closed_deals),
                min_closed=settings.min_closed_deals,
            )
        )
    return sorted(rows, key=lambda r: r.key)


def days_from_first_use_to_close(template: CollateralTemplate, filters: ReportFilters) -> tuple[float | None, int]:
    """Median days from the template's first use for a deal to the deal's win, and its n."""
    uses = TemplateDealUse.objects.filter(
        deal_conditions(filters, prefix="deal__"),
        template=template,
        deal__outcome=Outcome.WON,
        first_used_on__lte=F("deal__close_date"),
    ).values_list("first_used_on", "deal__close_date")
    days = [(closed - first).days for first, closed in uses]
    return median(days), len(days)
