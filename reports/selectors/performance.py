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

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from math import erf, sqrt

from django.db.models import Case, CharField, Count, F, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Concat

from deals.models import ActivityDay, Deal, Outcome, RevisionDealUse, TemplateDealUse
from templates_lib.models import CollateralDocument, CollateralTemplate

from ..filters import Comparison, ReportFilters
from ..models import ReportSettings
from ..stats import (
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
    newcombe_difference,
    shrunken_rate,
    two_sided_p_difference,
)

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


def size_band(prefix: str, edges: list[Decimal]) -> Case:
    """The deal's currency and size band, e.g. "EUR ≤ 50000": sizes are compared within a currency."""
    amount, currency = f"{prefix}amount", f"{prefix}currency"
    whens = [When(**{f"{amount}__isnull": True}, then=Value("no amount"))]
    whens += [When(**{f"{amount}__lte": edge}, then=Concat(F(currency), Value(f" ≤ {edge}"))) for edge in edges]
    return Case(*whens, default=Concat(F(currency), Value(" larger")), output_field=CharField())


def strata_expressions(adjust: Iterable[str], *, prefix: str, edges: list[Decimal]) -> dict:
    columns = {
        "size": lambda: size_band(prefix, edges),
        "region": lambda: F(f"{prefix}region_id"),
        "segment": lambda: F(f"{prefix}segment"),
        "owner": lambda: F(f"{prefix}owner_id"),
    }
    return {f"stratum_{name}": columns[name]() for name in adjust if name in columns}


Counts = dict[tuple, list[int]]  # (key, stratum...) -> [won, lost]


def _won_lost(rows: Iterable[dict], key: str, strata: list[str]) -> Counts:
    counts: Counts = defaultdict(lambda: [0, 0])
    for row in rows:
        index = 0 if row["outcome"] == Outcome.WON else 1
        counts[(row[key], *(row[s] for s in strata))][index] += row["n"]
    return counts


def used_counts(filters: ReportFilters, *, edges: list[Decimal], by_revision_of: int | None = None) -> Counts:
    """Won and lost closed deals that used each template (or each revision of one template)."""
    model, key = (
        (TemplateDealUse, "template_id") if by_revision_of is None else (RevisionDealUse, "template_revision_id")
    )
    uses = model.objects.filter(deal_conditions(filters, prefix="deal__"), first_used_on__lte=F("deal__close_date"))
    if by_revision_of is not None:
        uses = uses.filter(template_id=by_revision_of)
    elif filters.kind:
        uses = uses.filter(template__kind=filters.kind)
    strata = strata_expressions(filters.adjust, prefix="deal__", edges=edges)
    rows = (
        uses.order_by()
        .annotate(outcome=F("deal__outcome"), **strata)
        .values(key, "outcome", *strata)
        .annotate(n=Count("pk"))
    )
    return _won_lost(rows, key, list(strata))


def comparison_counts(filters: ReportFilters, *, edges: list[Decimal]) -> Counts:
    """Won and lost closed deals per stratum, split by whether they used any template before closing
    (key 1) or none (key 0)."""
    strata = strata_expressions(filters.adjust, prefix="", edges=edges)
    used = Case(
        When(use__first_used_on__lte=F("close_date"), then=Value(1)), default=Value(0), output_field=IntegerField()
    )
    rows = (
        Deal.objects.filter(deal_conditions(filters))
        .order_by()
        .annotate(used_any=used, **strata)
        .values("used_any", "outcome", *strata)
        .annotate(n=Count("pk"))
    )
    return _won_lost(rows, "used_any", list(strata))


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


def revenue_won(filters: ReportFilters) -> dict[int, dict[str, Decimal]]:
    """Won amount per template and currency (never added across currencies)."""
    uses = TemplateDealUse.objects.filter(
        deal_conditions(filters, prefix="deal__"), deal__outcome=Outcome.WON, first_used_on__lte=F("deal__close_date")
    ).exclude(deal__amount__isnull=True)
    if filters.kind:
        uses = uses.filter(template__kind=filters.kind)
    revenue: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for template_id, currency, total in (
        uses.order_by().values_list("template_id", "deal__currency").annotate(total=Sum("deal__amount"))
    ):
        revenue[template_id][currency or "?"] = total
    return revenue


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
    if filters.start:
        documents = documents.filter(created_at__date__gte=filters.start)
    if filters.end:
        documents = documents.filter(created_at__date__lte=filters.end)
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


