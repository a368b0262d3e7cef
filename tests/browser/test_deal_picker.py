"""A rep picks the deal at download in a real browser: the search filters as they type (the
picker's script runs under the Content-Security-Policy), the PDF downloads, the event is recorded
for that deal, and a brand manager finds it in Wagtail admin."""

import pytest

from approvals.services import document_create
from deals.models import DeliveryEvent

from ..factories.deals import DealFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "correct horse battery staple"  # tests/factories/accounts.py


def _sign_in(page, url: str, username: str) -> None:
    page.goto(url)
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")


def test_a_rep_picks_a_deal_and_the_download_is_recorded_for_it(live_server, browser_page, rep, onepager):
    document = document_create(template=onepager, owner=rep, values={}, title="Fjord one-pager", check_fit=False)
    fjord = DealFactory(owner=rep, name="Fjord fleet renewal", account_name="Fjord Maritime ASA")
    DealFactory(owner=rep, name="Harbour cranes", account_name="Port Authority")
    page = browser_page
    problems: list[str] = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    _sign_in(page, live_server.url + "/sign-in/", rep.username)
    page.wait_for_url("**/library/")

    page.goto(f"{live_server.url}/documents/{document.public_id}/download/")
    page.fill("[data-deal-search]", "fjord")
    assert page.locator("label:has-text('Harbour cranes')").is_hidden()
    page.check(f"input[value='{fjord.public_id}']")
    with page.expect_download() as download:
        page.click("button:has-text('Download PDF')")

    assert download.value.suggested_filename == "fjord-one-pager.pdf"
    assert DeliveryEvent.objects.get().deal == fjord
    assert [problem for problem in problems if "Content Security Policy" in problem] == []


def test_brand_managers_browse_events_in_admin_under_its_policy(live_server, browser_page, brand_manager, brand_kit):
    page = browser_page
    problems: list[str] = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    _sign_in(page, live_server.url + "/admin/login/", brand_manager.username)
    page.wait_for_url("**/admin/")

    page.goto(live_server.url + "/admin/delivery_events/")
    page.wait_for_load_state("networkidle")

    assert [problem for problem in problems if "Content Security Policy" in problem] == []
    assert page.locator("text=Delivery events").count() >= 1
