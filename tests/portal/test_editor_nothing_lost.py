"""The editor's server side of "nothing lost" and "locked fields out of the way": a rejected save
shows an error summary linking to each field, unsaved edits are saved then submitted in one post,
locked fields are summarised, and each field says which box of the preview it fills."""

import re

from django.urls import reverse

import pytest

from templates_lib.models import ApprovalState, CollateralDocument

from ..factories.accounts import UserFactory
from ..factories.approvals import OWN_WORDS, document_needing_approval, pending_round


def _personalise(template):
    return reverse("portal:template-personalise", args=[template.public_id])


def _edit(document):
    return reverse("portal:document-edit", args=[document.public_id])


def _form(**values):
    data = {"title": "For Fjord Maritime", "subheadline": "Hello Fjord", "body": "<p>Our story.</p>"}
    data.update(values)
    return data


@pytest.fixture
def pending(reviewed_template, rep):
    return document_needing_approval(reviewed_template, rep)


def _summary(html: str) -> str:
    match = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    assert match, "no error summary"
    return match.group(0)


def test_a_rejected_save_lists_each_error_in_a_summary_linking_to_its_field(rep_client, onepager):
    response = rep_client.post(_personalise(onepager), _form(title="", subheadline="x" * 500))

    assert response.status_code == 422
    summary = _summary(response.text)
    assert 'href="#id_title"' in summary
    assert "Document name: Give the document a name." in summary
    assert 'href="#id_subheadline" data-field-link="subheadline"' in summary
    assert 'tabindex="-1"' in summary
    assert "x" * 500 in response.text  # what was typed is still in the form


def test_a_rejected_save_summary_escapes_what_it_quotes(rep_client, onepager):
    response = rep_client.post(_personalise(onepager), _form(title="<b>x</b>", subheadline="<i>" + "y" * 500))

    assert response.status_code == 422
    assert "<i>" + "y" * 10 not in response.text
    assert "&lt;i&gt;" in response.text


def test_an_editor_without_errors_shows_no_error_summary(rep_client, onepager):
    response = rep_client.get(_personalise(onepager))

    assert response.status_code == 200
    assert "data-error-summary" not in response.text


def test_locked_fields_are_summarised_in_one_expandable_group(rep_client, onepager):
    locked = [f for f in onepager.field_list() if f.lock_mode == "locked"]

    response = rep_client.get(_personalise(onepager))

    assert locked
    plural = "s" if len(locked) > 1 else ""
    assert f"<summary>{len(locked)} field{plural} set by the brand team</summary>" in response.text
    details = response.text.split('<details class="locked-fields">')[1].split("</details>")[0]
    assert all(f'id="field-{f.key}"' in details for f in locked)
    assert 'name="subheadline"' not in details


def test_each_field_names_the_box_of_the_preview_it_fills(rep_client, onepager):
    response = rep_client.get(_personalise(onepager))

    assert 'data-field="subheadline" data-slot="subheadline" data-section="0" data-slot-type="text"' in response.text
    assert 'data-field="body" data-slot="body" data-section="0" data-slot-type="rich_text"' in response.text


def test_save_and_submit_saves_the_edit_then_sends_that_version(rep_client, pending, rep):
    response = rep_client.post(
        _edit(pending),
        {
            "title": pending.title,
            "subheadline": "Edited just before submitting",
            "then_submit": "1",
            "submit_note": "For Acme",
        },
    )

    pending.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == _edit(pending)
    assert pending.values["subheadline"] == "Edited just before submitting"
    assert pending.approval_state == ApprovalState.IN_REVIEW
    assert pending_round(pending).note == "For Acme"


def test_save_and_submit_with_a_bad_value_saves_nothing_and_submits_nothing(rep_client, pending):
    response = rep_client.post(
        _edit(pending),
        {"title": pending.title, "subheadline": "z" * 500, "then_submit": "1", "submit_note": "Keep this note"},
    )

    pending.refresh_from_db()
    assert response.status_code == 422
    assert pending.values["subheadline"] == OWN_WORDS
    assert pending.approval_state != ApprovalState.IN_REVIEW
    assert 'name="submit_note" value="Keep this note"' in response.text
    assert "z" * 500 in response.text


def test_save_and_submit_with_a_too_long_note_saves_and_says_why_it_was_not_sent(rep_client, pending):
    response = rep_client.post(
        _edit(pending),
        {"title": pending.title, "subheadline": "Saved anyway", "then_submit": "1", "submit_note": "n" * 3000},
        follow=True,
    )

    pending.refresh_from_db()
    assert pending.values["subheadline"] == "Saved anyway"
    assert pending.approval_state != ApprovalState.IN_REVIEW
    assert "Not submitted:" in response.text


def test_save_and_submit_on_a_new_document_only_saves(rep_client, reviewed_template, rep):
    response = rep_client.post(
        _personalise(reviewed_template), _form(subheadline=OWN_WORDS, then_submit="1"), follow=True
    )

    document = CollateralDocument.objects.get(owner=rep)
    assert response.status_code == 200
    assert document.values["subheadline"] == OWN_WORDS
    assert document.approval_state != ApprovalState.IN_REVIEW


def test_save_and_submit_on_someone_elses_document_is_not_found(client, pending):
    client.force_login(UserFactory(username="stranger"))

    response = client.post(_edit(pending), {"title": "x", "subheadline": "mine now", "then_submit": "1"})

    pending.refresh_from_db()
    assert response.status_code == 404
    assert pending.values["subheadline"] == OWN_WORDS
    assert pending.approval_state != ApprovalState.IN_REVIEW
