"""The reports' benchmark: template performance over a million delivery events, the cost the rollups
add to each download, and check_rollups over all the data; on SQLite or on a throwaway PostgreSQL.

    .venv/bin/python bench/reports.py                        # SQLite, 1,000 templates / 100,000 deals / 1,000,000 events
    .venv/bin/python bench/reports.py --small                # 10 templates / 1,000 deals / 10,000 events
    .venv/bin/python bench/reports.py --database postgres    # the same on PostgreSQL (started like CI)

The data comes from `manage.py generate_report_data` on top of the demo. On SQLite the generated
database is kept under var/bench/ (one file per size and seed) and copied for the next run; --fresh
generates it again. Targets: `template_performance` median under 300 ms on PostgreSQL and 1 s on
SQLite, per window, with and without adjustment; rollup upkeep under 2 ms per download;
check_rollups (`rollup_differences`) under 60 s.
"""

import argparse
import os
import resource
import shutil
import statistics
import time
from datetime import timedelta

from common import ROOT, isolated_environment, setup_with_demo, start_postgres

FULL = {"templates": 1000, "deals": 100_000, "events": 1_000_000}
SMALL = {"templates": 10, "deals": 1000, "events": 10_000}
ADJUST = ("size", "region", "segment", "owner")
TARGET_MS = {"postgres": 300, "sqlite": 1000}
UPKEEP_TARGET_MS = 2
CHECK_TARGET_S = 60


