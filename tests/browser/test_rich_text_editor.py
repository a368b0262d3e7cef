"""The rich-text editor in a real browser: markup that comes back after a rejected save is shown
as the field's allowed formatting only, and nothing in it runs (portal/static/portal/portal.js)."""

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

RAN = "window.__lastmileScriptRan"
ATTACK = (
    "<p>Hello <b>bold</b> and <i>italic</i>"
    f'<img src="x" onerror="{RAN} = true">'
    f"<script>{RAN} = true</script>"
    f'<a href="javascript:{RAN} = true">a link</a>'
    f'<svg><animate onbegin="{RAN} = true" attributeName="x" dur="1s"></animate></svg>'
    f'<span onmouseover="{RAN} = true">world</span></p>'
)


@pytest.fixture
def signed_in_page(live_server, browser_page, rep, onepager):
    page = browser_page
    page.goto(live_server.url + "/sign-in/")
    page.fill("#id_username", rep.username)
    page.fill("#id_password", "correct horse battery staple")
    page.click("button[type=submit]")
    page.wait_for_url("**/library/")
    return page


def _story(page):
    return page.locator("[data-rich-editor]:has(#id_body) .rich-editor__area")


def test_markup_redisplayed_after_a_rejected_save_runs_no_script(live_server, signed_in_page, onepager):
    page = signed_in_page
    page.goto(f"{live_server.url}/templates/{onepager.public_id}/personalise/")
    _story(page).wait_for()
    # What a crafted form post (or pasted HTML source) puts in the field the rich-text area edits.
    page.evaluate("(markup) => { document.querySelector('#id_body').value = markup; }", ATTACK)

    page.click("button:has-text('Save')")
    page.wait_for_selector("text=Nothing was saved yet")
    page.wait_for_load_state("networkidle")
    _story(page).hover()

    assert page.evaluate(f"() => {RAN} === true") is False
    story = _story(page)
    assert story.locator("img, script, svg, [onerror], [onmouseover]").count() == 0
    assert story.locator("b").inner_text() == "bold"
    assert "Hello bold and italic" in story.inner_text()
    assert "world" in story.inner_text()
    assert story.locator("a").count() == 0  # links are not allowed in this field; the text stays
    assert "a link" in story.inner_text()
