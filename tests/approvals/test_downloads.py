"""Nothing leaves the portal as a final PDF unless the rules or a brand manager approved it."""

from django.urls import reverse

import pytest

from approvals.services import Decision, document_submit, document_withdraw
from tests.factories.approvals import OWN_WORDS, decide, document_needing_approval, submit_and_approve
from tests.pdf import page_texts, text

WATERMARK = "DRAFT – NOT APPROVED"


@pytest.fixture
def pending_document(reviewed_template, rep):
    return document_needing_approval(reviewed_template, rep)


def _final(client, document):
    return client.get(reverse("portal:document-pdf", args=[document.public_id]))


def _pdf(response) -> bytes:
    return b"".join(response.streaming_content)


def test_final_pdf_of_a_document_needing_approval_is_refused(rep_client, pending_document):
    response = _final(rep_client, pending_document)

    assert response.status_code == 403
    assert "needs approval" in response.content.decode()


def test_download_start_page_is_refused_too(rep_client, pending_document):
    response = rep_client.get(reverse("portal:document-download", args=[pending_document.public_id]))

    assert response.status_code == 403


def test_draft_preview_of_a_one_pager_is_watermarked(rep_client, pending_document):
    response = rep_client.get(reverse("portal:document-draft-pdf", args=[pending_document.public_id]))

    assert response.status_code == 200
    [page] = page_texts(_pdf(response))  # the one-pager has one page
    assert WATERMARK in page


def test_approved_final_pdf_has_no_watermark(rep_client, pending_document, brand_manager):
    submit_and_approve(pending_document, brand_manager)

    response = _final(rep_client, pending_document)

    assert response.status_code == 200
    pdf_text = text(_pdf(response))
    assert OWN_WORDS in pdf_text
    assert WATERMARK not in pdf_text


def test_final_pdf_is_refused_while_in_review(rep_client, pending_document, rep):
    document_submit(pending_document, user=rep)

    assert _final(rep_client, pending_document).status_code == 403


def test_final_pdf_is_refused_after_rejection(rep_client, pending_document, rep, brand_manager):
    document_submit(pending_document, user=rep)
    decide(pending_document, brand_manager, Decision.REJECT, comment="Off brand")

    response = _final(rep_client, pending_document)

    assert response.status_code == 403
    assert "rejected" in response.content.decode()


def test_final_pdf_is_refused_after_withdrawal(rep_client, pending_document, rep):
    document_submit(pending_document, user=rep)
    document_withdraw(pending_document, user=rep)

    assert _final(rep_client, pending_document).status_code == 403


@pytest.mark.slow
def test_draft_watermark_is_on_every_page_of_a_multi_page_document(client, db):
    from portal.demo.loader import load_demo
    from templates_lib.models import CollateralDocument

    users = load_demo()["users"]
    document = CollateralDocument.objects.get(owner=users["rep"], template__layout="casestudy")
    client.force_login(users["rep"])

    response = client.get(reverse("portal:document-draft-pdf", args=[document.public_id]))

    pages = page_texts(_pdf(response))
    assert len(pages) >= 2
    assert all(WATERMARK in page for page in pages)
