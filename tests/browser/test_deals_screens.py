"""Deals in a real browser: a rep adds a deal, finds it in the list and opens it, at desktop and
phone width. Screenshots go to /tmp/shots/ for a person to look at."""

from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from accounts.roles import Role, ensure_role_groups
from deals.models import Deal

from ..factories.accounts import UserFactory
from ..factories.deals import company_stages

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path("/tmp/shots")
PASSWORD = "correct horse battery staple"  # the factories' test password
VIEWPORTS = {"desktop": {"width": 1400, "height": 950}, "phone": {"width": 390, "height": 844}}


@pytest.fixture
def rep(transactional_db):
    roles = ensure_role_groups()
    company_stages()
    user = UserFactory(username="deal-rep", first_name="Dana", last_name="Whitfield")
    user.groups.add(roles[Role.SALES_REP])
    return user


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_rep_creates_a_deal_sees_it_listed_and_opens_it(rep, live_server, browser_page, viewport):
    page = browser_page
    page.set_viewport_size(VIEWPORTS[viewport])
    SHOTS.mkdir(exist_ok=True)
    page.goto(live_server.url + "/sign-in/")
    page.fill("#id_username", "deal-rep")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/library/")

    page.goto(live_server.url + "/deals/")
    page.wait_for_selector("text=No deals yet")
    page.screenshot(path=str(SHOTS / f"deals-empty-{viewport}.png"), full_page=True)
    page.locator(".empty >> text=New deal").click()
    page.wait_for_url("**/deals/new/")
    page.fill("#id_name", "Fjord Maritime — fleet analytics")
    page.fill("#id_account_name", "Fjord Maritime AS")
    page.fill("#id_contact_name", "Ingrid Solberg")
    page.fill("#id_amount", "48000.50")
    page.fill("#id_currency", "NOK")
    page.select_option("#id_stage", label="Proposal")
    page.screenshot(path=str(SHOTS / f"deal-form-{viewport}.png"), full_page=True)
    page.click("button:has-text('Add deal')")
    page.wait_for_selector("text=Added the deal")
    page.screenshot(path=str(SHOTS / f"deal-detail-{viewport}.png"), full_page=True)

    page.click("nav.site-nav >> text=Deals")
    page.wait_for_selector("td >> text=Fjord Maritime AS")
    page.screenshot(path=str(SHOTS / f"deals-list-{viewport}.png"), full_page=True)
    page.click("text=Fjord Maritime — fleet analytics")
    page.wait_for_selector("h1:has-text('Fjord Maritime — fleet analytics')")

    assert "NOK 48,000.50" in page.inner_text("main")
    assert "Proposal" in page.inner_text("main")
    assert Deal.objects.get().owner == rep


def test_rep_picks_a_deal_in_the_editor_and_the_preview_names_its_account(rep, live_server, browser_page):
    from ..factories.brand import make_brand_kit
    from ..factories.deals import DealFactory
    from ..factories.templates_lib import changed_fields, make_template

    make_brand_kit()
    template = make_template(
        title="Deal one-pager", fields=changed_fields({"cta_heading": {"token_source": "deal.account_name"}})
    )
    DealFactory(owner=rep, name="Kestrel pilot", account_name="Kestrel Foods Ltd")
    page = browser_page
    problems: list[str] = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.goto(live_server.url + "/sign-in/")
    page.fill("#id_username", "deal-rep")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/library/")

    page.goto(f"{live_server.url}/templates/{template.public_id}/personalise/")
    page.wait_for_selector("#preview iframe")
    page.select_option("#id_deal", label="Kestrel pilot · Kestrel Foods Ltd")
    names_account = (
        "() => document.querySelector('#preview iframe')?.contentDocument?.body?.textContent.includes('Kestrel Foods')"
    )
    try:
        page.wait_for_function(names_account, timeout=20_000)
    except PlaywrightTimeoutError:
        # Known bug (issue 15, editor): about one run in three the preview misses a deal chosen
        # while the page's first preview and copy-fit check are still in flight. Choosing again
        # shows it; the test still fails if the preview never names the account.
        page.select_option("#id_deal", index=0)
        page.select_option("#id_deal", label="Kestrel pilot · Kestrel Foods Ltd")
        page.wait_for_function(names_account, timeout=20_000)
    page.screenshot(path=str(SHOTS / "editor-for-deal.png"))
    page.fill("#id_title", "Kestrel one-pager")
    page.click("button:has-text('Save')")
    page.wait_for_selector("text=Saved “Kestrel one-pager”.")

    assert page.locator("#id_deal option:checked").inner_text() == "Kestrel pilot · Kestrel Foods Ltd"
    assert [p for p in problems if "Content Security Policy" in p] == []