def prepare_data(arguments, sizes: dict, work) -> None:
    """Set Django up on a database with the demo and the generated report data."""
    import django
    from django.core.management import call_command

    cache = (
        ROOT
        / "var"
        / "bench"
        / (f"reports-{sizes['templates']}-{sizes['deals']}-{sizes['events']}-seed{arguments.seed}.sqlite3")
    )
    database = work / "bench.sqlite3"
    if arguments.database == "sqlite" and cache.exists() and not arguments.fresh:
        started = time.perf_counter()
        shutil.copyfile(cache, database)
        django.setup()
        call_command("migrate", verbosity=0)
        print(f"data: copied from {cache.relative_to(ROOT)} in {time.perf_counter() - started:.1f} s")
        return
    started = time.perf_counter()
    setup_with_demo()
    print(f"data: migrate and demo in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    call_command("generate_report_data", seed=arguments.seed, **sizes)
    print(f"data: generate_report_data in {time.perf_counter() - started:.1f} s")
    if arguments.database == "sqlite":
        from django.db import connection

        connection.close()
        cache.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(database, cache)
        print(f"data: kept in {cache.relative_to(ROOT)} for the next run")


def timed(call, runs: int) -> tuple[list[float], object]:
    result = call()  # warm up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return times, result


def p90(times: list[float]) -> float:
    return statistics.quantiles(times, n=10, method="inclusive")[-1] if len(times) > 1 else times[0]


def performance_cases(runs: int, target_ms: float, only: list[str]) -> list[tuple]:
    from django.utils import timezone

    from reports.filters import ReportFilters
    from reports.models import ReportSettings
    from reports.selectors.performance import template_performance

    settings = ReportSettings()
    today = timezone.localdate()
    windows = {
        "last month": (today - timedelta(days=30), today),
        "last quarter": (today - timedelta(days=91), today),
        "all time": (None, None),
    }
    results = []
    print(f"\ntemplate_performance, {runs} runs after a warm-up (ms)")
    print(f"{'window':<14} {'adjusted':<9} {'median':>9} {'p90':>9} {'rows':>6}  target < {target_ms} ms median")
    for window, (start, end) in windows.items():
        if window not in only:
            continue
        for adjust in ((), ADJUST):
            filters = ReportFilters(start=start, end=end, adjust=adjust)
            times, report = timed(lambda filters=filters: template_performance(filters, settings=settings), runs)
            median = statistics.median(times)
            verdict = "met" if median < target_ms else "MISSED"
            label = "yes" if adjust else "no"
            print(f"{window:<14} {label:<9} {median:>9.1f} {p90(times):>9.1f} {len(report.rows):>6}  {verdict}")
            results.append((window, bool(adjust), median, p90(times), filters))
    return results


def query_breakdown(filters, *, show: int = 5) -> None:
    """Each query of one template_performance call, slowest first, and the plan of the slowest."""
    from django.db import connection

    from reports.models import ReportSettings
    from reports.selectors.performance import template_performance

    queries = []

    def timing(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            queries.append(((time.perf_counter() - start) * 1000, sql, params))

    with connection.execute_wrapper(timing):
        template_performance(filters, settings=ReportSettings())
    queries.sort(key=lambda query: -query[0])
    total = sum(ms for ms, _, _ in queries)
    adjusted = "adjusted" if filters.adjust else "not adjusted"
    print(f"\nqueries of one call ({filters.window}, {adjusted}): {len(queries)}, {total:.0f} ms in SQL")
    for ms, sql, _ in queries[:show]:
        print(f"  {ms:8.1f} ms  {' '.join(sql.split())[:400]}")
    if not queries:
        return
    _, sql, params = queries[0]
    explain = "EXPLAIN (ANALYZE, BUFFERS)" if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN"
    with connection.cursor() as cursor:
        cursor.execute(f"{explain} {sql}", params)
        plan = cursor.fetchall()
    print(f"  plan of the slowest ({explain}):")
    for row in plan:
        print(f"    {row[-1] if connection.vendor == 'sqlite' else row[0]}")


def rollup_upkeep(runs: int = 200) -> dict:
    """The event INSERT alone against the INSERT and `roll_up`, interleaved pair by pair (both rolled
    back, so the data stays as it was); and `roll_up` timed on its own inside the second."""
    import random

    from django.db import transaction
    from django.utils import timezone

    from deals.models import DeliveryEvent
    from deals.services.rollups import roll_up

    samples = list(DeliveryEvent.objects.filter(deal__isnull=False).order_by("-pk")[:runs])
    if not samples:
        raise SystemExit("No delivery event with a deal to copy.")
    skip = {"id", "public_id", "occurred_at"}
    fields = [f.attname for f in DeliveryEvent._meta.concrete_fields if f.attname not in skip]
    rng = random.Random(1)  # noqa: S311 - picking samples

    def insert(sample, *, with_rollup: bool) -> tuple[float, float]:
        with transaction.atomic():
            start = time.perf_counter()
            event = DeliveryEvent.objects.create(
                occurred_at=timezone.now(), **{name: getattr(sample, name) for name in fields}
            )
            inserted = time.perf_counter()
            if with_rollup:
                roll_up(event)
            end = time.perf_counter()
            transaction.set_rollback(True)
        return (end - start) * 1000, (end - inserted) * 1000

    for sample in samples[:10]:  # warm up
        insert(sample, with_rollup=True)
    plain, rolled, rollup_only = [], [], []
    for _ in range(runs):
        sample = rng.choice(samples)
        plain.append(insert(sample, with_rollup=False)[0])
        total, rollup = insert(sample, with_rollup=True)
        rolled.append(total)
        rollup_only.append(rollup)
    paired = [r - p for r, p in zip(rolled, plain, strict=True)]
    figures = {
        "insert_median_ms": statistics.median(plain),
        "with_rollup_median_ms": statistics.median(rolled),
        "paired_median_ms": statistics.median(paired),
        "rollup_median_ms": statistics.median(rollup_only),
        "rollup_p90_ms": p90(rollup_only),
    }
    verdict = "met" if figures["rollup_median_ms"] < UPKEEP_TARGET_MS else "MISSED"
    print(
        f"\nrollup upkeep per download ({runs} interleaved pairs, rolled back): event INSERT alone "
        f"{figures['insert_median_ms']:.2f} ms median, with roll_up {figures['with_rollup_median_ms']:.2f} ms; "
        f"paired difference {figures['paired_median_ms']:.2f} ms median; roll_up itself "
        f"{figures['rollup_median_ms']:.2f} ms median, {figures['rollup_p90_ms']:.2f} ms p90; "
        f"target < {UPKEEP_TARGET_MS} ms: {verdict}"
    )
    return figures


def check_rollups() -> float:
    from deals.services.rollups import rollup_differences

    start = time.perf_counter()
    differences = list(rollup_differences())
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    verdict = "met" if elapsed < CHECK_TARGET_S else "MISSED"
    print(
        f"\ncheck_rollups (rollup_differences over all events): {elapsed:.1f} s, "
        f"{len(differences)} differences, peak RSS of the process so far {peak:.0f} MB; "
        f"target < {CHECK_TARGET_S} s: {verdict}"
    )
    for difference in differences[:5]:
        print(f"  {difference}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--small", action="store_true", help="10 templates, 1,000 deals, 10,000 events")
    parser.add_argument("--runs", type=int, default=7, help="timed runs per case (default 7)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--windows", default="last month,last quarter,all time", help="comma-separated subset of the windows"
    )
    parser.add_argument("--fresh", action="store_true", help="generate the SQLite data again, not from var/bench/")
    arguments = parser.parse_args()
    sizes = SMALL if arguments.small else FULL

    work = isolated_environment("reports")
    if arguments.database == "postgres":
        os.environ["DATABASE_URL"] = start_postgres("reports")
    print(f"== bench/reports.py on {arguments.database}: {', '.join(f'{v:,} {k}' for k, v in sizes.items())}")
    prepare_data(arguments, sizes, work)

    from deals.models import ActivityDay, Deal, DeliveryEvent, TemplateDealUse

    print(
        f"data: {Deal.objects.count():,} deals, {DeliveryEvent.objects.count():,} events, "
        f"{TemplateDealUse.objects.count():,} template–deal uses, {ActivityDay.objects.count():,} activity days"
    )
    if arguments.database == "postgres":
        from django.db import connection

        # What autovacuum does on a live server after a bulk load: planner statistics, and the
        # visibility map that lets PostgreSQL answer from the covering index alone.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    windows = [window.strip() for window in arguments.windows.split(",") if window.strip()]
    results = performance_cases(arguments.runs, TARGET_MS[arguments.database], windows)
    slowest = max(results, key=lambda result: result[2])
    query_breakdown(slowest[4])
    rollup_upkeep()
    check_rollups()
    print(f"== done on {arguments.database}")


if __name__ == "__main__":
    main()
