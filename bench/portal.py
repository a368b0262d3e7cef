"""Portal benchmark: server time and SQL queries of the live-preview request for the demo
one-pager, and of the template library page with 20 and with 2,000 templates.

    .venv/bin/python bench/portal.py

Builds its own SQLite database in a temporary folder and loads the demo.
"""

import os
import statistics

from common import isolated_environment, measure, p95, setup_with_demo

isolated_environment("portal")
RUNS = 50


def report(label: str, times: list[float], queries: int) -> None:
    print(f"  {label:<44} median {statistics.median(times):6.1f} ms   p95 {p95(times):6.1f} ms   {queries:3d} queries")


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
    setup_with_demo()

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
