"""The rep's editor in a real browser (portal/static/portal/editor.js): typed text reaches the
preview at once, escaped, before the server answers; the preview follows the field being edited
and the field follows a click in the preview; an overflow points at its box; on a phone the
preview fits the width."""

import re

import pytest

from ..factories.templates_lib import changed_fields, make_template

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PREVIEW_LOADED = "() => document.getElementById('preview-frame').dataset.loaded === '1'"


def _sign_in(page, live_server, user):
    page.goto(live_server.url + "/sign-in/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "correct horse battery staple")
    page.click("button[type=submit]")
    page.wait_for_url("**/library/")


def _open_editor(page, live_server, template):
    page.goto(f"{live_server.url}/templates/{template.public_id}/personalise/")
    page.wait_for_function(PREVIEW_LOADED)
    page.wait_for_load_state("networkidle")


def _box(page, slot):
    return page.frame_locator("#preview-frame").locator(f'[data-fit="{slot}"]')


@pytest.fixture
def editor(live_server, browser_page, rep, onepager):
    _sign_in(browser_page, live_server, rep)
    _open_editor(browser_page, live_server, onepager)
    return browser_page


def _hold_server_previews(page):
    """Server previews are held (never answered): whatever reaches the preview, the browser wrote."""
    held = []
    page.route(re.compile(r".*/preview/.*"), lambda route: held.append(route))
    return held


def test_typed_text_is_in_the_preview_before_the_server_answers_and_escaped(editor):
    page = editor
    _hold_server_previews(page)

    page.fill("#id_subheadline", "")
    page.locator("#id_subheadline").press_sequentially("Fjord <b>bold</b> & co")

    box = _box(page, "subheadline")
    assert box.inner_text().strip() == "Fjord <b>bold</b> & co"
    assert box.locator("b").count() == 0


def test_the_servers_render_agrees_with_the_instant_one(editor):
    page = editor
    page.fill("#id_subheadline", "Fjord <i>x</i> & co")

    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)

    box = _box(page, "subheadline")
    assert box.inner_text().strip() == "Fjord <i>x</i> & co"
    assert box.locator("i").count() == 0


def test_rich_text_reaches_the_preview_at_once_through_the_allow_list(editor):
    page = editor
    _hold_server_previews(page)
    area = page.locator("[data-rich-editor]:has(#id_body) .rich-editor__area")

    area.click()
    page.keyboard.press("Control+A")
    page.keyboard.type("Brand new story")

    box = _box(page, "body")
    assert box.inner_text().strip() == "Brand new story"
    assert box.locator("p").count() == 1


def test_bullets_reach_the_preview_at_once_one_item_a_line(editor):
    page = editor
    _hold_server_previews(page)

    page.fill("#id_benefits", "First point\nSecond <point>")

    items = _box(page, "benefits").locator("li")
    assert items.all_inner_texts() == ["First point", "Second <point>"]


def test_focusing_a_field_highlights_its_box_in_the_preview(editor):
    page = editor

    page.focus("#id_benefits")

    assert _box(page, "benefits").get_attribute("data-active") == "1"
    assert _box(page, "subheadline").get_attribute("data-active") is None


def test_clicking_a_box_in_the_preview_focuses_its_field(editor):
    page = editor

    _box(page, "benefits").click()

    assert page.evaluate("() => document.activeElement.id") == "id_benefits"


def test_clicking_a_locked_box_opens_the_brand_teams_fields(editor):
    page = editor

    _box(page, "headline").click()

    assert page.locator("details.locked-fields").get_attribute("open") is not None
    assert page.locator("#field-headline").is_visible()


def test_an_overflow_points_at_the_box_that_overflows(live_server, browser_page, rep, brand_kit):
    page = browser_page
    roomy = make_template(title="Roomy", fields=changed_fields({"subheadline": {"max_chars": 400, "max_lines": None}}))
    _sign_in(page, live_server, rep)
    _open_editor(page, live_server, roomy)

    page.fill("#id_subheadline", "word " * 80)

    page.wait_for_selector("#fit-subheadline:has-text('Too long for this space by about')", timeout=20_000)
    page.wait_for_timeout(100)
    assert _box(page, "subheadline").get_attribute("data-overflowing") == "1"
    assert _box(page, "body").get_attribute("data-overflowing") is None


@pytest.fixture
def phone_editor(live_server, browser_page, rep, onepager):
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    _sign_in(page, live_server, rep)
    _open_editor(page, live_server, onepager)
    return page


def test_on_a_phone_one_tap_shows_the_preview_which_fits_the_width(phone_editor):
    page = phone_editor

    assert page.locator("#id_subheadline").is_visible()
    assert not page.locator("#preview-frame").is_visible()
    page.click("button[data-pane=preview]")
    page.wait_for_timeout(300)

    assert not page.locator("#id_subheadline").is_visible()
    frame = page.locator("#preview-frame").bounding_box()
    assert frame["x"] >= 0
    assert frame["x"] + frame["width"] <= 390
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    # The whole sheet, scaled, is inside the frame: nothing cut off at the right or the bottom.
    sheet = page.evaluate(
        """() => { const f = document.getElementById('preview-frame'); const d = f.contentDocument;
        const z = parseFloat(d.documentElement.style.zoom || '1');
        const r = d.querySelector('body').getBoundingClientRect();
        return {right: r.right, bottom: r.bottom, zoom: z, fw: f.clientWidth, fh: f.clientHeight,
                sw: d.documentElement.scrollWidth}; }"""
    )
    assert sheet["zoom"] < 1
    assert sheet["sw"] <= sheet["fw"] / sheet["zoom"] + 1
    page.click("button[data-pane=form]")
    assert page.locator("#id_subheadline").is_visible()
