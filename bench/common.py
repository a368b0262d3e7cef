"""What every benchmark here shares: an isolated SQLite database and media folder in a temporary
directory (removed at exit), the demo loaded into it, and request timing with SQL query counts."""

import atexit
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def isolated_environment(name: str, *, task_backend: str = "django_tasks.backends.dummy.DummyBackend") -> Path:
    """Point Django at a fresh temporary database, media and render folder; call before django.setup()."""
    sys.path.insert(0, str(ROOT))
    work = Path(tempfile.mkdtemp(prefix=f"lastmile-bench-{name}-"))
    atexit.register(shutil.rmtree, work, ignore_errors=True)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="portal.settings.dev",
        DATABASE_URL=f"sqlite:///{work / 'bench.sqlite3'}",
        DJANGO_MEDIA_ROOT=str(work / "media"),
        LASTMILE_RENDER_CACHE_ROOT=str(work / "renders"),
        LASTMILE_TASK_BACKEND=task_backend,
        DJANGO_LOG_LEVEL="ERROR",
        DJANGO_ALLOWED_HOSTS="testserver,localhost",
        DJANGO_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
    return work


def setup_with_demo() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("load_demo", stdout=quiet)


def measure(call, runs: int = 50) -> tuple[list[float], int]:
    """Times of `runs` calls in ms, and the SQL queries one call makes (Django resets
    connection.queries at each request, so they are counted with an execute wrapper)."""
    from django.db import connection

    call()  # warm up
    queries = []
    with connection.execute_wrapper(lambda execute, sql, *args: queries.append(sql) or execute(sql, *args)):
        call()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return times, len(queries)


def p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20)[-1]


def print_scaling_verdict(runs: list[list[tuple[str, float, int]]], *, target_ms: float, grows_with: str) -> None:
    """`runs`: per data size, (label, p95 ms, queries) for each request measured. Says whether any
    query count grew from the first size to the second, and whether the largest size met the target."""
    if len(runs) > 1:
        grown = [label for (label, _, small), (_, _, large) in zip(*runs[:2], strict=True) if large != small]
        print(f"\nquery count grows with the {grows_with}: {', '.join(grown) if grown else 'no'}")
    slow = [label for label, slowest, _ in runs[-1] if slowest >= target_ms]
    print(f"target p95 < {target_ms} ms at the largest size: {'missed by ' + ', '.join(slow) if slow else 'met'}")


def start_postgres(name: str, *, port: int = 54360) -> str:
    """Start a throwaway PostgreSQL server the way `.ci/run` does (Debian's server binaries, run as
    the postgres user, data in a temporary folder, fsync off) and return its DATABASE_URL. The
    server is stopped and its folder removed at exit. Needs root, as CI has."""
    import glob
    import subprocess

    binaries = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda path: int(path.split("/")[-2]))
    if not binaries:
        raise SystemExit("PostgreSQL is not installed: apt-get install postgresql (as .ci/run does).")
    bin_dir = binaries[-1]
    data = tempfile.mkdtemp(prefix=f"lastmile-bench-pg-{name}-")
    shutil.chown(data, "postgres", "postgres")

    def as_postgres(*command: str) -> None:
        subprocess.run(  # noqa: S603 (fixed arguments, no input)
            ["/usr/sbin/runuser", "-u", "postgres", "--", *command], check=True, stdout=subprocess.DEVNULL
        )

    def stop() -> None:
        subprocess.run(  # noqa: S603 (fixed arguments, no input)
            ["/usr/sbin/runuser", "-u", "postgres", "--", f"{bin_dir}/pg_ctl", "-D", data, "-m", "immediate", "stop"],
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        shutil.rmtree(data, ignore_errors=True)

    as_postgres(f"{bin_dir}/initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8")
    options = f"-c listen_addresses=127.0.0.1 -p {port} -k {data} -c fsync=off -c synchronous_commit=off"
    as_postgres(f"{bin_dir}/pg_ctl", "-D", data, "-l", f"{data}/server.log", "-w", "-o", options, "start")
    atexit.register(stop)
    as_postgres(f"{bin_dir}/createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "lastmile")
    return f"postgres://postgres@127.0.0.1:{port}/lastmile"
