"""Render limits benchmark: how long a hostile rich-text value takes to answer, and what ordinary
editing costs (live preview, copy-fit), through the portal's own endpoints.

Hostile values are what a signed-in partner can type into a rich-text field: tens of kilobytes of
empty, stray or deeply nested tags, which count as no characters against the field's limit. Each
hostile request runs in its own process with a cap (HOSTILE_CAP_SECONDS): a request still running
at the cap is reported as "> cap" (before the limits, some run for hours).

    .venv/bin/python bench/render_limits.py            # everything
    .venv/bin/python bench/render_limits.py --hostile  # only the hostile values
    .venv/bin/python bench/render_limits.py --normal   # only ordinary editing
    .venv/bin/python bench/render_limits.py --direct --hostile --normal  # ... and past the bounds
"""

import json
import multiprocessing
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import isolated_environment, setup_with_demo

HOSTILE_CAP_SECONDS = 60
RUNS = 30

HOSTILE = {
    "30 KB of empty paragraphs": "<p></p>" * 4300,
    "30 KB of empty bold": "<strong></strong>" * 1800,
    "30 KB of stray closing tags": "x" + "</strong>" * 3400,
    "30 KB of unclosed bold": "<strong>x" * 3300,
    "3,000 nested bold": "<strong>" * 3000 + "deep" + "</strong>" * 3000,
}


def _client_and_urls():
    """A signed-in partner, the preview URL of the first template they may use with a free
    rich-text field, and that field's key."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from templates_lib.field_locks import LockMode
    from templates_lib.layouts import SlotType
    from templates_lib.selectors import templates_for_user

    partner = get_user_model().objects.get(username="partner")
    client = Client()
    client.force_login(partner)
    for template in templates_for_user(partner).order_by("title"):
        pinned = template.live_revision.as_object()
        for field in pinned.editable_fields():
            if field.lock_mode == LockMode.FREE and pinned.layout_spec.slot(field.slot).type == SlotType.RICH_TEXT:
                return client, reverse("portal:template-preview", args=[template.public_id]), field.key
    raise SystemExit("The demo has no template with a free rich-text field for the partner")


def _form(key: str, value: str) -> dict:
    return {"title": "Benchmark", key: value}


def _hostile_request(name: str, result_queue) -> None:
    """In a child process: the copy-fit request with one hostile value."""
    import django

    django.setup()
    client, url, key = _client_and_urls()
    start = time.perf_counter()
    response = client.post(url + "?fit=1", _form(key, HOSTILE[name]))
    result_queue.put((time.perf_counter() - start, response.status_code, _first_error(response.content.decode())))


def _first_error(html: str) -> str:
    marker = html.find("field__error")
    if marker < 0:
        return ""
    text = html[html.find(">", marker) + 1 :]
    return " ".join(text[: text.find("<")].split())[:90]


def hostile() -> None:
    print(f"\nHostile rich-text values, copy-fit request (each in its own process, capped at {HOSTILE_CAP_SECONDS} s)")
    from django.db import connections

    context = multiprocessing.get_context("fork")
    for name in HOSTILE:
        connections.close_all()  # the child opens its own
        results = context.Queue()
        process = context.Process(target=_hostile_request, args=(name, results))
        start = time.perf_counter()
        process.start()
        process.join(HOSTILE_CAP_SECONDS)
        if process.is_alive():
            process.kill()
            process.join()
            print(f"  {name:32} > {HOSTILE_CAP_SECONDS} s (still laying out; stopped)")
            continue
        if results.empty():
            print(f"  {name:32} crashed after {time.perf_counter() - start:.1f} s (exit {process.exitcode})")
            continue
        seconds, status, error = results.get()
        print(f"  {name:32} {seconds * 1000:8.0f} ms  HTTP {status}  {error}")


def normal() -> None:
    import django

    django.setup()
    client, url, key = _client_and_urls()
    typed = "<p>Iberia Textiles runs <strong>40 mills</strong> on three continents.</p>"

    def timed(fit: bool) -> list[float]:
        times = []
        for n in range(RUNS + 1):
            form = _form(key, typed + f"<p>Edit {n}</p>")  # a new value each time, as when typing
            start = time.perf_counter()
            response = client.post(url + ("?fit=1" if fit else ""), form)
            assert response.status_code == 200, response.status_code
            times.append((time.perf_counter() - start) * 1000)
        return times[1:]  # the first warms up

    print(f"\nOrdinary editing, demo one-pager ({RUNS} requests each)")
    for label, fit in (("live preview (HTML)", False), ("copy-fit check", True)):
        times = timed(fit)
        deciles = statistics.quantiles(times, n=10)
        print(f"  {label:22} median {statistics.median(times):6.1f} ms   p90 {deciles[-1]:6.1f} ms")
    print(json.dumps({"render_isolation": _isolation_setting()}))


def direct() -> None:
    """Markup past every input bound, sent straight to the renderer (only code can do that): the
    render limit stops it, and an ordinary layout started meanwhile is not held up."""
    import threading

    from brand.services import brand_snapshot
    from templates_lib.rendering import isolation
    from templates_lib.rendering.errors import RenderError
    from templates_lib.rendering.html import render_collateral_html
    from templates_lib.selectors import templates_for_user

    django_setup()
    from django.contrib.auth import get_user_model

    partner = get_user_model().objects.get(username="partner")
    template = templates_for_user(partner).order_by("title").first().live_revision.as_object()
    brand = brand_snapshot()
    ordinary = render_collateral_html(template=template, values={}, profile="digital", brand=brand)
    hostile = "<html><body>" + "<p></p>" * 12000 + "</body></html>"

    def lay_out(html: str) -> float:
        start = time.perf_counter()
        try:
            isolation.run("lay_out", html, profile="digital", brand=brand, expected_pages=None, write=False)
            outcome = "laid out"
        except RenderError as exc:
            outcome = str(exc)
        return time.perf_counter() - start, outcome

    lay_out(ordinary)  # the render processes warm up
    lay_out(ordinary)
    found = {}
    thread = threading.Thread(target=lambda: found.update(hostile=lay_out(hostile)))
    thread.start()
    time.sleep(0.5)
    found["ordinary"] = lay_out(ordinary)
    thread.join()
    print("\nStraight to the renderer, past every input bound (12,000 empty paragraphs)")
    for label in ("hostile", "ordinary"):
        seconds, outcome = found[label]
        print(f"  {label:10} {seconds * 1000:8.0f} ms  {outcome[:100]}")


def django_setup() -> None:
    import django

    django.setup()


def _isolation_setting() -> str:
    from django.conf import settings

    if not getattr(settings, "LASTMILE_RENDER_ISOLATION", False):
        return "in the web process"
    return f"{settings.LASTMILE_RENDER_PROCESSES} render processes, {settings.LASTMILE_RENDER_TIMEOUT_SECONDS} s limit"


def main() -> None:
    isolated_environment("render-limits")
    setup_with_demo()
    print(f"Lastmile render limits benchmark ({os.cpu_count()} cores, SQLite, test client)")
    if "--normal" not in sys.argv:
        hostile()
    if "--hostile" not in sys.argv:
        normal()
    if "--direct" in sys.argv or len(sys.argv) == 1:
        direct()


if __name__ == "__main__":
    main()
