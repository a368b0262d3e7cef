"""The approval loop in real browsers: a rep submits a document, a brand manager asks for a change
on one field in Wagtail admin, the rep fixes it and resubmits, the brand manager approves, and the
rep downloads a final PDF with the fixed text and no draft watermark."""

import io
from pathlib import Path

from django.core.management import call_command

import pytest

from ..pdf import text as pdf_text
from .conftest import ARTIFACTS

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

DOCUMENT = "Product one-pager – Fjord Maritime (draft story)"
FIXED_STORY = "Fjord Maritime forecasts charters with Northwind Analytics."


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", stdout=io.StringIO())


def _sign_in(page, base_url: str, username: str) -> None:
    page.goto(base_url + "/sign-in/")
    page.fill("#id_username", username)
    page.fill("#id_password", "lastmile-demo")
    page.click("button[type=submit]")
    page.wait_for_url("**/library/")


def _open_review(page, base_url: str) -> None:
    page.goto(base_url + "/admin/reviews/")
    page.click(f"a:has-text('{DOCUMENT}')")
    page.wait_for_selector("text=Your decision")


def test_request_changes_resubmit_approve_download(demo, live_server, browser_page):
    rep = browser_page
    base = live_server.url
    brand = rep.context.browser.new_context(viewport={"width": 1400, "height": 950}).new_page()
    brand.set_default_timeout(20_000)

    # The rep submits the document, which needs approval for its own story.
    _sign_in(rep, base, "rep")
    rep.goto(base + "/documents/")
    rep.click(f"a:has-text('{DOCUMENT}')")
    rep.wait_for_selector(".approval-badge >> text=Needs approval")
    rep.click("text=Add a note for the reviewer")
    rep.fill("#approval-note", "For the Friday pitch.")
    rep.click("button:has-text('Submit for approval')")
    rep.wait_for_selector(".approval-badge >> text=In review")
    story = rep.locator("[data-rich-editor]:has(#id_body) .rich-editor__area")
    assert story.get_attribute("contenteditable") == "false"

    # The brand manager asks for a change on the story field only.
    _sign_in(brand, base, "brand")
    _open_review(brand, base)
    assert "For the Friday pitch." in brand.content()
    brand.fill("#id_field-body", "Name the customer's problem before the product.")
    brand.click("button[name=decision][value=request_changes]")
    brand.wait_for_selector("text=Changes requested")

    # The rep sees the comment on the field, fixes the story and resubmits.
    rep.reload()
    rep.wait_for_selector(".approval-badge >> text=Changes requested")
    assert "Name the customer's problem before the product." in rep.content()
    rep.locator("[data-rich-editor]:has(#id_body) .rich-editor__area").fill(FIXED_STORY)
    rep.click("button:text-is('Save')")
    rep.wait_for_selector("text=Resubmit for approval")
    rep.click("button:has-text('Resubmit for approval')")
    rep.wait_for_selector(".approval-badge >> text=In review")

    # The brand manager approves the second round.
    _open_review(brand, base)
    # The word changes since the last round mark the new story's words as inserted.
    inserted = " ".join(" ".join(brand.locator("#field-body ins").all_text_contents()).split())
    assert "Fjord Maritime forecasts charters with" in inserted
    brand.wait_for_function("() => [...document.querySelectorAll('img')].every((img) => img.complete)")
    brand.screenshot(path=str(ARTIFACTS / "review.png"), full_page=True)
    brand.click("button[name=decision][value=approve]")
    brand.wait_for_selector("text=Approved")

    # The rep downloads the final PDF.
    rep.reload()
    rep.wait_for_selector(".approval-badge >> text=Approved")
    rep.click("text=Download PDF")
    rep.check("label:has-text('No specific deal') input[type=radio]")
    with rep.expect_download() as download_info:
        rep.click("form[data-deal-picker] button:has-text('Download PDF')")
    pdf = Path(download_info.value.path()).read_bytes()
    text = pdf_text(pdf)
    assert FIXED_STORY in text
    assert "NOT APPROVED" not in text
    brand.context.close()
