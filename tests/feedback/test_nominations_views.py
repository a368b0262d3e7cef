"""Nominating from the portal: the document page's panel, the nomination form, withdrawing, and
crafted requests for other people's documents."""

from django.urls import reverse

import pytest

from feedback.models import REQUEST_TEXT_MAX_CHARS, NominationStatus, TemplateNomination
from feedback.services.nominations import nomination_convert, nomination_decline

from ..factories.accounts import UserFactory
from ..factories.approvals import document_needing_approval, make_document
from ..factories.feedback import make_nomination


@pytest.fixture
def document(onepager, rep):
    return make_document(onepager, rep, title="Northern renewals")


def page_url(document):
    return reverse("portal:document-edit", args=[document.public_id])


def nominate_url(document):
    return reverse("portal:document-nominate", args=[document.public_id])


def withdraw_url(document):
    return reverse("portal:document-nomination-withdraw", args=[document.public_id])


def test_an_approved_documents_page_offers_nomination(rep_client, document):
    response = rep_client.get(page_url(document))

    assert f'href="{nominate_url(document)}"' in response.content.decode()


def test_an_unapproved_documents_page_does_not_offer_it(rep_client, reviewed_template, rep):
    document = document_needing_approval(reviewed_template, rep)

    response = rep_client.get(page_url(document))

    assert f'href="{nominate_url(document)}"' not in response.content.decode()


def test_the_owner_nominates_with_a_reason(rep_client, document, rep):
    response = rep_client.post(nominate_url(document), {"reason": "Won three renewals."})

    assert response.status_code == 302
    nomination = TemplateNomination.objects.get(document=document)
    assert (nomination.nominated_by, nomination.reason) == (rep, "Won three renewals.")


def test_the_page_shows_the_pending_status_and_escapes_the_reason(rep_client, document):
    make_nomination(document, reason="<script>alert(1)</script>")

    html = rep_client.get(page_url(document)).content.decode()

    assert "Waiting for the brand team" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)</script>" not in html
    assert withdraw_url(document) in html
    assert f'href="{nominate_url(document)}"' not in html


def test_the_page_shows_a_decline_and_its_reason(rep_client, document, brand_manager):
    nomination_decline(nomination=make_nomination(document), user=brand_manager, reason="We have one like it.")

    html = rep_client.get(page_url(document)).content.decode()

    assert "Declined" in html
    assert "We have one like it." in html


def test_the_page_shows_a_conversion(rep_client, document, brand_manager):
    nomination_convert(nomination=make_nomination(document), user=brand_manager)

    html = rep_client.get(page_url(document)).content.decode()

    assert "Made into a draft template" in html
    assert withdraw_url(document) not in html


def test_an_unapproved_document_gets_a_clear_error(rep_client, reviewed_template, rep):
    document = document_needing_approval(reviewed_template, rep)

    response = rep_client.post(nominate_url(document), {"reason": "Please"})

    assert response.status_code == 422
    assert "Only approved documents can be nominated" in response.content.decode()
    assert not TemplateNomination.objects.exists()


def test_nominating_twice_gets_a_clear_error(rep_client, document):
    make_nomination(document)

    response = rep_client.post(nominate_url(document), {"reason": "Again"})

    assert response.status_code == 422
    assert "already been nominated" in response.content.decode()
    assert TemplateNomination.objects.count() == 1


def test_an_overlong_reason_keeps_what_was_typed(rep_client, document):
    typed = "word " * (REQUEST_TEXT_MAX_CHARS // 4)

    response = rep_client.post(nominate_url(document), {"reason": typed})

    assert response.status_code == 422
    assert typed.strip() in response.content.decode()
    assert not TemplateNomination.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_another_reps_document_is_not_found(client, document, roles, method):
    client.force_login(UserFactory())

    response = getattr(client, method)(nominate_url(document), {"reason": "Mine now"})

    assert response.status_code == 404
    assert not TemplateNomination.objects.exists()


def test_a_partner_cannot_nominate_a_reps_document(client, document, partner_user):
    client.force_login(partner_user)

    response = client.post(nominate_url(document), {"reason": "Crafted"})

    assert response.status_code == 404
    assert not TemplateNomination.objects.exists()


def test_a_partner_nominates_their_own_document(client, onepager, partner_user):
    document = make_document(onepager, partner_user)
    client.force_login(partner_user)

    response = client.post(nominate_url(document), {"reason": ""})

    assert response.status_code == 302
    assert TemplateNomination.objects.get().nominated_by == partner_user


def test_the_owner_withdraws_a_pending_nomination(rep_client, document):
    make_nomination(document)

    response = rep_client.post(withdraw_url(document))

    assert response.status_code == 302
    assert not TemplateNomination.objects.exists()


def test_withdrawing_someone_elses_nomination_is_not_found(client, document, roles):
    make_nomination(document)
    client.force_login(UserFactory())

    response = client.post(withdraw_url(document))

    assert response.status_code == 404
    assert TemplateNomination.objects.filter(status=NominationStatus.PENDING).exists()


def test_a_decided_nomination_is_not_withdrawn(rep_client, document, brand_manager):
    nomination_decline(nomination=make_nomination(document), user=brand_manager, reason="Not now.")

    response = rep_client.post(withdraw_url(document), follow=True)

    assert "already decided" in response.content.decode()
    assert TemplateNomination.objects.filter(status=NominationStatus.DECLINED).exists()
