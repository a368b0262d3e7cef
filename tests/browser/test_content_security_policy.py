"""The Content-Security-Policy in real browsers: portal pages (live preview included) and Wagtail
admin pages work under their policies, and the browser reports no violation on any of them."""

import pytest

from ..factories.templates_lib import HEADLINE

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "correct horse battery staple"  # tests/factories/accounts.py


def _watch(page) -> list[str]:
    """Everything the browser says went wrong: CSP violations are console errors."""
    problems: list[str] = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


def _sign_in(page, url: str, username: str) -> None:
    page.goto(url)
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")


def _csp_violations(problems: list[str]) -> list[str]:
    return [problem for problem in problems if "Content Security Policy" in problem]


def test_portal_pages_and_the_live_preview_work_with_no_violation(live_server, browser_page, rep, onepager):
    page = browser_page
    problems = _watch(page)
    _sign_in(page, live_server.url + "/sign-in/", rep.username)
    page.wait_for_url("**/library/")

    page.goto(f"{live_server.url}/templates/{onepager.public_id}/")
    page.goto(f"{live_server.url}/templates/{onepager.public_id}/personalise/")
    page.wait_for_selector("#preview iframe")
    page.fill("#id_subheadline", "Made for Fjord Maritime's fleet team")
    page.wait_for_function(
        "() => document.querySelector('#preview iframe')?.contentDocument?.body?.innerText.includes('fleet team')"
    )
    page.fill("#id_title", "Fjord one-pager")
    page.click("button:has-text('Save')")
    page.wait_for_selector("text=Saved “Fjord one-pager”.")
    page.goto(live_server.url + "/documents/?q=Fjord")
    page.goto(live_server.url + "/notifications/")

    assert _csp_violations(problems) == []
    config = page.evaluate("() => window.htmx.config")
    assert (config["allowEval"], config["allowScriptTags"], config["includeIndicatorStyles"]) == (False, False, False)
    assert page.locator("head style").count() == 1  # the brand colours; htmx injected none


@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/admin/snippets/templates_lib/collateraltemplate/",
        "/admin/settings/brand/brandkit/",
        "/admin/images/",
        "/admin/reviews/",
    ],
)
def test_wagtail_admin_pages_work_under_the_admin_policy(live_server, browser_page, brand_manager, brand_kit, path):
    page = browser_page
    problems = _watch(page)
    _sign_in(page, live_server.url + "/admin/login/", brand_manager.username)
    page.wait_for_url("**/admin/")

    page.goto(live_server.url + path)
    page.wait_for_load_state("networkidle")

    assert _csp_violations(problems) == []
    assert page.locator("[data-wagtail-sidebar] .sidebar-main-menu").count() == 1  # rendered by the admin's script


def test_the_template_editor_in_wagtail_admin_works_under_the_admin_policy(
    live_server, browser_page, brand_manager, onepager
):
    page = browser_page
    problems = _watch(page)
    _sign_in(page, live_server.url + "/admin/login/", brand_manager.username)
    page.wait_for_url("**/admin/")

    page.goto(f"{live_server.url}/admin/snippets/templates_lib/collateraltemplate/edit/{onepager.pk}/")
    page.click("[data-side-panel-toggle='preview']")
    preview = page.frame_locator("#w-preview-iframe").locator("body")
    preview.wait_for()
    page.wait_for_load_state("networkidle")

    assert _csp_violations(problems) == []
    assert HEADLINE in preview.inner_text()
