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

from django.db import connection
from django.db.models import Case, CharField, Count, F, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce, Concat

from approvals.reviewers import in_regions
from deals.models import ActivityDay, Deal, Outcome, RevisionDealUse, TemplateDealUse
from templates_lib.models import CollateralDocument, CollateralTemplate

from ..filters import Comparison, ReportFilters
from ..models import ReportSettings
from ..stats import (
    BetaPrior,
    Estimate,
    Interval,
    MantelHaenszelSums,
    Rate,
    benjamini_hochberg,
    fit_beta_prior,
    katz_ratio,
    mantel_haenszel_from_sums,
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


def size_band(edges: list[Decimal]) -> Case:
    """The deal's currency and size band, e.g. "EUR ≤ 50000": sizes are compared within a currency."""
    whens = [When(amount__isnull=True, then=Value("no amount"))]
    whens += [When(amount__lte=edge, then=Concat(F("currency"), Value(f" ≤ {edge}"))) for edge in edges]
    return Case(*whens, default=Concat(F("currency"), Value(" larger")), output_field=CharField())


def strata_expressions(adjust: Iterable[str], *, edges: list[Decimal]) -> dict:
    """One column per factor held equal, never NULL (so strata can be matched with `=`)."""
    columns = {
        "size": lambda: size_band(edges),
        "region": lambda: Coalesce(F("region_id"), Value(0)),
        "segment": lambda: F("segment"),
        "owner": lambda: Coalesce(F("owner_id"), Value(0)),
    }
    return {f"stratum_{name}": columns[name]() for name in adjust if name in columns}


Counts = dict[tuple, list[int]]  # (key,) -> [won, lost]


@dataclass
class Uses:
    counts: Counts  # (template or revision,) -> [won, lost]
    revenue: dict[int, dict[str, Decimal]]  # template -> currency -> won amount


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


def used_counts(filters: ReportFilters, *, by_revision_of: int | None = None) -> Uses:
    """Won and lost closed deals that used each template (or each revision of one template) before
    closing, and the amount won per currency: grouped in the database, a few rows per template."""
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


def _used_any() -> Case:
    return Case(
        When(use__first_used_on__lte=F("close_date"), then=Value(1)), default=Value(0), output_field=IntegerField()
    )


def comparison_counts(filters: ReportFilters) -> Counts:
    """Won and lost closed deals that used any template before closing (key 1) and none (key 0)."""
    rows = (
        Deal.objects.filter(deal_conditions(filters))
        .order_by()
        .annotate(used_any=_used_any())
        .values_list("used_any", "outcome")
        .annotate(n=Count("pk"))
    )
    counts: Counts = defaultdict(lambda: [0, 0])
    for used_any, outcome, n in rows:
        counts[(used_any,)][0 if outcome == Outcome.WON else 1] += n
    return counts


def _mh_sum_columns(c: str, n0: str) -> str:
    """SQL for the Mantel–Haenszel sums (MantelHaenszelSums' fields, in order) over the strata of
    one template, against the group whose wins and size per stratum are the columns `c` and `n0`;
    strata where that group is empty add nothing."""
    big_n = f"(n1 + {n0})"
    terms = [
        f"1.0 * a * {n0} / {big_n}",
        f"1.0 * {c} * n1 / {big_n}",
        f"(1.0 * (a + {c}) * n1 * {n0} - 1.0 * a * {c} * {big_n}) / (1.0 * {big_n} * {big_n})",
        f"1.0 * n1 * {n0} / {big_n}",
        f"(1.0 * a * {n0} - 1.0 * {c} * n1) / {big_n}",
        f"(1.0 * n1 * n1 * {c} - 1.0 * {n0} * {n0} * a + 1.0 * n1 * {n0} * ({n0} - n1) / 2) / (1.0 * {big_n} * {big_n})",
        f"(1.0 * a * ({n0} - {c}) + 1.0 * {c} * (n1 - a)) / (2.0 * {big_n})",
        "1",
    ]
    return ", ".join(f"SUM(CASE WHEN {n0} > 0 THEN {term} ELSE 0 END)" for term in terms)


def adjusted_sums(
    filters: ReportFilters, *, edges: list[Decimal], by_revision_of: int | None = None
) -> dict[int, dict[str, MantelHaenszelSums]]:
    """Per template (or revision), the Mantel–Haenszel sums against each comparison group, holding
    `filters.adjust` equal, added up in the database: one row per template comes back, however many
    strata there are (an owner per stratum makes tens of thousands)."""
    strata = strata_expressions(filters.adjust, edges=edges)
    closed = (
        Deal.objects.filter(deal_conditions(filters))
        .order_by()
        .annotate(
            deal_key=F("id"),
            closed_on=F("close_date"),
            won=Case(When(outcome=Outcome.WON, then=Value(1)), default=Value(0), output_field=IntegerField()),
            used_any=_used_any(),
            **strata,
        )
        .values("deal_key", "closed_on", "won", "used_any", *strata)
    )
    closed_sql, params = closed.query.sql_with_params()
    quote = connection.ops.quote_name
    model, key = (
        (TemplateDealUse, "template_id") if by_revision_of is None else (RevisionDealUse, "template_revision_id")
    )
    names = [quote(name) for name in strata]
    on_strata = " AND ".join(f"used.{name} = strata.{name}" for name in names)
    condition, extra = "", []
    if by_revision_of is not None:
        condition, extra = "AND u.template_id = %s", [by_revision_of]
    elif filters.kind:
        template_table = quote(CollateralTemplate._meta.db_table)
        condition = f"AND u.template_id IN (SELECT id FROM {template_table} WHERE kind = %s)"  # noqa: S608
        extra = [filters.kind]
    sql = f"""
        WITH closed AS ({closed_sql}),
        strata AS (
            SELECT {", ".join(names)}, SUM(used_any * won) AS any_won, SUM(used_any) AS any_n,
                   SUM((1 - used_any) * won) AS none_won, SUM(1 - used_any) AS none_n
            FROM closed GROUP BY {", ".join(names)}
        ),
        used AS (
            SELECT u.{quote(key)} AS k, {", ".join(f"c.{name}" for name in names)}, SUM(c.won) AS a, COUNT(*) AS n1
            FROM {quote(model._meta.db_table)} u JOIN closed c ON c.{quote("deal_key")} = u.{quote("deal_id")}
            WHERE u.{quote("first_used_on")} <= c.{quote("closed_on")} {condition}
            GROUP BY u.{quote(key)}, {", ".join(f"c.{name}" for name in names)}
        ),
        pairs AS (
            SELECT used.k AS k, used.a AS a, used.n1 AS n1,
                   strata.none_won AS c_none, strata.none_n AS n0_none,
                   strata.any_won - used.a AS c_other, strata.any_n - used.n1 AS n0_other
            FROM used JOIN strata ON {on_strata}
        )
        SELECT k, {_mh_sum_columns("c_none", "n0_none")}, {_mh_sum_columns("c_other", "n0_other")}
        FROM pairs GROUP BY k
    """  # noqa: S608 (table and column names from the models; values are parameters)
    sums: dict[int, dict[str, MantelHaenszelSums]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *extra])
        for k, *values in cursor.fetchall():
            none, other = values[:8], values[8:]
            sums[k] = {
                Comparison.NO_TEMPLATE: MantelHaenszelSums(*map(float, none[:7]), int(none[7])),
                Comparison.OTHER_TEMPLATES: MantelHaenszelSums(*map(float, other[:7]), int(other[7])),
            }
    return sums


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
        documents = documents.filter(in_regions(filters.region_ids, prefix="owner__"))
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


