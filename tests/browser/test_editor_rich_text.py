"""Rich text that does what you see (portal/static/portal/portal.js): typing over the whole text
does not inherit the formatting it replaces, and "Clear formatting" removes bold and italic."""

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def story(live_server, browser_page, rep, onepager):
    page = browser_page
    page.goto(live_server.url + "/sign-in/")
    page.fill("#id_username", rep.username)
    page.fill("#id_password", "correct horse battery staple")
    page.click("button[type=submit]")
    page.wait_for_url("**/library/")
    page.goto(f"{live_server.url}/templates/{onepager.public_id}/personalise/")
    area = page.locator("[data-rich-editor]:has(#id_body) .rich-editor__area")
    area.wait_for()
    return area


def _bolded(page):
    return page.evaluate("() => /<(b|strong)[\\s>]/.test(document.getElementById('id_body').value)")


def test_select_all_and_retype_gives_plain_text(story):
    page = story.page
    story.click()
    page.keyboard.press("Control+A")
    page.click("[data-rich-editor]:has(#id_body) button[aria-label=bold]")
    assert _bolded(page)

    story.click()
    page.keyboard.press("Control+A")
    page.keyboard.type("Plain words")

    assert story.inner_text().strip() == "Plain words"
    assert not _bolded(page)


def test_clear_formatting_removes_bold_and_italic(story):
    page = story.page
    story.click()
    page.keyboard.press("Control+A")
    page.click("[data-rich-editor]:has(#id_body) button[aria-label=bold]")
    assert _bolded(page)

    page.click("[data-rich-editor]:has(#id_body) button:has-text('Clear formatting')")

    assert not _bolded(page)
    assert story.locator("b, strong, i, em").count() == 0
