"""Portal benchmark: server time and SQL queries of the live-preview request for the demo
one-pager, and of the template library page with 20 and with 2,000 templates.

    .venv/bin/python bench/portal.py

Builds its own SQLite database in a temporary folder and loads the demo.
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK = Path(tempfile.mkdtemp(prefix="lastmile-bench-portal-"))
os.environ.update(
    DJANGO_SETTINGS_MODULE="portal.settings.dev",
    DATABASE_URL=f"sqlite:///{WORK / 'bench.sqlite3'}",
    DJANGO_MEDIA_ROOT=str(WORK / "media"),
    LASTMILE_RENDER_CACHE_ROOT=str(WORK / "renders"),
    LASTMILE_TASK_BACKEND="django_tasks.backends.dummy.DummyBackend",
    DJANGO_LOG_LEVEL="ERROR",
    DJANGO_ALLOWED_HOSTS="testserver,localhost",
)

RUNS = 50


def measure(call) -> tuple[list[float], int]:
    from django.db import connection

    call()  # warm up
    # Django resets connection.queries at each request, so count with an execute wrapper instead.
    queries = []
    with connection.execute_wrapper(lambda execute, sql, *args: queries.append(sql) or execute(sql, *args)):
        call()
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return times, len(queries)


def report(label: str, times: list[float], queries: int) -> None:
    p95 = statistics.quantiles(times, n=20)[-1]
    print(f"  {label:<44} median {statistics.median(times):6.1f} ms   p95 {p95:6.1f} ms   {queries:3d} queries")


def add_templates(count: int) -> None:
    """Clone the demo one-pager's published state `count` times (bulk, with tags)."""
    import uuid

    from taggit.models import Tag

    from templates_lib.models import CollateralTemplate, TemplateTag

    source = CollateralTemplate.objects.get(title="Product one-pager")
    tag, _ = Tag.objects.get_or_create(name="bulk", defaults={"slug": "bulk"})
    clones = [
        CollateralTemplate(
            public_id=uuid.uuid4(),
            title=f"Regional one-pager {n:04d}",
            description=source.description,
            kind=source.kind,
            layout=source.layout,
            live=True,
            live_revision_id=source.live_revision_id,
            latest_revision_id=source.latest_revision_id,
        )
        for n in range(count)
    ]
    CollateralTemplate.objects.bulk_create(clones, batch_size=500)
    TemplateTag.objects.bulk_create([TemplateTag(content_object=c, tag=tag) for c in clones], batch_size=500)


def main() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115

    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from templates_lib.models import CollateralTemplate

    client = Client()
    client.force_login(get_user_model().objects.get(username="rep"))
    onepager = CollateralTemplate.objects.get(title="Product one-pager")
    preview_url = reverse("portal:template-preview", args=[onepager.public_id])
    form = {
        "title": "Fjord Maritime one-pager",
        "eyebrow": "Content that wins deals",
        "subheadline": "Made for Fjord Maritime's fleet team",
        "cta_heading": "Book a 30-minute demo",
    }

    def preview():
        response = client.post(preview_url, form)
        assert response.status_code == 200, response.status_code

    def library():
        response = client.get(reverse("portal:library"))
        assert response.status_code == 200, response.status_code

    print(f"Lastmile portal benchmark ({os.cpu_count()} cores, SQLite, {RUNS} requests each, test client)")
    report("live preview, demo one-pager", *measure(preview))
    add_templates(20 - CollateralTemplate.objects.count())
    report(f"library page, {CollateralTemplate.objects.count()} templates", *measure(library))
    add_templates(2000 - CollateralTemplate.objects.count())
    report(f"library page, {CollateralTemplate.objects.count()} templates", *measure(library))


if __name__ == "__main__":
    main()
