"""The field feedback benchmark (issue 16): template recommendations for open deals with 100,000
closed deals in the database, then the weekly record (bench/weekly.py's `run`, when that module
is there); on SQLite or on a throwaway PostgreSQL.

    .venv/bin/python bench/feedback.py                        # SQLite, 1,000 templates / 170,000 deals (about 100,000 closed) / 1,000,000 events
    .venv/bin/python bench/feedback.py --small                # 10 templates / 1,000 deals / 10,000 events
    .venv/bin/python bench/feedback.py --database postgres    # the same on PostgreSQL (started like CI)

The data comes from `manage.py generate_report_data` on top of the demo, prepared as bench/reports.py
prepares it (on SQLite kept under var/bench/, one file per size and seed, and copied for the next
run; --fresh generates it again). The generator closes about 60 % of its deals, so the full size
asks for 170,000 deals to have 100,000 closed ones.

Recommendations are timed for `--deals` open deals (default 20): the most common kind of deal
(the largest group of similar closed deals) and others picked at random, each seen by its owner
and by the marketing analyst (every template is theirs, so the owner's audience decides).
Target: `recommendations_for_deal` median under 100 ms.
"""

import argparse
import importlib.util
import os
import random
import statistics
import time
from pathlib import Path
from types import SimpleNamespace

from common import isolated_environment, start_postgres

FULL = {"templates": 1000, "deals": 170_000, "events": 1_000_000}
SMALL = {"templates": 10, "deals": 1000, "events": 10_000}
TARGET_MS = 100


