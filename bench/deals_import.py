"""Deal import benchmark: a realistic Salesforce opportunity report of 100,000 rows (US formats,
15-character ids, report footer) uploaded, previewed and committed through the import service,
then imported again (every row unchanged). Target: under 30 s and 250 MB, streaming.

    .venv/bin/python bench/deals_import.py             # 100,000 rows on a fresh SQLite database
    .venv/bin/python bench/deals_import.py --rows 10000

`run_import_benchmark(rows)` assumes Django is set up on a migrated database (bench/deals.py calls
it on SQLite and PostgreSQL). Peak memory is the growth of the process's peak resident set size
(ru_maxrss) over the import, so it includes Python's and the database driver's own allocations;
the CSV is generated to a file on disk first and does not count."""

import random
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

STAGES = [
    "Prospecting",
    "Qualification",
    "Needs Analysis",
    "Proposal/Price Quote",
    "Negotiation/Review",
    "Closed Won",
    "Closed Lost",
]
ACCOUNTS = ["Acme Logistics", "Borealis Health", "Kestrel Aerospace", "Helios Solar", "Granite Bank", "Fjord Maritime"]
OWNERS = ["Dana Whitfield", "Marcus Bell", "Sofia Lindqvist", "Aiko Tanaka", "Ravi Menon", "Former Employee"]
HEADER = (
    '"Opportunity ID","Opportunity Name","Account Name","Opportunity Owner","Stage","Amount Currency",'
    '"Amount","Close Date","Created Date","Closed","Won","Lead Source","Type"\r\n'
)
_ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def write_salesforce_report(path: Path, rows: int, *, seed: int = 12) -> None:
    """A Salesforce "Export details" CSV of `rows` opportunities, footer included."""
    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write(HEADER)
        for n in range(rows):
            opportunity_id = "006" + "".join(rng.choice(_ID_CHARS) for _ in range(6)) + f"{n:06d}"
            account = rng.choice(ACCOUNTS)
            stage = rng.choice(STAGES)
            amount = rng.choice([4800, 9900.5, 12500, 18000, 25000, 42000, 75000, 120000, 1250000])
            month, day = rng.randint(1, 12), rng.randint(1, 28)
            closed = "1" if stage.startswith("Closed") else "0"
            won = "1" if stage == "Closed Won" else "0"
            out.write(
                f'"{opportunity_id}","{account} - Deal {n}","{account}","{rng.choice(OWNERS)}","{stage}",'
                f'"{rng.choice(["USD", "EUR", "GBP"])}","{amount:,.2f}","{month}/{day}/2026","{month}/1/2026",'
                f'"{closed}","{won}","Web","New Business"\r\n'
            )
        out.write('\r\n"Total","","","","","","","","","","","",""\r\n\r\n')
        out.write('"Confidential Information - Do Not Distribute"\r\n')
        out.write('"Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved."\r\n')


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def _prepare():
    from accounts.models import User
    from deals.models import Connection, Outcome, Stage, StageMapping

    connection, _ = Connection.objects.get_or_create(name="Bench Salesforce", defaults={"kind": "salesforce"})
    for order, label in enumerate(STAGES):
        category = Outcome.WON if label == "Closed Won" else Outcome.LOST if label == "Closed Lost" else Outcome.OPEN
        stage, _ = Stage.objects.get_or_create(
            name=f"Bench {label}", defaults={"sort_order": 500 + order, "category": category}
        )
        StageMapping.objects.get_or_create(connection=connection, value=label, defaults={"stage": stage})
    importer, _ = User.objects.get_or_create(
        username="bench-importer", defaults={"is_superuser": True, "email": "bench-importer@example.com"}
    )
    for name in OWNERS[:-1]:
        first, last = name.split()
        User.objects.get_or_create(
            username=f"bench-{first.lower()}",
            defaults={"first_name": first, "last_name": last, "email": f"bench-{first.lower()}@example.com"},
        )
    return connection, importer


def _import_once(path: Path, connection, importer) -> tuple[float, float, object]:
    from django.core.files.uploadedfile import UploadedFile

    from deals.services.imports import deal_import_commit, deal_import_upload

    start = time.perf_counter()
    with open(path, "rb") as file:
        upload = UploadedFile(file=file, name="opportunities.csv", size=path.stat().st_size)
        deal_import = deal_import_upload(user=importer, uploaded_file=upload, connection=connection)
    previewed = time.perf_counter()
    deal_import = deal_import_commit(deal_import=deal_import, user=importer)
    return previewed - start, time.perf_counter() - previewed, deal_import


def run_import_benchmark(rows: int = 100_000) -> dict:
    """Import `rows` generated opportunities twice (the second time every row is unchanged);
    returns and prints the timings, rows per second and peak memory growth (ru_maxrss)."""
    work = Path(tempfile.mkdtemp(prefix="lastmile-bench-import-"))
    try:
        return _run(work, rows)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _run(work: Path, rows: int) -> dict:
    from django.db import connection as db
    from django.test import override_settings

    from deals.models import Deal

    path = work / "opportunities.csv"
    write_salesforce_report(path, rows)
    connection, importer = _prepare()
    with override_settings(
        LASTMILE_IMPORT_ROOT=work / "kept",
        LASTMILE_IMPORT_INLINE_BYTES=1 << 40,  # run inside this process, not through the worker
        LASTMILE_IMPORT_MAX_ROWS=max(rows, 200_000),
        LASTMILE_IMPORT_MAX_BYTES=1 << 30,
    ):
        rss_before = _peak_rss_mb()
        preview_s, commit_s, first = _import_once(path, connection, importer)
        rss_peak = _peak_rss_mb()
        again_preview_s, again_commit_s, second = _import_once(path, connection, importer)
    assert first.state == "committed", (first.state, first.failure)
    assert first.result.get("created") == rows, first.result
    assert second.result.get("unchanged") == rows, second.result
    assert Deal.objects.filter(connection=connection).count() == rows
    total = preview_s + commit_s
    result = {
        "database": db.vendor,
        "rows": rows,
        "file_mb": round(path.stat().st_size / 1e6, 1),
        "preview_seconds": round(preview_s, 2),
        "commit_seconds": round(commit_s, 2),
        "seconds": round(total, 2),
        "rows_per_second": round(rows / total),
        "reimport_seconds": round(again_preview_s + again_commit_s, 2),
        "peak_memory_mb": round(rss_peak - rss_before, 1),
        "memory_measure": "growth of peak RSS (ru_maxrss) during the first import",
        "process_peak_rss_mb": round(rss_peak, 1),
        "target_met": total < 30 and rss_peak < 250,
    }
    print(
        f"deal import on {result['database']}: {rows:,} rows ({result['file_mb']} MB) in {total:.1f} s "
        f"(preview {preview_s:.1f} s, commit {commit_s:.1f} s) = {result['rows_per_second']:,} rows/s; "
        f"peak memory +{result['peak_memory_mb']} MB during the import, {result['process_peak_rss_mb']} MB for the "
        f"whole process (Django, the demo load and the import; ru_maxrss); re-import (no change) "
        f"{result['reimport_seconds']} s; target <30 s and <250 MB: {'met' if result['target_met'] else 'MISSED'}"
    )
    return result


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from common import isolated_environment

    isolated_environment("deals-import")
    rows = int(sys.argv[sys.argv.index("--rows") + 1]) if "--rows" in sys.argv else 100_000
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    run_import_benchmark(rows)
