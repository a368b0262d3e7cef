"""Issue 12's journey in real browsers: a rep picks the deal at download, then shares the document
(the deal is offered first), the prospect opens the link in a fresh browser context (no session, no
cookies) and sees the pages in a clean branded page, and the rep then sees the open on the document
and on the deal.
Screenshots of the prospect's page at desktop and phone width go to /tmp/shots/."""

import io
from pathlib import Path

from django.core.management import call_command

import pytest

from accounts.models import User
from deals.models import Channel, DeliveryEvent
from templates_lib.models import CollateralDocument

from ..factories.deals import DealFactory
from .conftest import ARTIFACTS

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path("/tmp/shots")
DOCUMENT_TITLE = "Product one-pager – Fjord Maritime"


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", stdout=io.StringIO())


def test_rep_shares_a_document_and_sees_the_prospect_open_it(demo, live_server, browser_page, settings):
    settings.WAGTAILADMIN_BASE_URL = live_server.url
    rep = User.objects.get(username="rep")
    deal = DealFactory(owner=rep, name="Fjord Maritime fleet analytics", account_name="Fjord Maritime")
    document = CollateralDocument.objects.get(owner=rep, title=DOCUMENT_TITLE)
    page = browser_page

    # Straight from sign-in to the document page: the library's thumbnails would keep the test
    # server busy rendering.
    document_url = f"{live_server.url}/documents/{document.public_id}/"
    page.goto(f"{live_server.url}/sign-in/?next=/documents/{document.public_id}/")
    page.fill("#id_username", "rep")
    page.fill("#id_password", "lastmile-demo")
    page.click("button[type=submit]")
    page.wait_for_url(document_url, wait_until="domcontentloaded", timeout=60_000)
    page.goto(f"{document_url}download/", wait_until="domcontentloaded", timeout=60_000)
    page.check(f"input[value='{deal.public_id}']")
    with page.expect_download(timeout=60_000) as download:
        page.click("button:has-text('Download PDF')")
    assert download.value.suggested_filename.endswith(".pdf")
    assert DeliveryEvent.objects.filter(channel=Channel.PORTAL_PDF).latest("pk").deal == deal

    page.goto(document_url, wait_until="domcontentloaded", timeout=60_000)
    panel = page.locator("#share-links")
    panel.locator("details.share-links__new").evaluate("details => { details.open = true; }")
    panel.locator("#id_share_recipient_name").fill("Ingrid Berg")
    panel.locator("#id_share_recipient_email").fill("ingrid@fjord.example")
    assert panel.locator("#id_share_deal").input_value() == str(deal.public_id)  # the deal of the download
    panel.locator("button:has-text('Create link')").click()
    page.wait_for_selector("text=The link for Ingrid Berg is ready.")
    share_url = page.input_value("#share-url")
    assert share_url.startswith(live_server.url + "/s/")

    prospect_context = page.context.browser.new_context(viewport={"width": 1280, "height": 900})
    prospect = prospect_context.new_page()
    response = prospect.goto(share_url)
    assert response.status == 200
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["x-robots-tag"].startswith("noindex")
    prospect.wait_for_function(
        "() => [...document.querySelectorAll('.share-page img')].every(img => img.complete && img.naturalWidth > 0)"
    )
    assert prospect.locator("h1").inner_text() == DOCUMENT_TITLE
    assert prospect.locator(".share-page img").count() >= 1
    assert prospect.locator(".site-header").count() == 0  # no portal chrome
    assert prospect.locator("text=Download PDF").count() == 0  # view only
    SHOTS.mkdir(exist_ok=True)
    ARTIFACTS.mkdir(exist_ok=True)
    prospect.screenshot(path=str(SHOTS / "share-desktop.png"), full_page=True)
    prospect.set_viewport_size({"width": 390, "height": 844})
    prospect.screenshot(path=str(SHOTS / "share-phone.png"), full_page=True)
    prospect_context.close()

    page.goto(document_url, wait_until="domcontentloaded", timeout=60_000)
    row = page.locator("#share-links .share-link-row").first
    assert "Ingrid Berg" in row.inner_text()
    assert "1 open" in row.locator(".share-opens").inner_text()
    assert "First" in row.locator(".share-opens").inner_text()
    page.screenshot(path=str(SHOTS / "share-owner.png"), full_page=True)
    event = DeliveryEvent.objects.filter(channel=Channel.SHARE_VIEW).latest("pk")
    assert event.deal.name == "Fjord Maritime fleet analytics"

    page.goto(f"{live_server.url}/deals/{deal.public_id}/", wait_until="domcontentloaded", timeout=60_000)
    sent = page.locator("section:has(h2:has-text('What was sent'))").inner_text()
    assert "Portal PDF" in sent
    assert "Share link view" in sent
    assert "Ingrid Berg (share link)" in sent
