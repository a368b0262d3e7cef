"""Final output comes from the approved revision, by one function every channel calls; while a newer
edit waits for review, the owner can still download the last approved version, labelled as such."""

from django.urls import reverse

import pytest

from approvals.output import OutputRefused, draft_render_job, final_output
from approvals.services import document_create, document_submit, document_update
from approvals.tasks import render_final_pdf
from templates_lib.models import ApprovalState, CollateralDocument
from templates_lib.rendering.cache import open_cached_pdf
from tests.pdf import text

from ..factories.approvals import submit_and_approve

WATERMARK = "DRAFT – NOT APPROVED"
APPROVED_TEXT = "Words the brand team approved"
PENDING_TEXT = "Words still waiting for review"


@pytest.fixture
def approved_document(reviewed_template, rep, brand_manager):
    document = document_create(
        template=reviewed_template, owner=rep, values={"subheadline": APPROVED_TEXT}, check_fit=False
    )
    submit_and_approve(document, brand_manager)
    return document


@pytest.fixture
def edit_in_review(approved_document, rep):
    """The approved document, edited since and submitted: the edit waits for a reviewer."""
    document_update(document=approved_document, values={"subheadline": PENDING_TEXT}, check_fit=False)
    document_submit(approved_document, user=rep)
    approved_document.refresh_from_db()
    return approved_document


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _final_pdf(client, document):
    return client.get(reverse("portal:document-pdf", args=[document.public_id]))


def test_a_row_changed_behind_the_services_back_does_not_reach_the_final_pdf(rep_client, approved_document):
    CollateralDocument.objects.filter(pk=approved_document.pk).update(values={"subheadline": "Nobody approved this"})

    response = _final_pdf(rep_client, approved_document)

    assert response.status_code == 200
    pdf_text = text(_body(response))
    assert APPROVED_TEXT in pdf_text
    assert "Nobody approved this" not in pdf_text


def test_the_background_render_also_renders_the_approved_revision(approved_document):
    CollateralDocument.objects.filter(pk=approved_document.pk).update(values={"subheadline": "Nobody approved this"})

    result = render_final_pdf.enqueue(approved_document.pk, "print")

    with open_cached_pdf(result.return_value) as handle:
        pdf_text = text(handle.read())
    assert APPROVED_TEXT in pdf_text
    assert "Nobody approved this" not in pdf_text


def test_while_an_edit_is_reviewed_the_last_approved_version_can_be_downloaded(rep_client, edit_in_review):
    response = _final_pdf(rep_client, edit_in_review)

    assert edit_in_review.approval_state == ApprovalState.IN_REVIEW
    assert response.status_code == 200
    pdf_text = text(_body(response))
    assert APPROVED_TEXT in pdf_text
    assert PENDING_TEXT not in pdf_text


def test_the_last_approved_version_is_named_as_such(rep_client, edit_in_review):
    response = _final_pdf(rep_client, edit_in_review)

    assert "-last-approved.pdf" in response["Content-Disposition"]


def test_the_editor_offers_the_last_approved_version_under_that_name(rep_client, edit_in_review):
    page = rep_client.get(reverse("portal:document-edit", args=[edit_in_review.public_id])).content.decode()

    assert "Download the last approved version" in page
    assert "Your latest changes are not in it until they are approved." in page


def test_an_up_to_date_approval_is_offered_as_the_pdf(rep_client, approved_document):
    page = rep_client.get(reverse("portal:document-edit", args=[approved_document.public_id])).content.decode()

    assert "Download PDF" in page
    assert "last approved version" not in page


def test_the_draft_shows_the_pending_edit_watermarked(rep_client, edit_in_review):
    response = rep_client.get(reverse("portal:document-draft-pdf", args=[edit_in_review.public_id]))

    pdf_text = text(_body(response))
    assert PENDING_TEXT in pdf_text
    assert WATERMARK in pdf_text


def test_final_output_of_a_document_never_approved_is_refused_with_its_reason(reviewed_template, rep):
    document = document_create(template=reviewed_template, owner=rep, values={"subheadline": PENDING_TEXT})

    with pytest.raises(OutputRefused) as refused:
        final_output(document, profile="print")

    assert refused.value.reason == "This document needs approval before a final PDF. Submit it for review."


def test_final_output_renders_the_live_revision_with_its_pinned_template(approved_document):
    output = final_output(approved_document, profile="print")

    assert output.revision_id == approved_document.live_revision_id
    assert output.job.revision_id == approved_document.template_revision_id
    assert output.job.values["subheadline"] == APPROVED_TEXT
    assert output.is_latest


def test_the_final_png_of_a_document_never_approved_is_refused(rep_client, reviewed_template, rep):
    document = document_create(template=reviewed_template, owner=rep, values={"subheadline": PENDING_TEXT})

    response = rep_client.get(reverse("portal:document-png", args=[document.public_id]))

    assert response.status_code == 403


def test_the_draft_png_of_a_document_never_approved_is_an_image(rep_client, reviewed_template, rep):
    document = document_create(template=reviewed_template, owner=rep, values={"subheadline": PENDING_TEXT})

    response = rep_client.get(reverse("portal:document-draft-png", args=[document.public_id]))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response.content.startswith(b"\x89PNG")
    assert 'filename="' in response["Content-Disposition"]
    assert response["Content-Disposition"].endswith('.draft.png"')


def test_a_draft_of_a_retired_template_is_refused_with_the_reason(approved_document, brand_manager):
    from templates_lib.services.lifecycle import template_retire

    template_retire(template=approved_document.template, user=brand_manager)
    approved_document.refresh_from_db()

    with pytest.raises(OutputRefused) as refused:
        draft_render_job(approved_document)

    assert "is retired, so its documents can no longer be downloaded" in refused.value.reason


def test_a_final_download_is_audited_with_the_revision_it_delivered(rep_client, edit_in_review, rep):
    from wagtail.models import ModelLogEntry

    _final_pdf(rep_client, edit_in_review)

    entry = ModelLogEntry.objects.filter(action="lastmile.document.downloaded").get()
    assert entry.data["approved_revision"] == edit_in_review.live_revision_id
    assert entry.data["is_latest"] is False
