"""The review screen in a real browser: a resubmitted rewrite reads side by side with its
formatting, the word changes are one click away, and the reviewer's earlier comment sits beside
the field; nothing is cut off on a phone."""

from django.conf import settings
from django.test import Client

import pytest

from approvals.services import Decision, document_submit, document_update, review_decide
from tests.factories.approvals import make_document, pending_round
from tests.factories.templates_lib import default_fields, make_template

from .conftest import ARTIFACTS

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _second_round(rep, brand_manager):
    fields = default_fields()
    for spec in fields:
        if spec["key"] == "body":
            spec.update(needs_review=True, allow_italic=True)
    template = make_template(title="Story one-pager", fields=fields)
    document = make_document(
        template, rep, values={"body": "<p>Our <strong>proven</strong> approach, <em>at scale</em>.</p>"}
    )
    document_submit(document, user=rep)
    review_decide(
        task_state_id=pending_round(document).pk,
        reviewer=brand_manager,
        decision=Decision.REQUEST_CHANGES,
        comment="",
        field_comments={"body": "Drop “at scale”: we cannot prove it"},
    )
    document_update(document=document, values={"body": "<p>Our <strong>proven</strong> approach.</p>"}, check_fit=False)
    document_submit(document, user=rep)
    return pending_round(document)


def test_a_resubmission_reads_side_by_side_and_switches_to_word_changes(
    live_server, browser_page, brand_kit, rep, brand_manager
):
    round_ = _second_round(rep, brand_manager)
    client = Client()
    client.force_login(brand_manager)
    page = browser_page
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/admin/reviews/{round_.pk}/", wait_until="domcontentloaded", timeout=90_000)

    story = page.locator("#field-body")
    assert story.locator(".lm-comment--earlier").inner_text().startswith("Your comment last round:")
    last_round = story.locator(".lm-since .lm-view-side")
    assert last_round.is_visible()
    assert last_round.locator("strong", has_text="proven").count() == 2  # bold rendered on both sides
    assert not story.locator(".lm-since .lm-view-diff").is_visible()
    story.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "review-side-by-side-1280.png"), full_page=True)

    page.get_by_label("Word changes").check()

    assert story.locator(".lm-since .lm-view-diff del", has_text="at scale").is_visible()
    assert not last_round.is_visible()
    page.screenshot(path=str(ARTIFACTS / "review-word-changes-1280.png"), full_page=True)

    page.set_viewport_size({"width": 390, "height": 844})
    page.get_by_label("Side by side").check()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    story.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "review-side-by-side-390.png"))
    story.screenshot(path=str(ARTIFACTS / "review-field-390.png"))
