"""Deals in a real browser: a rep adds a deal, finds it in the list and opens it, at desktop and
phone width. Screenshots go to /tmp/shots/ for a person to look at."""

from pathlib import Path

import pytest

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
