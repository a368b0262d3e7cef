"""Render benchmark: prints cold and warm render times, our overhead against WeasyPrint alone,
the cached repeat download, and memory over many renders.

    .venv/bin/python bench/render.py            # full run (about two minutes)
    .venv/bin/python bench/render.py --quick    # fewer renders, for a smoke test

It builds its own SQLite database and media folder in a temporary directory and loads the demo.
"""

import argparse
import os
import resource
import statistics
import time

from common import isolated_environment, setup_with_demo

isolated_environment("render", task_backend="django_tasks.backends.immediate.ImmediateBackend")


def rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1024 / 1024


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10)[-1]


def bench_document(label, document, warm_runs: int) -> None:
    from django.test import Client
    from django.urls import reverse

    from weasyprint import HTML

    from templates_lib.fetcher import ASSET_ORIGIN, ProjectFilesFetcher
    from templates_lib.rendering.cache import render_job_for_document
    from templates_lib.rendering.engine import _font_config_for, layout_pdf_document, write_pdf
    from templates_lib.rendering.html import render_collateral_html
    from templates_lib.rendering.pdf import render_collateral_pdf
    from templates_lib.rendering.profile import Profile

    job = render_job_for_document(document, profile=Profile.PRINT)

    def ours(job=job):
        render_collateral_pdf(**job.render_arguments)

    cold = timed(ours)
    warm = [timed(ours) for _ in range(warm_runs)]
    html = render_collateral_html(**job.render_arguments)
    options = {"pdf_variant": "pdf/x-4", "output_intent": "srgb", "dpi": 300, "optimize_images": True}

    def weasyprint_alone(html=html):
        HTML(string=html, base_url=f"{ASSET_ORIGIN}/", url_fetcher=ProjectFilesFetcher()).write_pdf(
            font_config=_font_config_for(job.brand.version), **options
        )

    weasyprint_alone()
    plain = [timed(weasyprint_alone) for _ in range(warm_runs)]

    def layout_only(html=html):
        layout_pdf_document(html, profile=job.profile, brand=job.brand)

    layout = [timed(layout_only) for _ in range(max(3, warm_runs // 4))]
    document_obj = layout_pdf_document(html, profile=job.profile, brand=job.brand)
    write = [timed(lambda d=document_obj: write_pdf(d, profile=job.profile, brand=job.brand)) for _ in range(3)]

    client = Client()
    client.force_login(document.owner)
    url = reverse("portal:document-pdf", args=[document.public_id])
    b"".join(client.get(url).streaming_content)  # fills the cache
    cached = [timed(lambda: b"".join(client.get(url).streaming_content)) for _ in range(warm_runs)]

    median_warm, median_plain = statistics.median(warm), statistics.median(plain)
    print(f"\n{label} ({job.template.title}, {len(document_obj.pages)} page(s), print profile)")
    print(f"  cold render                    {cold:8.1f} ms")
    print(f"  warm render  median / p90      {median_warm:8.1f} / {p90(warm):.1f} ms  (n={warm_runs})")
    print(f"  WeasyPrint alone, same HTML    {median_plain:8.1f} ms median")
    print(f"  our overhead ratio             {median_warm / median_plain:8.2f} x")
    print(f"  of which layout / PDF writing  {statistics.median(layout):8.1f} / {statistics.median(write):.1f} ms")
    print(f"  cached repeat download         {statistics.median(cached):8.1f} ms median (test client)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    warm_runs, soak_runs = (5, 40) if args.quick else (20, 200)

    setup_with_demo()

    from templates_lib.models import CollateralDocument
    from templates_lib.rendering.cache import render_job_for_document
    from templates_lib.rendering.pdf import render_collateral_pdf
    from templates_lib.rendering.profile import Profile

    print(f"Lastmile render benchmark ({os.cpu_count()} cores, WeasyPrint {__import__('weasyprint').__version__})")
    documents = {c.template.title: c for c in CollateralDocument.objects.select_related("template", "owner")}
    cases = [("one-pager", documents.get("Product one-pager")), ("brochure", documents.get("Platform brochure 2026"))]
    for label, document in cases:
        if document is None:
            print(f"\n{label}: no demo document with this layout")
            continue
        bench_document(label, document, warm_runs)

    onepager = documents["Product one-pager"]
    job = render_job_for_document(onepager, profile=Profile.PRINT)
    memory = {}
    for i in range(1, soak_runs + 1):
        render_collateral_pdf(**job.render_arguments)
        if i in (20, soak_runs):
            memory[i] = rss_mb()
    print(
        f"\nmemory: peak RSS {peak_mb():.0f} MB; RSS after 20 renders {memory[20]:.0f} MB, "
        f"after {soak_runs} {memory[soak_runs]:.0f} MB ({(memory[soak_runs] / memory[20] - 1) * 100:+.1f}%)"
    )


if __name__ == "__main__":
    main()
