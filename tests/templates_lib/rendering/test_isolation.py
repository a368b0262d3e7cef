"""Every layout runs in a render process with hard limits: a render that breaks one ends as a clear
error, its process is replaced, and other renders carry on meanwhile."""

import threading
import time

from django.db import transaction

import pytest

from brand.services import brand_snapshot
from templates_lib.rendering import isolation
from templates_lib.rendering.errors import RenderInTransactionError, RenderLimitError
from templates_lib.rendering.html import render_collateral_html
from templates_lib.rendering.profile import Profile

pytestmark = pytest.mark.slow

# Far past every input bound: only a direct call to the engine can carry it. Laying it out takes
# the engine tens of seconds (bench/render_limits.py); nested 3,000 deep it overflows the stack.
EMPTY_PARAGRAPHS = "<html><body>" + "<p></p>" * 6000 + "</body></html>"
NESTED = "<html><body>" + "<b>" * 3000 + "deep" + "</b>" * 3000 + "</body></html>"


@pytest.fixture
def small_pool():
    """Two render processes; a layout may take 3 s."""
    pool = isolation.RenderPool(
        2, isolation.Limits(timeout_seconds=3, memory_bytes=2048 * 1024 * 1024, queue_seconds=30)
    )
    yield pool
    pool.stop()


def _lay_out(pool, html: str, brand=None):
    brand = brand or brand_snapshot()
    return pool.run("lay_out", html, profile=Profile.DIGITAL, brand=brand, expected_pages=None, write=False)


@pytest.fixture
def ordinary_html(onepager, rep):
    return render_collateral_html(template=onepager.live_revision.as_object(), values={}, profile=Profile.DIGITAL)


def test_a_layout_past_the_time_limit_is_stopped_with_a_clear_error(small_pool, brand_kit):
    started = time.monotonic()

    with pytest.raises(RenderLimitError) as stopped:
        _lay_out(small_pool, EMPTY_PARAGRAPHS)

    assert time.monotonic() - started < 10
    assert str(stopped.value) == (
        "Laying this document out took longer than 3 seconds, so it was stopped. "
        "Shorten or simplify the text and try again."
    )


def test_another_users_layout_carries_on_while_one_is_stopped(small_pool, ordinary_html):
    brand = brand_snapshot()  # read here: the test database belongs to this thread
    _lay_out(small_pool, ordinary_html, brand)  # both processes started and warm
    _lay_out(small_pool, ordinary_html, brand)
    outcome = {}

    def hostile():
        try:
            _lay_out(small_pool, EMPTY_PARAGRAPHS, brand)
        except RenderLimitError as exc:
            outcome["hostile"] = str(exc)

    thread = threading.Thread(target=hostile)
    thread.start()
    time.sleep(0.3)
    started = time.monotonic()
    laid_out = _lay_out(small_pool, ordinary_html, brand)
    ordinary_seconds = time.monotonic() - started
    thread.join()

    assert laid_out.pages == 1
    assert ordinary_seconds < 2.5
    assert outcome["hostile"].startswith("Laying this document out took longer than 3 seconds")


def test_the_stopped_process_is_replaced_and_the_pool_keeps_working(small_pool, ordinary_html):
    with pytest.raises(RenderLimitError):
        _lay_out(small_pool, EMPTY_PARAGRAPHS)

    results = [_lay_out(small_pool, ordinary_html) for _ in range(3)]

    assert [result.pages for result in results] == [1, 1, 1]


def test_nesting_too_deep_for_the_engine_is_a_clear_error_not_a_crash(small_pool, ordinary_html):
    with pytest.raises(RenderLimitError) as refused:
        _lay_out(small_pool, NESTED)

    assert str(refused.value) == "This text is nested too deeply to lay out. Remove some formatting."
    assert _lay_out(small_pool, ordinary_html).pages == 1


def test_a_render_process_over_its_memory_limit_fails_clearly_and_is_replaced(ordinary_html):
    starved = isolation.RenderPool(
        1, isolation.Limits(timeout_seconds=30, memory_bytes=64 * 1024 * 1024, queue_seconds=30)
    )
    try:
        with pytest.raises(RenderLimitError) as failed:
            _lay_out(starved, ordinary_html)
    finally:
        starved.stop()

    assert "Please try again" in str(failed.value) or "more memory" in str(failed.value)


def test_a_render_inside_a_database_transaction_is_refused(ordinary_html):
    with pytest.raises(RenderInTransactionError), transaction.atomic():
        isolation.run(
            "lay_out", ordinary_html, profile=Profile.DIGITAL, brand=brand_snapshot(), expected_pages=None, write=False
        )


def test_the_pool_answers_with_the_engines_result(ordinary_html):
    laid_out = isolation.run(
        "lay_out", ordinary_html, profile=Profile.DIGITAL, brand=brand_snapshot(), expected_pages=1, write=True
    )

    assert laid_out.pages == 1
    assert laid_out.pdf.startswith(b"%PDF")
    assert laid_out.overflows == {}
    assert laid_out.refused == ()