def _totals(won_lost: list[int]) -> tuple[int, int]:
    """(won, closed) from [won, lost]."""
    return won_lost[0], won_lost[0] + won_lost[1]


def compare(
    label: str,
    used: tuple[int, int],
    group_totals: tuple[int, int],
    *,
    without_used: bool = False,
    min_closed: int,
    adjusted: MantelHaenszelSums | None,
) -> GroupComparison:
    """T's won and closed deals against a comparison group's totals; `without_used` takes T's own
    deals out of the group ("other templates" is "any template" minus T). `adjusted` are the
    Mantel–Haenszel sums when the analyst holds something equal."""
    a, n1 = used
    c, n0 = group_totals
    if without_used:
        c, n0 = c - a, n0 - n1
    adjusted_ratio, adjusted_difference = mantel_haenszel_from_sums(adjusted) if adjusted else (None, None)
    return GroupComparison(
        label=label,
        wins=c,
        n=n0,
        difference=newcombe_difference(a, n1, c, n0),
        ratio=katz_ratio(a, n1, c, n0),
        adjusted_difference=adjusted_difference,
        adjusted_ratio=adjusted_ratio,
        p_value=_p_value((a, n1, c, n0), adjusted_difference, adjusted is not None),
        judged=n1 >= min_closed and n0 >= min_closed,
    )


NOTHING_INFORMATIVE = MantelHaenszelSums(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0)


