"""Library benchmark: server time and SQL queries of the template library (`GET /library/`) for
partner users and an internal rep, with a small and then a large generated data set
(`manage.py generate_scale_data`). The query count must not grow with the data.

    .venv/bin/python bench/library.py            # 200/50/2,000 then 2,000/500/20,000
    .venv/bin/python bench/library.py --quick    # the small data set only

Builds its own SQLite database in a temporary folder and loads the demo. Target: under 100 ms
per request at full size. The last block repeats the measures after `ANALYZE`: without table
statistics SQLite joins the search index the slow way round (index entries first, then one FTS
probe per entry), which is what a fresh or never-analysed production database does too.
"""

import argparse
import io
import os
import statistics
import time

from common import isolated_environment, p95, print_scaling_verdict, setup_with_demo
from common import measure as measure_runs

isolated_environment("library")  # about 20 MB, removed at exit

RUNS = 50
TARGET_MS = 100
SIZES = [
    {"templates": 200, "organisations": 50, "users": 2000},
    {"templates": 2000, "organisations": 500, "users": 20000},
]
SEARCH = "forecast"
KIND = "datasheet"


def measure(call) -> tuple[list[float], int]:
    return measure_runs(call, RUNS)


def report(label: str, times: list[float], queries: int, shown: int) -> float:
    print(
        f"  {label:<44} median {statistics.median(times):6.1f} ms   p95 {p95(times):6.1f} ms   {queries:3d} queries"
        f"   ({shown} templates)"
    )
    return p95(times)


def counts() -> str:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from accounts.models import Organisation
    from templates_lib.models import CollateralTemplate, TemplateGroupGrant

    return (
        f"{CollateralTemplate.objects.filter(live=True).count()} live templates, "
        f"{Organisation.objects.count()} organisations, {get_user_model().objects.count()} users, "
        f"{Group.objects.count()} groups, {TemplateGroupGrant.objects.count()} shares"
    )


def cases():
    """(label, user, query string) for each measured request."""
    from django.contrib.auth import get_user_model

    from accounts.roles import Role

    users = get_user_model().objects.select_related("organisation")
    partner = users.get(username="partner")
    assert partner.organisation.name == "Brightpath Partners", partner.organisation
    generated = (
        users.filter(
            username__startswith="scale-user-", organisation__is_active=True, groups__name=Role.PARTNER_USER.label
        )
        .order_by("username")
        .first()
    )
    rep = users.get(username="rep")
    return [
        ("demo partner (Brightpath, Gold)", partner, ""),
        (f"demo partner, search ?q={SEARCH}", partner, f"q={SEARCH}"),
        (f"demo partner, filter ?kind={KIND}", partner, f"kind={KIND}"),
        (f"generated partner ({generated.organisation.tier})", generated, ""),
        ("internal rep (EMEA)", rep, ""),
        (f"internal rep, search ?q={SEARCH}", rep, f"q={SEARCH}"),
    ]


def bench_library() -> list[tuple[str, float, int]]:
    from django.test import Client
    from django.urls import reverse

    from templates_lib.selectors import template_library

    url = reverse("portal:library")
    results = []
    for label, user, query in cases():
        client = Client()
        client.force_login(user)
        params = dict(part.split("=") for part in query.split("&") if part)
        shown = template_library(user, kind=params.get("kind", ""), query=params.get("q", "")).count()

        def library(client=client, query=query):
            response = client.get(f"{url}?{query}" if query else url)
            assert response.status_code == 200, response.status_code

        times, queries = measure(library)
        results.append((label, report(label, times, queries, shown), queries))
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    sizes = SIZES[:1] if args.quick else SIZES

    setup_with_demo()
    from django.core.management import call_command

    # The demo's templates are search-indexed by a task, which the dummy task backend never runs.
    from wagtail.search.backends import get_search_backend

    from templates_lib.models import CollateralTemplate

    get_search_backend().add_bulk(CollateralTemplate, list(CollateralTemplate.get_indexed_objects()))

    print(f"Lastmile library benchmark ({os.cpu_count()} cores, SQLite, {RUNS} requests each, test client)")
    print(f"  demo only: {counts()}")
    runs = []
    for size in sizes:
        out = io.StringIO()
        start = time.perf_counter()
        call_command("generate_scale_data", stdout=out, **size)
        elapsed = time.perf_counter() - start
        print(f"\ngenerate_scale_data {' '.join(f'--{k} {v}' for k, v in size.items())}: {elapsed:.1f} s")
        print(f"  {counts()}")
        runs.append(bench_library())

    if not args.quick:
        # SQLite plans the search index join badly without table statistics (see the docstring).
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        connection.close()
        print("\nsame data after ANALYZE (SQLite table statistics)")
        bench_library()

    print_scaling_verdict(runs, target_ms=TARGET_MS, grows_with="data")


if __name__ == "__main__":
    main()