def compare(
    label: str, used: dict[tuple, list[int]], group: dict[tuple, list[int]], *, min_closed: int, adjusted: bool
) -> GroupComparison:
    """T's strata `used` against a comparison group's strata `group` (both stratum -> [won, lost])."""
    strata = [
        Stratum(
            a=used.get(s, [0, 0])[0],
            n1=sum(used.get(s, [0, 0])),
            c=group.get(s, [0, 0])[0],
            n0=sum(group.get(s, [0, 0])),
        )
        for s in used.keys() | group.keys()
    ]
    a, n1 = sum(s.a for s in strata), sum(s.n1 for s in strata)
    c, n0 = sum(s.c for s in strata), sum(s.n0 for s in strata)
    adjusted_difference = mantel_haenszel_difference(strata) if adjusted else None
    return GroupComparison(
        label=label,
        wins=c,
        n=n0,
        difference=newcombe_difference(a, n1, c, n0),
        ratio=katz_ratio(a, n1, c, n0),
        adjusted_difference=adjusted_difference,
        adjusted_ratio=mantel_haenszel_ratio(strata) if adjusted else None,
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


def _minus(total: dict[tuple, list[int]], part: dict[tuple, list[int]]) -> dict[tuple, list[int]]:
    return {s: [won - part.get(s, [0, 0])[0], lost - part.get(s, [0, 0])[1]] for s, (won, lost) in total.items()}


def comparisons_for(
    used: dict[tuple, list[int]],
    any_used: dict[tuple, list[int]],
    none_used: dict[tuple, list[int]],
    *,
    filters: ReportFilters,
    min_closed: int,
) -> dict[str, GroupComparison]:
    adjusted = bool(filters.adjust)
    versus = {}
    if filters.compare in (Comparison.BOTH, Comparison.NO_TEMPLATE):
        versus[Comparison.NO_TEMPLATE] = compare(
            "No template", used, none_used, min_closed=min_closed, adjusted=adjusted
        )
    if filters.compare in (Comparison.BOTH, Comparison.OTHER_TEMPLATES):
        versus[Comparison.OTHER_TEMPLATES] = compare(
            "Other templates", used, _minus(any_used, used), min_closed=min_closed, adjusted=adjusted
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
    edges = settings.size_band_edges
    used = _by_key(used_counts(filters, edges=edges))
    any_used, none_used = _groups(comparison_counts(filters, edges=edges))
    pending = pending_counts(filters)
    revenue = revenue_won(filters)
    activity = activity_by_template(filters)
    keys = used.keys() | pending.keys() | activity.keys()
    templates = CollateralTemplate.objects.in_bulk(keys)
    rows = []
    for key in keys:
        template = templates.get(key)
        if template is None:
            continue
        strata = used.get(key, {})
        rows.append(
            TemplatePerformance(
                key=key,
                title=template.title,
                kind=template.get_kind_display(),
                template=template,
                activity=activity.get(key, Activity()),
                won=sum(won for won, _ in strata.values()),
                lost=sum(lost for _, lost in strata.values()),
                pending=pending.get(key, 0),
                revenue=revenue.get(key, {}),
                versus=comparisons_for(
                    strata, any_used, none_used, filters=filters, min_closed=settings.min_closed_deals
                ),
                min_closed=settings.min_closed_deals,
            )
        )
    q = float(settings.false_discovery_rate)
    compared = control_false_discoveries(rows, q=q)
    prior = fit_beta_prior([row.rate for row in rows if row.closed])
    groups = {
        Comparison.NO_TEMPLATE: Rate(*_won_n(none_used)),
        "any": Rate(*_won_n(any_used)),
    }
    return PerformanceReport(
        rows=rank(rows, prior),
        filters=filters,
        min_closed=settings.min_closed_deals,
        q=q,
        compared=compared,
        groups=groups,
        prior=prior,
    )


def _won_n(strata: dict[tuple, list[int]]) -> tuple[int, int]:
    won = sum(w for w, _ in strata.values())
    return won, won + sum(lost for _, lost in strata.values())


def revision_performance(
    template: CollateralTemplate, filters: ReportFilters, *, settings: ReportSettings
) -> list[TemplatePerformance]:
    """The same figures per revision of one template: "did the new version do better?"."""
    edges = settings.size_band_edges
    used = _by_key(used_counts(filters, edges=edges, by_revision_of=template.pk))
    any_used, none_used = _groups(comparison_counts(filters, edges=edges))
    revisions = {r.pk: r for r in template.revisions.filter(pk__in=used.keys())}
    rows = []
    for key, strata in used.items():
        revision = revisions.get(key)
        rows.append(
            TemplatePerformance(
                key=key,
                title=f"Revision of {revision.created_at:%Y-%m-%d %H:%M}" if revision else f"Revision {key}",
                kind=template.get_kind_display(),
                activity=Activity(),
                won=sum(won for won, _ in strata.values()),
                lost=sum(lost for _, lost in strata.values()),
                pending=0,
                revenue={},
                versus=comparisons_for(
                    strata, any_used, none_used, filters=filters, min_closed=settings.min_closed_deals
                ),
                min_closed=settings.min_closed_deals,
            )
        )
    return sorted(rows, key=lambda r: r.key)