def comparisons_for(
    used: tuple[int, int],
    comparison: Counts,
    adjusted: dict[str, MantelHaenszelSums] | None,
    *,
    filters: ReportFilters,
    min_closed: int,
) -> dict[str, GroupComparison]:
    """T (won, closed) against no template and other templates, as the filters ask."""
    any_totals, none_totals = _totals(comparison.get((1,), [0, 0])), _totals(comparison.get((0,), [0, 0]))
    if filters.adjust and adjusted is None:
        adjusted = {}
    versus = {}
    if filters.compare in (Comparison.BOTH, Comparison.NO_TEMPLATE):
        versus[Comparison.NO_TEMPLATE] = compare(
            "No template",
            used,
            none_totals,
            min_closed=min_closed,
            adjusted=None if adjusted is None else adjusted.get(Comparison.NO_TEMPLATE, NOTHING_INFORMATIVE),
        )
    if filters.compare in (Comparison.BOTH, Comparison.OTHER_TEMPLATES):
        versus[Comparison.OTHER_TEMPLATES] = compare(
            "Other templates",
            used,
            any_totals,
            without_used=True,
            min_closed=min_closed,
            adjusted=None if adjusted is None else adjusted.get(Comparison.OTHER_TEMPLATES, NOTHING_INFORMATIVE),
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


def _counts(
    filters: ReportFilters, settings: ReportSettings, by_revision_of: int | None = None
) -> tuple[Uses, Counts, dict[int, dict[str, MantelHaenszelSums]] | None]:
    adjusted = (
        adjusted_sums(filters, edges=settings.size_band_edges, by_revision_of=by_revision_of)
        if filters.adjust
        else None
    )
    return used_counts(filters, by_revision_of=by_revision_of), comparison_counts(filters), adjusted


def _performance_row(
    key: int,
    *,
    title: str,
    kind: str,
    uses: Uses,
    comparison: Counts,
    adjusted: dict[int, dict[str, MantelHaenszelSums]] | None,
    filters: ReportFilters,
    settings: ReportSettings,
    **extra,
) -> TemplatePerformance:
    won, closed = _totals(uses.counts.get((key,), [0, 0]))
    return TemplatePerformance(
        key=key,
        title=title,
        kind=kind,
        won=won,
        lost=closed - won,
        versus=comparisons_for(
            (won, closed),
            comparison,
            None if adjusted is None else adjusted.get(key, {}),
            filters=filters,
            min_closed=settings.min_closed_deals,
        ),
        min_closed=settings.min_closed_deals,
        **extra,
    )


def template_performance(filters: ReportFilters, *, settings: ReportSettings) -> PerformanceReport:
    uses, comparison, adjusted = _counts(filters, settings)
    pending = pending_counts(filters)
    activity = activity_by_template(filters)
    keys = {key for (key,) in uses.counts} | pending.keys() | activity.keys()
    templates = CollateralTemplate.objects.only("pk", "title", "kind").in_bulk(keys)
    counted = {"uses": uses, "comparison": comparison, "adjusted": adjusted, "filters": filters, "settings": settings}
    rows = [
        _performance_row(
            key,
            title=template.title,
            kind=template.get_kind_display(),
            template=template,
            activity=activity.get(key, Activity()),
            pending=pending.get(key, 0),
            revenue=uses.revenue.get(key, {}),
            **counted,
        )
        for key, template in templates.items()
    ]
    q = float(settings.false_discovery_rate)
    compared = control_false_discoveries(rows, q=q)
    prior = fit_beta_prior([row.rate for row in rows if row.closed])
    return PerformanceReport(
        rows=rank(rows, prior),
        filters=filters,
        min_closed=settings.min_closed_deals,
        q=q,
        compared=compared,
        groups={
            Comparison.NO_TEMPLATE: Rate(*_totals(comparison.get((0,), [0, 0]))),
            "any": Rate(*_totals(comparison.get((1,), [0, 0]))),
        },
        prior=prior,
    )


def revision_performance(
    template: CollateralTemplate, filters: ReportFilters, *, settings: ReportSettings
) -> list[TemplatePerformance]:
    """The same figures per revision of one template: "did the new version do better?"."""
    uses, comparison, adjusted = _counts(filters, settings, by_revision_of=template.pk)
    keys = sorted(key for (key,) in uses.counts)
    revisions = {r.pk: r for r in template.revisions.filter(pk__in=keys)}
    counted = {"uses": uses, "comparison": comparison, "adjusted": adjusted, "filters": filters, "settings": settings}
    return [
        _performance_row(
            key,
            title=f"Revision of {revisions[key].created_at:%Y-%m-%d %H:%M}" if key in revisions else f"Revision {key}",
            kind=template.get_kind_display(),
            activity=Activity(),
            pending=0,
            revenue={},
            **counted,
        )
        for key in keys
    ]


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
