"""The rep's first two minutes, in a real browser: sign in, open a template, personalise it with
the live preview, hit a limit, save, and download a PDF that contains what was typed."""

import io
from pathlib import Path

from django.core.management import call_command

import pytest

from deals.models import DeliveryEvent

from ..pdf import text as pdf_text
from .conftest import ARTIFACTS

# serialized_rollback: start from the migrated data (root collection, tiers) even after another
# transactional test has flushed the database.
pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", stdout=io.StringIO())


def _preview_text(page) -> str:
    return page.frame_locator("#preview iframe").locator("body").inner_text()


def test_rep_personalises_a_one_pager_and_downloads_the_pdf(demo, live_server, browser_page):
    page = browser_page
    page.goto(live_server.url + "/")
    page.fill("#id_username", "rep")
    page.fill("#id_password", "lastmile-demo")
    page.click("button[type=submit]")
    page.wait_for_url("**/library/")

    page.click("text=Product one-pager")
    page.click("text=Personalise this template")
    page.wait_for_selector("#preview iframe")

    page.fill("#id_subheadline", "Made for Fjord Maritime's fleet team")
    page.wait_for_function(
        "() => document.querySelector('#preview iframe')?.contentDocument?.body?.innerText.includes('fleet team')"
    )
    assert "Made for Fjord Maritime's fleet team" in _preview_text(page)
    assert page.locator("#count-subheadline").inner_text() == "36 / 80 characters"

    page.check("input[name=eyebrow][value='Content that wins deals']")
    page.wait_for_function(
        "() => document.querySelector('#preview iframe')?.contentDocument?.body?.innerText.includes('CONTENT THAT WINS')"
    )

    page.fill("#id_subheadline", "x" * 85)
    page.wait_for_selector("#errors-subheadline >> text=the limit is 80")
    assert "is-over" in page.locator("#count-subheadline").get_attribute("class")
    page.screenshot(path=str(ARTIFACTS / "editor.png"))

    page.fill("#id_subheadline", "Made for Fjord Maritime's fleet team")
    page.fill("#id_title", "Fjord Maritime one-pager")
    page.click("button:has-text('Save')")
    page.wait_for_selector("text=Saved “Fjord Maritime one-pager”.")

    page.click("text=Download PDF")
    # The rep has open deals, so the download asks which one it is for (and remembers the answer).
    page.check("label:has-text('Fjord Maritime — fleet analytics') input[type=radio]")
    with page.expect_download() as download_info:
        page.click("form[data-deal-picker] button:has-text('Download PDF')")
    pdf = Path(download_info.value.path()).read_bytes()

    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf)
    assert "Made for Fjord Maritime's fleet team" in text
    assert "CONTENT THAT WINS DEALS" in text.upper()
    assert download_info.value.suggested_filename == "fjord-maritime-one-pager.pdf"
    assert DeliveryEvent.objects.latest("pk").deal.name == "Fjord Maritime — fleet analytics"  # the demo has a history
