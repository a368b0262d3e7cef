"""The two downloads, named for what they are for: "PDF for email and screen" (the digital profile:
tagged, no marks) by default, and "PDF for print" (bleed, crop marks, PDF/X) when asked for."""

from django.urls import reverse

import pytest

from approvals.services import document_create
from deals.models import DeliveryEvent

from .. import pdf as pdfread

pytestmark = pytest.mark.slow


@pytest.fixture
def document(onepager, rep):
    return document_create(template=onepager, owner=rep, values={}, title="Fjord one-pager", check_fit=False)


def _pdf(client, document, query=""):
    response = client.get(reverse("portal:document-pdf", args=[document.public_id]) + query)
    assert response.status_code == 200
    return response, b"".join(response.streaming_content)


def test_the_default_download_is_the_pdf_for_email_and_screen(rep_client, document):
    response, body = _pdf(rep_client, document)

    assert response["Content-Disposition"] == 'attachment; filename="fjord-one-pager.pdf"'
    assert DeliveryEvent.objects.get().profile == "digital"
    assert pdfread.reader(body).trailer["/Root"].get("/StructTreeRoot") is not None  # tagged
    assert pdfread.page_size_mm(body) == pdfread.trim_size_mm(body)  # no bleed, no marks


def test_the_pdf_for_print_is_pdf_x_and_says_so_in_its_name(rep_client, document):
    response, body = _pdf(rep_client, document, "?profile=print")

    assert response["Content-Disposition"] == 'attachment; filename="fjord-one-pager-print.pdf"'
    assert DeliveryEvent.objects.get().profile == "print"
    intents = pdfread.reader(body).trailer["/Root"]["/OutputIntents"]
    assert [intent.get_object()["/S"] for intent in intents] == ["/GTS_PDFX"]


def test_an_unknown_profile_gets_the_default_download(rep_client, document):
    _pdf(rep_client, document, "?profile=poster")

    assert DeliveryEvent.objects.get().profile == "digital"


def test_the_document_page_offers_both_by_name_the_default_first(rep_client, document):
    page = rep_client.get(reverse("portal:document-edit", args=[document.public_id])).content.decode()

    download = reverse("portal:document-download", args=[document.public_id])
    screen = page.index(f'href="{download}" aria-describedby="download-help-digital"')
    printed = page.index(f'href="{download}?profile=print" aria-describedby="download-help-print"')
    assert screen < printed
    assert "Download PDF for email and screen" in page
    assert "Download PDF for print" in page
    assert "bleed and crop marks" in page


def test_the_deal_question_names_the_download_it_is_for(rep_client, document, rep):
    from ..factories.deals import DealFactory

    DealFactory(owner=rep)

    page = rep_client.get(reverse("portal:document-download", args=[document.public_id]) + "?profile=print")

    assert page.status_code == 200
    assert "Download PDF for print</button>" in page.content.decode()
    assert 'name="profile" value="print"' in page.content.decode()
