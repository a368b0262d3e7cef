"""Nothing lost in the rep's editor, in a real browser: "Submit" with unsaved edits saves them and
submits that version with no "Leave site?" prompt; Enter in the document name does not save; a
rejected save focuses the error summary, whose links take you to each field."""

import pytest

from templates_lib.models import ApprovalState, CollateralDocument

from ..factories.approvals import OWN_WORDS, document_needing_approval

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PREVIEW_LOADED = "() => document.getElementById('preview-frame').dataset.loaded === '1'"


@pytest.fixture
def signed_in(live_server, browser_page, rep):
    page = browser_page
    page.goto(live_server.url + "/sign-in/")
    page.fill("#id_username", rep.username)
    page.fill("#id_password", "correct horse battery staple")
    page.click("button[type=submit]")
    page.wait_for_url("**/library/")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    page.dialogs = dialogs
    return page


def test_submitting_with_unsaved_edits_saves_them_and_sends_that_version(
    live_server, signed_in, reviewed_template, rep
):
    page = signed_in
    document = document_needing_approval(reviewed_template, rep)
    page.goto(f"{live_server.url}/documents/{document.public_id}/")
    page.wait_for_function(PREVIEW_LOADED)

    page.fill("#id_subheadline", "Typed just before submitting")
    button = page.locator("form.approval__submit button[type=submit]")
    assert button.inner_text().startswith("Save and submit")
    button.click()
    page.wait_for_selector("text=Saved and sent to the brand team")

    document.refresh_from_db()
    assert page.dialogs == []
    assert document.values["subheadline"] == "Typed just before submitting"
    assert document.approval_state == ApprovalState.IN_REVIEW


def test_enter_in_the_document_name_does_not_save(live_server, signed_in, onepager, rep):
    page = signed_in
    page.goto(f"{live_server.url}/templates/{onepager.public_id}/personalise/")
    page.wait_for_function(PREVIEW_LOADED)
    url = page.url

    page.fill("#id_title", "For Fjord")
    page.press("#id_title", "Enter")
    page.wait_for_timeout(500)

    assert page.url == url
    assert not CollateralDocument.objects.filter(owner=rep).exists()


def test_a_rejected_save_focuses_the_error_summary_whose_links_reach_each_field(live_server, signed_in, onepager):
    page = signed_in
    page.goto(f"{live_server.url}/templates/{onepager.public_id}/personalise/")
    page.wait_for_function(PREVIEW_LOADED)

    page.fill("#id_title", "")
    page.fill("#id_subheadline", "x" * 120)
    page.click("button:has-text('Save')")
    page.wait_for_selector("[data-error-summary]")

    assert page.evaluate("() => document.activeElement.hasAttribute('data-error-summary')")
    assert page.input_value("#id_subheadline") == "x" * 120
    page.click("[data-error-summary] a[href='#id_subheadline']")
    assert page.evaluate("() => document.activeElement.id") == "id_subheadline"
    page.click("[data-error-summary] a[href='#id_title']")
    assert page.evaluate("() => document.activeElement.id") == "id_title"
    assert page.dialogs == []


def test_a_reviewed_documents_saved_words_stay_when_nothing_was_edited(live_server, signed_in, reviewed_template, rep):
    page = signed_in
    document = document_needing_approval(reviewed_template, rep)
    page.goto(f"{live_server.url}/documents/{document.public_id}/")
    page.wait_for_function(PREVIEW_LOADED)

    button = page.locator("form.approval__submit button[type=submit]")
    assert not button.inner_text().startswith("Save and")
    button.click()
    page.wait_for_selector("text=Sent to the brand team")

    document.refresh_from_db()
    assert document.values["subheadline"] == OWN_WORDS
    assert document.approval_state == ApprovalState.IN_REVIEW


def test_with_the_name_cleared_the_server_still_checks_what_is_typed(live_server, signed_in, onepager):
    page = signed_in
    page.goto(f"{live_server.url}/templates/{onepager.public_id}/personalise/")
    page.wait_for_function(PREVIEW_LOADED)

    page.fill("#id_title", "")
    page.fill("#id_subheadline", "x" * 120)

    # Only the server's preview answer writes this message (the form is not blocked by the browser's own checks).
    page.wait_for_selector("#errors-subheadline:has-text('the limit is 80')")
