"""Share-link page view benchmark: server time of the prospect's page (`GET /s/<token>/`) with the
page images already cached, through Django's test client. Each view records its open (a delivery
event) as in production. Target: under 30 ms at the median.

    .venv/bin/python bench/deals_share.py

As a script it builds its own SQLite database in a temporary folder and loads the demo;
`run_share_benchmark()` assumes that is done (bench.common.setup_with_demo) so bench/deals.py can
call it. The rate limits are raised for the run: the benchmark opens one link hundreds of times.
"""

import statistics
import time

RUNS = 200
TARGET_MS = 30


def run_share_benchmark(runs: int = RUNS) -> dict:
    """Make a share link to an approved demo document, warm its PDF and page images, then time the
    share page view. Returns median and p90 in ms, the SQL queries of one view, and the runs."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings

    from approvals.output import final_output, final_output_refusal
    from deals.services.share_links import share_link_create
    from deals.services.share_pages import page_image, pages_in
    from templates_lib.models import CollateralDocument
    from templates_lib.rendering.profile import Profile

    document = next(
        document
        for document in CollateralDocument.objects.alive().select_related("owner", "template").order_by("pk")
        if not final_output_refusal(document)
    )
    created = share_link_create(document=document, created_by=document.owner, recipient_name="Bench Prospect")
    output = final_output(document, profile=Profile.DIGITAL, deal=None)
    for page in range(1, pages_in(output) + 1):
        page_image(output, page=page)

    client = Client()
    url = created.path
    limits = {"LASTMILE_SHARE_LINK_OPENS_PER_LINK": 10**9, "LASTMILE_SHARE_LINK_REQUESTS_PER_ADDRESS": 10**9}
    with override_settings(**limits):
        assert client.get(url).status_code == 200  # warm up (the first open also notifies the owner)
        queries: list[str] = []
        with connection.execute_wrapper(lambda execute, sql, *args: queries.append(sql) or execute(sql, *args)):
            client.get(url)
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, response.status_code
    deciles = statistics.quantiles(times, n=10)
    return {
        "document": document.title,
        "pages": pages_in(output),
        "runs": runs,
        "median_ms": round(statistics.median(times), 2),
        "p90_ms": round(deciles[-1], 2),
        "queries": len(queries),
        "target_median_ms": TARGET_MS,
        "target_met": statistics.median(times) < TARGET_MS,
    }


if __name__ == "__main__":
    from common import isolated_environment, setup_with_demo

    isolated_environment("deals-share")
    setup_with_demo()
    result = run_share_benchmark()
    print(
        f"share page view ({result['document']}, {result['pages']} page(s), page images cached): "
        f"median {result['median_ms']} ms, p90 {result['p90_ms']} ms, {result['queries']} queries per view, "
        f"{result['runs']} runs; target median < {TARGET_MS} ms: {'met' if result['target_met'] else 'MISSED'}"
    )
