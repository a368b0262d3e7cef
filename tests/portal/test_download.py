import uuid

from django.urls import reverse

import pytest

from approvals.services import document_create

from .. import pdf as pdfread
from ..factories.accounts import UserFactory

pytestmark = pytest.mark.slow


@pytest.fixture
def document(onepager, rep):
    return document_create(
        template=onepager,
        owner=rep,
        values={"subheadline": "For Fjord Maritime"},
        title='Q3 "Promo"\r\nX: y',
        check_fit=False,
    )


def test_owner_downloads_the_pdf_with_a_safe_filename(rep_client, document):
    response = rep_client.get(reverse("portal:document-pdf", args=[document.public_id]))

    body = b"".join(response.streaming_content)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="q3-promo-x-y.pdf"'
    assert "For Fjord Maritime" in pdfread.text(body)


def test_another_users_document_is_not_found(client, document):
    client.force_login(UserFactory(username="someone-else"))

    response = client.get(reverse("portal:document-pdf", args=[document.public_id]))

    assert response.status_code == 404


def test_an_unknown_document_is_not_found(rep_client, document):
    response = rep_client.get(reverse("portal:document-pdf", args=[uuid.uuid4()]))

    assert response.status_code == 404


def test_anonymous_users_are_sent_to_sign_in(client, document):
    response = client.get(reverse("portal:document-pdf", args=[document.public_id]))

    assert response.status_code == 302
