"""Accessibility in a real browser: axe-core (bundled by axe-playwright-python, nothing from a CDN)
finds no serious or critical violation on any portal page, signed out, as a rep, an analyst and a
partner manager, and every page has one h1."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from approvals.services import document_create

from ..factories.deals import DealFactory
from .conftest import ARTIFACTS

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "correct horse battery staple"  # tests/factories/accounts.py
BLOCKING = {"serious", "critical"}
# The editor's pages (portal/pages/editor.html) have no h1 of their own yet (the document's name is its
# first field): they are held to "at most one" until the editor gets its heading.


def _sign_in(page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(base + "/sign-in/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/library/")


def _check(page, axe: Axe, url: str, *, editor: bool = False) -> list[str]:
    """What is wrong with the page at `url`: blocking axe violations and a missing or second h1."""
    page.goto(url)
    page.wait_for_load_state("networkidle")
    problems = [
        f"{url}: {violation['id']} ({violation['impact']}) at {node['target']}: {node.get('failureSummary', '')}"
        for violation in axe.run(page).response["violations"]
        if violation["impact"] in BLOCKING
        for node in violation["nodes"][:3]
    ]
    headings = page.locator("h1").count()
    if headings > 1 or (headings == 0 and not editor):
        problems.append(f"{url}: {headings} h1 elements")
    return problems


def test_no_serious_or_critical_violation_on_any_portal_page(
    live_server, browser_page, rep, analyst, manager, onepager
):
    base = live_server.url
    document = document_create(template=onepager, owner=rep, values={}, title="Fjord one-pager", check_fit=False)
    deal = DealFactory(owner=rep, name="Fjord fleet renewal")
    page, axe = browser_page, Axe()
    problems: list[str] = []

    for path in ("/sign-in/", "/password-reset/", "/no-such-page/"):
        page.context.clear_cookies()
        problems += _check(page, axe, base + path)

    _sign_in(page, base, rep.username)
    for path in (
        "/library/",
        "/library/?q=one-pager",
        f"/templates/{onepager.public_id}/",
        "/documents/",
        f"/documents/{document.public_id}/download/?profile=print",
        "/deals/",
        f"/deals/{deal.public_id}/",
        "/deals/new/",
        "/requests/",
        "/requests/new/",
        "/notifications/",
        "/team/",  # not a partner manager: the not-found page, signed in
    ):
        problems += _check(page, axe, base + path)
    for path in (f"/templates/{onepager.public_id}/personalise/", f"/documents/{document.public_id}/"):
        problems += _check(page, axe, base + path, editor=True)
    page.screenshot(path=str(ARTIFACTS / "accessibility-editor.png"), full_page=True)

    _sign_in(page, base, analyst.username)
    for path in ("/documents/?scope=others", f"/documents/{document.public_id}/"):
        problems += _check(page, axe, base + path)

    _sign_in(page, base, manager.username)
    for path in ("/team/", "/team/usage/", "/deals/import/"):
        problems += _check(page, axe, base + path)

    assert problems == [], "\n".join(problems)
