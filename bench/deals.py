"""Issue 12's benchmark: deals and tracking, on SQLite or on PostgreSQL (started the way CI starts it).

    .venv/bin/python bench/deals.py                          # SQLite: import, download, share
    .venv/bin/python bench/deals.py --database postgres      # the same on a throwaway PostgreSQL server
    .venv/bin/python bench/deals.py --only download,share    # a subset
    .venv/bin/python bench/deals.py --rows 10000             # a smaller import

Targets on the 2-core machine: importing 100,000 deals in under 30 s and 250 MB (streaming); the
delivery event adds under 3 ms to a cached final download at the median; a share-link page view
under 30 ms at the median with the page images cached.
"""

import argparse
import os

from common import isolated_environment, setup_with_demo, start_postgres

PARTS = ("import", "download", "share")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--rows", type=int, default=100_000, help="deals in the import (default 100,000)")
    parser.add_argument("--only", default=",".join(PARTS), help=f"comma-separated subset of {', '.join(PARTS)}")
    arguments = parser.parse_args()
    parts = [part.strip() for part in arguments.only.split(",") if part.strip()]
    unknown = sorted(set(parts) - set(PARTS))
    if unknown:
        parser.error(f"unknown part(s): {', '.join(unknown)}")

    isolated_environment("deals")
    if arguments.database == "postgres":
        os.environ["DATABASE_URL"] = start_postgres("deals")
    print(f"== bench/deals.py on {arguments.database}")
    setup_with_demo()

    results = {}
    if "import" in parts:
        from deals_import import run_import_benchmark

        results["import"] = run_import_benchmark(rows=arguments.rows)
    if "download" in parts:
        from deals_download import run_download_benchmark

        results["download"] = run_download_benchmark()
    if "share" in parts:
        from deals_share import run_share_benchmark

        share = results["share"] = run_share_benchmark()
        print(
            f"share-link page view ({share['runs']} runs, {share['pages']} page(s), images cached): "
            f"{share['median_ms']:.2f} ms median, {share['p90_ms']:.2f} ms p90, "
            f"{share['queries']} queries; target under {share['target_median_ms']} ms median: "
            f"{'met' if share['target_met'] else 'missed'}"
        )
    print(f"== done on {arguments.database}: {', '.join(results)}")


if __name__ == "__main__":
    main()
