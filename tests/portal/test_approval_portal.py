"""The requester's side of the approval loop in the portal: the editor in each approval state,
submit and withdraw by crafted requests, and the state on the documents list."""

from django.core import mail
from django.urls import reverse

import pytest

from approvals.models import BrandReviewTaskState, Notification, NotificationKind
from approvals.services import Decision, document_submit, document_withdraw
from templates_lib.models import ApprovalState

from ..factories.accounts import UserFactory
from ..factories.approvals import (
    OWN_WORDS,
    TEMPLATE_WORDS,
    decide,
    document_in_review,
    document_needing_approval,
    make_document,
    pending_round,
)


@pytest.fixture
def pending(reviewed_template, rep):
    """A document with new text in a reviewed field: it needs approval."""
    return document_needing_approval(reviewed_template, rep)


@pytest.fixture
def in_review(reviewed_template, rep):
    return document_in_review(reviewed_template, rep)


def _edit_url(document):
    return reverse("portal:document-edit", args=[document.public_id])


def _form(document, **values):
    data = {"title": document.title, **document.values}
    data.update(values)
    return data


def _stranger_client(client):
    client.force_login(UserFactory(username="stranger"))
    return client


# --- Submit and withdraw ------------------------------------------------------------------------


def test_submitting_sends_the_document_to_review_and_tells_the_reviewers(
    rep_client, pending, brand_manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = rep_client.post(
            reverse("portal:document-submit", args=[pending.public_id]), {"note": "For the Acme pitch"}
        )

    pending.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == _edit_url(pending)
    assert pending.approval_state == ApprovalState.IN_REVIEW
    assert pending_round(pending).note == "For the Acme pitch"
    notification = Notification.objects.get(recipient=brand_manager)
    assert notification.kind == NotificationKind.SUBMITTED
    assert notification.url == reverse("approvals_admin:review", args=[pending_round(pending).pk])
    assert [m.to for m in mail.outbox] == [[brand_manager.email]]
    assert "For the Acme pitch" in mail.outbox[0].body


def test_submitting_tells_the_requester_it_went_to_review(rep_client, pending):
    response = rep_client.post(reverse("portal:document-submit", args=[pending.public_id]), follow=True)

    assert "Sent to the brand team for review" in response.text


def test_submitting_a_document_within_the_rules_approves_it_at_once(rep_client, pending, reviewed_template):
    pending.values = {}
    pending.save(update_fields=["values"])

    response = rep_client.post(reverse("portal:document-submit", args=[pending.public_id]), follow=True)

    pending.refresh_from_db()
    assert pending.approval_state == ApprovalState.APPROVED
    assert "Approved automatically" in response.text


def test_submitting_twice_is_refused_with_a_message(rep_client, in_review):
    response = rep_client.post(reverse("portal:document-submit", args=[in_review.public_id]), follow=True)

    assert "already waiting for review" in response.text
    assert BrandReviewTaskState.objects.filter(document=in_review).count() == 1


def test_submit_by_get_is_not_allowed(rep_client, pending):
    response = rep_client.get(reverse("portal:document-submit", args=[pending.public_id]))

    pending.refresh_from_db()
    assert response.status_code == 405
    assert pending.approval_state == ApprovalState.NEEDS_APPROVAL


def test_another_users_document_cannot_be_submitted(client, pending):
    response = _stranger_client(client).post(reverse("portal:document-submit", args=[pending.public_id]))

    pending.refresh_from_db()
    assert response.status_code == 404
    assert pending.approval_state == ApprovalState.NEEDS_APPROVAL
    assert not BrandReviewTaskState.objects.filter(document=pending).exists()


def test_another_users_document_cannot_be_withdrawn(client, in_review):
    response = _stranger_client(client).post(reverse("portal:document-withdraw", args=[in_review.public_id]))

    in_review.refresh_from_db()
    assert response.status_code == 404
    assert in_review.approval_state == ApprovalState.IN_REVIEW


def test_a_partner_manager_cannot_submit_a_members_document(client, manager, partner_user, reviewed_template):
    document = document_needing_approval(reviewed_template, partner_user)
    client.force_login(manager)

    response = client.post(reverse("portal:document-submit", args=[document.public_id]))

    document.refresh_from_db()
    assert response.status_code == 404
    assert document.approval_state == ApprovalState.NEEDS_APPROVAL


def test_withdrawing_returns_the_document_to_needs_approval(rep_client, in_review):
    response = rep_client.post(reverse("portal:document-withdraw", args=[in_review.public_id]), follow=True)

    in_review.refresh_from_db()
    assert in_review.approval_state == ApprovalState.NEEDS_APPROVAL
    assert BrandReviewTaskState.objects.get(document=in_review).status == "cancelled"
    assert "Withdrawn from review" in response.text


def test_withdrawing_after_the_reviewer_decided_says_so(rep_client, in_review, brand_manager):
    decide(in_review, brand_manager, Decision.APPROVE)

    response = rep_client.post(reverse("portal:document-withdraw", args=[in_review.public_id]), follow=True)

    in_review.refresh_from_db()
    assert in_review.approval_state == ApprovalState.APPROVED
    assert "no longer waiting for review" in response.text


# --- Editing while in review ----------------------------------------------------------------------


def test_editing_a_document_in_review_is_refused_with_nothing_changed(rep_client, in_review):
    revision = in_review.latest_revision_id

    response = rep_client.post(_edit_url(in_review), _form(in_review, subheadline="Sneaky change"))

    in_review.refresh_from_db()
    assert response.status_code == 409
    assert "waiting for brand review" in response.text
    assert "Sneaky change" in response.text  # what was typed is kept
    assert in_review.values["subheadline"] == OWN_WORDS
    assert in_review.latest_revision_id == revision
    assert in_review.approval_state == ApprovalState.IN_REVIEW


def test_withdraw_and_save_keeps_what_was_typed(rep_client, in_review):
    response = rep_client.post(
        _edit_url(in_review), _form(in_review, subheadline="Better words", withdraw_and_save="1"), follow=True
    )

    in_review.refresh_from_db()
    assert in_review.values["subheadline"] == "Better words"
    assert in_review.approval_state == ApprovalState.NEEDS_APPROVAL
    assert "Withdrawn from review" in response.text


def test_the_editor_of_a_document_in_review_is_read_only(rep_client, in_review):
    response = rep_client.get(_edit_url(in_review))

    assert response.status_code == 200
    assert '<fieldset class="editor__fields" disabled' in response.text
    assert "Withdraw to edit" in response.text
    assert ">Save</button>" not in response.text
    assert "Submit for approval" not in response.text
    assert OWN_WORDS in response.text


# --- The editor in each state -----------------------------------------------------------------------


def test_the_editor_says_which_fields_need_approval_and_why(rep_client, pending):
    response = rep_client.get(_edit_url(pending))

    assert "Needs approval" in response.text
    assert '<a href="#field-subheadline">Subheadline</a>: new text in a field the brand team reviews' in response.text
    assert "Submit for approval" in response.text
    assert reverse("portal:document-draft-pdf", args=[pending.public_id]) in response.text
    assert reverse("portal:document-download", args=[pending.public_id]) not in response.text


def test_an_approved_document_offers_the_final_downloads(rep_client, in_review, brand_manager):
    decide(in_review, brand_manager, Decision.APPROVE, comment="Lovely")

    response = rep_client.get(_edit_url(in_review))

    assert reverse("portal:document-download", args=[in_review.public_id]) in response.text
    assert "Submit for approval" not in response.text
    assert "Approved by" in response.text
    assert "Lovely" in response.text


def test_the_reviewers_comments_appear_on_the_editor(rep_client, in_review, brand_manager):
    decide(
        in_review,
        brand_manager,
        Decision.REQUEST_CHANGES,
        comment="Nearly there",
        field_comments={"subheadline": "Name the product, please"},
    )

    response = rep_client.get(_edit_url(in_review))

    assert "Changes requested" in response.text
    assert "Nearly there" in response.text
    assert '<span class="field-note__who">Brand team:</span> Name the product, please' in response.text
    assert "Resubmit for approval" in response.text


def test_a_rejection_shows_its_reason(rep_client, in_review, brand_manager):
    decide(in_review, brand_manager, Decision.REJECT, comment="Not for this audience")

    response = rep_client.get(_edit_url(in_review))

    assert "Rejected" in response.text
    assert "Not for this audience" in response.text
    assert "Resubmit for approval" in response.text


def test_reviewer_comments_are_escaped(rep_client, in_review, brand_manager):
    decide(in_review, brand_manager, Decision.REQUEST_CHANGES, field_comments={"subheadline": "<b>bold</b>"})

    response = rep_client.get(_edit_url(in_review))

    assert "&lt;b&gt;bold&lt;/b&gt;" in response.text
    assert "<b>bold</b>" not in response.text


def test_review_history_lists_every_round(rep_client, in_review, rep, brand_manager):
    decide(in_review, brand_manager, Decision.REQUEST_CHANGES, field_comments={"subheadline": "Shorter"})
    document_submit(in_review, user=rep)
    document_withdraw(in_review, user=rep)

    response = rep_client.get(_edit_url(in_review))

    history = response.text.split('id="history-heading"')[1]
    assert "Round 2" in history
    assert "Withdrawn" in history
    assert "Round 1" in history
    assert "Shorter" in history
    assert history.index("Round 2") < history.index("Round 1")


def test_saving_new_reviewed_text_says_it_needs_approval(rep_client, reviewed_template, rep):
    document = make_document(reviewed_template, rep)

    response = rep_client.post(_edit_url(document), _form(document, subheadline=OWN_WORDS), follow=True)

    assert "It needs approval by the brand team" in response.text


def test_saving_within_the_rules_says_it_was_approved_automatically(rep_client, pending):
    response = rep_client.post(_edit_url(pending), _form(pending, subheadline=TEMPLATE_WORDS), follow=True)

    pending.refresh_from_db()
    assert pending.approval_state == ApprovalState.APPROVED
    assert "Approved automatically" in response.text


# --- My documents -----------------------------------------------------------------------------------


def test_the_documents_list_shows_each_documents_state(rep_client, in_review):
    response = rep_client.get(reverse("portal:documents"))

    assert '<span class="approval-badge approval-badge--in_review">In review</span>' in response.text


def test_the_documents_list_filters_by_state(rep_client, in_review, reviewed_template, rep):
    approved = make_document(reviewed_template, rep, title="Plain one")

    response = rep_client.get(reverse("portal:documents"), {"state": ApprovalState.APPROVED})

    assert approved.title in response.text
    assert in_review.title not in response.text


def test_the_state_filter_keeps_search_and_sort(rep_client, reviewed_template, rep):
    make_document(reviewed_template, rep, title="Acme plain")
    make_document(reviewed_template, rep, title="Zenith plain")
    document_needing_approval(reviewed_template, rep, title="Acme own")

    response = rep_client.get(
        reverse("portal:documents"), {"state": ApprovalState.APPROVED, "q": "plain", "sort": "title"}
    )

    assert response.text.index("Acme plain") < response.text.index("Zenith plain")
    assert "Acme own" not in response.text


def test_an_unknown_state_filter_shows_everything(rep_client, in_review):
    response = rep_client.get(reverse("portal:documents"), {"state": "bogus"})

    assert in_review.title in response.text


def test_a_partner_manager_sees_a_members_document_state_without_final_downloads(
    client, manager, partner_user, reviewed_template
):
    document = document_needing_approval(reviewed_template, partner_user)
    client.force_login(manager)

    response = client.get(_edit_url(document))

    assert '<span class="approval-badge approval-badge--needs_approval">Needs approval</span>' in response.text
    assert reverse("portal:document-draft-pdf", args=[document.public_id]) in response.text
    assert reverse("portal:document-download", args=[document.public_id]) not in response.text
    assert "Submit for approval" not in response.text


def test_a_reviewer_comment_describes_its_field_for_screen_readers(client, reviewed_template, rep, brand_manager):
    document = document_in_review(reviewed_template, rep)
    decide(document, brand_manager, Decision.REQUEST_CHANGES, field_comments={"subheadline": "Shorter, please"})
    client.force_login(rep)

    html = client.get(reverse("portal:document-edit", args=[document.public_id])).content.decode()

    assert 'id="note-subheadline"' in html
    assert 'errors-subheadline note-subheadline"' in html


@pytest.mark.parametrize(
    ("note", "message"),
    [
        ("For the\x00pitch", "Not submitted: Null characters are not allowed."),
        ("x" * 2001, "Not submitted: Ensure this value has at most 2000 characters (it has 2001)."),
    ],
    ids=["nul byte", "too long"],
)
def test_a_note_that_cannot_be_stored_is_refused_and_nothing_is_submitted(rep_client, pending, note, message):
    response = rep_client.post(reverse("portal:document-submit", args=[pending.public_id]), {"note": note}, follow=True)

    pending.refresh_from_db()
    assert pending.approval_state == ApprovalState.NEEDS_APPROVAL
    assert message in response.text