def _bench_module(name: str):
    """bench/<name>.py under another name (`reports` is also the Django app's)."""
    path = Path(__file__).with_name(f"{name}.py")
    if not path.exists():
        return None
    spec = importlib.util.spec_from_file_location(f"bench_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def prepare(arguments) -> dict:
    sizes = SMALL if arguments.small else FULL
    work = isolated_environment("feedback")
    if arguments.database == "postgres":
        os.environ["DATABASE_URL"] = start_postgres("feedback", port=54362)
    print(f"== bench/feedback.py on {arguments.database}: {', '.join(f'{v:,} {k}' for k, v in sizes.items())}")
    bench_reports = _bench_module("reports")
    bench_reports.prepare_data(
        SimpleNamespace(database=arguments.database, seed=arguments.seed, fresh=arguments.fresh), sizes, work
    )
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # what autovacuum does after a bulk load
    return sizes


def pick_deals(count: int, seed: int) -> list:
    """The open deal of the most common kind (segment, region, currency) first, then random ones."""
    from django.db.models import Count

    from deals.models import Deal, Outcome

    open_deals = Deal.objects.open().filter(owner__isnull=False)
    common = (
        Deal.objects.filter(outcome__in=(Outcome.WON, Outcome.LOST), deleted_at__isnull=True)
        .values("segment", "region_id", "currency")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    picked = []
    if common:
        first = open_deals.filter(
            segment=common["segment"], region_id=common["region_id"], currency=common["currency"]
        ).first()
        if first:
            picked.append(first)
    ids = list(open_deals.values_list("pk", flat=True))
    rng = random.Random(seed)  # noqa: S311 - picking samples
    for pk in rng.sample(ids, k=min(len(ids), max(0, count - len(picked)))):
        picked.append(Deal.objects.select_related("owner", "region").get(pk=pk))
    return picked


def time_recommendations(deals: list, runs: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection

    from deals.models import Deal, Outcome
    from reports.models import ReportSettings
    from reports.selectors.recommendations import recommendations_for_deal

    settings = ReportSettings.load()
    analyst = get_user_model().objects.get(username="analyst")
    closed = Deal.objects.filter(outcome__in=(Outcome.WON, Outcome.LOST), deleted_at__isnull=True).count()
    print(
        f"\nrecommendations_for_deal: {len(deals)} open deals, {closed:,} closed deals in the database, "
        f"{runs} runs each after a warm-up (ms)"
    )
    print(f"{'deal':<22} {'viewer':<8} {'median':>8} {'max':>8} {'cpu':>6} {'queries':>8} {'similar':>8}  result")
    every, every_cpu, per_call = [], [], []
    for deal in deals:
        for label, viewer in (("owner", deal.owner), ("analyst", analyst)):

            def call(deal=deal, viewer=viewer):
                return recommendations_for_deal(deal, viewer=viewer, settings=settings)

            result = call()  # warm-up
            queries: list[str] = []

            def count(execute, sql, *args, queries=queries):
                queries.append(sql)
                return execute(sql, *args)

            with connection.execute_wrapper(count):
                call()
            times, cpu = [], []
            for _ in range(runs):
                started, started_cpu = time.perf_counter(), time.process_time()
                call()
                times.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - started_cpu) * 1000)
            every += times
            every_cpu += cpu
            per_call.append(statistics.median(times))
            verdict = "judged" if result.is_judged else "too few: most used"
            top = result.items[0] if result.items else None
            detail = f"{verdict}; top: {top.template.title[:28]}" if top else f"{verdict}; nothing to offer"
            if top and result.is_judged:
                detail += f" ({top.wins}/{top.n})"
            print(
                f"{deal.name[:22]:<22} {label:<8} {statistics.median(times):>8.1f} {max(times):>8.1f} "
                f"{statistics.median(cpu):>6.1f} "
                f"{len(queries):>8} {result.similar_closed:>8,}  {detail}"
            )
    median = statistics.median(every)
    verdict = "met" if median < TARGET_MS else "MISSED"
    print(
        f"all calls: median {median:.1f} ms, slowest deal's median {max(per_call):.1f} ms, "
        f"slowest call {max(every):.1f} ms; target median < {TARGET_MS} ms: {verdict}"
    )
    # On a shared machine the wall clock includes waiting for a CPU; the process's own CPU time
    # (Python and SQLite, which runs in-process) is what one call costs.
    print(f"CPU time of this process per call: median {statistics.median(every_cpu):.1f} ms")
    return {
        "median_ms": median,
        "cpu_median_ms": statistics.median(every_cpu),
        "slowest_median_ms": max(per_call),
        "max_ms": max(every),
        "closed_deals": closed,
    }


def query_plan(deal) -> None:
    """The queries of one call and the plans of its two reads (the similar deals, their uses).
    SQLite does a query's work while its rows are fetched, so the times are of the call as a whole."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from reports.models import ReportSettings
    from reports.selectors.recommendations import recommendations_for_deal

    queries = []

    def record(execute, sql, params, many, context):
        queries.append((sql, params))
        return execute(sql, params, many, context)

    analyst = get_user_model().objects.get(username="analyst")
    with connection.execute_wrapper(record):
        recommendations_for_deal(deal, viewer=analyst, settings=ReportSettings.load())
    print(f"\nqueries of one call for {deal.name} seen by the analyst: {len(queries)}")
    explain = "EXPLAIN ANALYZE" if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN"
    for sql, params in queries:
        reads = ('FROM "deals_deal" WHERE', 'FROM "deals_templatedealuse" WHERE "deals_templatedealuse"."deal_id" IN')
        if not any(read in sql for read in reads):
            continue
        print(f"  {' '.join(sql.split())[:160]}…")
        with connection.cursor() as cursor:
            cursor.execute(f"{explain} {sql}", params)
            for row in cursor.fetchall():
                print(f"    {row[-1] if connection.vendor == 'sqlite' else row[0]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--small", action="store_true", help="10 templates, 1,000 deals, 10,000 events")
    parser.add_argument("--runs", type=int, default=7, help="timed runs per deal and viewer (default 7)")
    parser.add_argument("--deals", type=int, default=20, help="open deals to recommend for (default 20)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--fresh", action="store_true", help="generate the SQLite data again, not from var/bench/")
    parser.add_argument("--skip-weekly", action="store_true", help="do not run bench/weekly.py's part")
    arguments = parser.parse_args()

    prepare(arguments)
    deals = pick_deals(arguments.deals, arguments.seed)
    if not deals:
        raise SystemExit("No open deal to recommend for.")
    time_recommendations(deals, arguments.runs)
    query_plan(deals[0])

    # --- The weekly record (bench/weekly.py, written alongside): run on the same database ---------
    weekly = None if arguments.skip_weekly else _bench_module("weekly")
    if weekly is not None and hasattr(weekly, "run"):
        print("\n-- bench/weekly.py run() on the same data")
        weekly.run(database=arguments.database, small=arguments.small, seed=arguments.seed, fresh=arguments.fresh)
    elif not arguments.skip_weekly:
        print("\n(bench/weekly.py not found: no weekly record timing)")
    print(f"== done on {arguments.database}")


if __name__ == "__main__":
    main()
