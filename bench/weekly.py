"""The weekly record's benchmark: building the whole company's record of the last complete week on
the reports' data (bench/reports.py: `manage.py generate_report_data` on top of the demo), plus a
few hundred priority deals, so every section has rows to find. Target: under 10 s.

Measured (2026-12-06, SQLite, full size, 2 shared cores): median 6.25 s, slowest 8.45 s, 36 queries
with the machine's load average near 8; 1.4–1.6 s per build on the same data when it was quieter.
The adoption section (people with access this week and the week before) is most of it.

    .venv/bin/python bench/weekly.py                        # SQLite, 1,000 templates / 100,000 deals / 1,000,000 events
    .venv/bin/python bench/weekly.py --small                # 10 templates / 1,000 deals / 10,000 events
    .venv/bin/python bench/weekly.py --database postgres    # the same on PostgreSQL (started like CI)

On SQLite the generated data is shared with bench/reports.py (var/bench/, one file per size and
seed). `run()` is what bench/feedback.py calls: on a Django already set up it uses the database
as it is; otherwise it prepares one as above.
"""

import argparse
import importlib.util
import os
import statistics
import time
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

from common import isolated_environment, start_postgres

TARGET_S = 10.0
PRIORITY_DEALS = 300


def _bench_reports():
    """bench/reports.py under another name: `reports` is the Django app's."""
    spec = importlib.util.spec_from_file_location("bench_reports", Path(__file__).with_name("reports.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _prepare(*, database: str, small: bool, seed: int, fresh: bool) -> None:
    bench_reports = _bench_reports()
    sizes = bench_reports.SMALL if small else bench_reports.FULL
    work = isolated_environment("weekly")
    if database == "postgres":
        os.environ["DATABASE_URL"] = start_postgres("weekly", port=54361)
    print(f"== bench/weekly.py on {database}: {', '.join(f'{v:,} {k}' for k, v in sizes.items())}")
    bench_reports.prepare_data(SimpleNamespace(database=database, seed=seed, fresh=fresh), sizes, work)
    if database == "postgres":
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def _mark_priority_deals(count: int) -> int:
    """Top the priority deals up to `count` open deals (a throwaway database: nothing to keep)."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from deals.models import Deal
    from feedback.models import PriorityDeal

    missing = count - PriorityDeal.objects.count()
    if missing <= 0:
        return PriorityDeal.objects.count()
    marker = get_user_model().objects.filter(is_superuser=True).first() or get_user_model().objects.first()
    deals = (
        Deal.objects.alive()
        .open()
        .filter(priority__isnull=True)
        .order_by("pk")
        .values_list("pk", "region_id")[:missing]
    )
    PriorityDeal.objects.bulk_create(
        PriorityDeal(deal_id=deal_id, region_id=region_id, marked_by=marker) for deal_id, region_id in deals
    )
    # Marked a month ago: a deal marked after the week was not a priority during it.
    PriorityDeal.objects.update(marked_at=timezone.now() - timedelta(days=30))
    return PriorityDeal.objects.count()


def run(*, database: str = "sqlite", small: bool = False, seed: int = 1, fresh: bool = False, runs: int = 3) -> dict:
    """Time building the whole company's weekly record of the last complete week (median of
    `runs` builds after a warm-up; each build deletes the previous record first)."""
    from django.apps import apps

    if not apps.ready:
        _prepare(database=database, small=small, seed=seed, fresh=fresh)

    from django.db import connection

    from deals.models import DeliveryEvent
    from reports.models import WeeklyRecord
    from reports.selectors.weekly import last_complete_week
    from reports.services.weekly import weekly_record_build

    priority = _mark_priority_deals(PRIORITY_DEALS)
    week_start = last_complete_week()
    print(f"data: {DeliveryEvent.objects.count():,} events, {priority} priority deals; week of {week_start}")

    def build():
        WeeklyRecord.objects.filter(week_start=week_start, region=None).delete()
        return weekly_record_build(week_start=week_start, region=None).record

    build()  # warm-up
    times, queries = [], []
    for _ in range(runs):
        counted: list[str] = []

        def count(execute, sql, *args, counted=counted):
            counted.append(sql)
            return execute(sql, *args)

        with connection.execute_wrapper(count):
            started = time.perf_counter()
            record = build()
            times.append(time.perf_counter() - started)
        queries.append(len(counted))
    median = statistics.median(times)
    figures = record.figures
    print(
        "record: "
        + ", ".join(
            f"{name} n={figures[name]['n']}"
            for name in ("templates_used", "documents_rejected", "new_requests", "unused_templates")
        )
        + f", priority deals without collateral n={figures['neglected_priority_deals']['n']}"
    )
    verdict = "met" if median < TARGET_S else "MISSED"
    print(
        f"weekly record, whole company: median {median:.2f} s, slowest {max(times):.2f} s over {runs} runs, "
        f"{queries[-1]} queries; target < {TARGET_S:.0f} s {verdict}"
    )
    return {
        "database": connection.vendor,
        "median_s": median,
        "max_s": max(times),
        "queries": queries[-1],
        "target_s": TARGET_S,
        "met": median < TARGET_S,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--small", action="store_true", help="10 templates, 1,000 deals, 10,000 events")
    parser.add_argument("--runs", type=int, default=3, help="timed builds after a warm-up (default 3)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--fresh", action="store_true", help="generate the SQLite data again, not from var/bench/")
    arguments = parser.parse_args()
    run(
        database=arguments.database,
        small=arguments.small,
        seed=arguments.seed,
        fresh=arguments.fresh,
        runs=arguments.runs,
    )


if __name__ == "__main__":
    main()
