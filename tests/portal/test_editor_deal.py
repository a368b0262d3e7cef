import html
import re

from django.urls import reverse

import pytest

from approvals.output import final_output
from deals.models import DocumentDealChoice
from deals.services.choices import remember_deal_choice
from templates_lib.fetcher import ProjectFilesFetcher
from templates_lib.models import CollateralDocument
from templates_lib.rendering.pdf import render_collateral_pdf

from ..factories.accounts import UserFactory
from ..factories.approvals import make_document
from ..factories.deals import DealFactory
from ..factories.templates_lib import changed_fields, make_template
from ..pdf import text

MARKUP = '<img src=http://evil.example/x>"><script>alert(1)</script>'


@pytest.fixture
def deal_template(db, brand_kit):
    """The one-pager whose call-to-action heading is the deal's account name."""
    return make_template(
        title="Deal one-pager", fields=changed_fields({"cta_heading": {"token_source": "deal.account_name"}})
    )


def _form(**values) -> dict:
    return {
        "title": "For Contoso",
        "eyebrow": "For sales teams",
        "subheadline": "Hello",
        "body": "<p>Our story.</p>",
        "benefits": "Faster\nSafer",
    } | values


def _preview_html(response) -> str:
    source = re.search(r"<textarea data-preview-html hidden>(.*?)</textarea>", response.text, re.S).group(1)
    return html.unescape(source)


def test_the_editor_offers_my_open_deals_and_no_specific_deal(rep_client, rep, deal_template):
    DealFactory(owner=rep, name="Contoso renewal")
    DealFactory(owner=UserFactory(), name="Not mine")

    response = rep_client.get(reverse("portal:template-personalise", args=[deal_template.public_id]))

    assert 'name="deal"' in response.text
    assert "No specific deal" in response.text
    assert "Contoso renewal" in response.text
    assert "Not mine" not in response.text


def test_the_preview_fills_deal_tokens_from_the_chosen_deal(rep_client, rep, deal_template):
    deal = DealFactory(owner=rep, account_name="Contoso Pharma")

    response = rep_client.post(
        reverse("portal:template-preview", args=[deal_template.public_id]), _form(deal=str(deal.public_id))
    )

    assert response.status_code == 200
    assert "Contoso Pharma" in _preview_html(response)


def test_a_crafted_deal_id_in_the_preview_is_refused_like_a_missing_one(rep_client, deal_template):
    stranger_deal = DealFactory(owner=UserFactory(), account_name="Secret Corp")
    url = reverse("portal:template-preview", args=[deal_template.public_id])

    refused = rep_client.post(url, _form(deal=str(stranger_deal.public_id)))
    missing = rep_client.post(url, _form(deal="00000000-0000-4000-8000-000000000000"))

    assert refused.status_code == 404
    assert refused.content == missing.content
    assert b"Secret Corp" not in refused.content


def test_saving_remembers_the_deal_the_document_is_for(rep_client, rep, deal_template):
    deal = DealFactory(owner=rep)

    rep_client.post(
        reverse("portal:template-personalise", args=[deal_template.public_id]), _form(deal=str(deal.public_id))
    )

    document = CollateralDocument.objects.get(owner=rep)
    assert DocumentDealChoice.objects.get(document=document).deal == deal


def test_choosing_no_specific_deal_is_remembered(rep_client, rep, deal_template):
    document = make_document(deal_template, rep, title="Mine")
    remember_deal_choice(document, DealFactory(owner=rep), user=rep)

    rep_client.post(reverse("portal:document-edit", args=[document.public_id]), _form(deal=""))

    assert DocumentDealChoice.objects.get(document=document).deal is None


def test_the_editor_shows_the_remembered_deal_selected(rep_client, rep, deal_template):
    document = make_document(deal_template, rep, title="Mine")
    deal = DealFactory(owner=rep)
    remember_deal_choice(document, deal, user=rep)

    response = rep_client.get(reverse("portal:document-edit", args=[document.public_id]))

    assert f'<option value="{deal.public_id}" selected>' in response.text


def test_saving_with_a_crafted_deal_id_saves_nothing_and_keeps_the_typing(rep_client, rep, deal_template):
    document = make_document(deal_template, rep, title="Mine")
    stranger_deal = DealFactory(owner=UserFactory())

    response = rep_client.post(
        reverse("portal:document-edit", args=[document.public_id]),
        _form(deal=str(stranger_deal.public_id), subheadline="Typed and kept"),
    )

    assert response.status_code == 422
    assert "Typed and kept" in response.text
    assert "Pick one of your deals" in response.text
    assert not DocumentDealChoice.objects.filter(document=document).exists()
    document.refresh_from_db()
    assert document.values.get("subheadline") != "Typed and kept"


def test_markup_in_a_deal_is_text_in_the_preview(rep_client, rep, deal_template):
    deal = DealFactory(owner=rep, name=MARKUP, account_name=MARKUP)

    page = rep_client.get(reverse("portal:template-personalise", args=[deal_template.public_id]))
    preview = rep_client.post(
        reverse("portal:template-preview", args=[deal_template.public_id]), _form(deal=str(deal.public_id))
    )

    assert "<img src=http://evil" not in page.text
    assert "<img src=http://evil" not in _preview_html(preview)
    assert "&lt;img src=http://evil.example/x&gt;" in _preview_html(preview)


def test_markup_in_a_deal_is_text_in_the_pdf_and_nothing_is_fetched(rep, deal_template, monkeypatch, settings):
    settings.LASTMILE_RENDER_ISOLATION = False  # the fetcher is watched in this process
    document = make_document(deal_template, rep, title="Mine")
    deal = DealFactory(owner=rep, account_name='<img src=http://evil/x>">')
    asked = []
    original = ProjectFilesFetcher.fetch
    monkeypatch.setattr(
        ProjectFilesFetcher, "fetch", lambda self, url, headers=None: asked.append(url) or original(self, url, headers)
    )

    pdf = render_collateral_pdf(**final_output(document, profile="digital", deal=deal).job.render_arguments)

    assert '<img src=http://evil/x>">' in text(pdf).replace("\n", "")
    assert asked  # the spy sees the renderer's fetches (fonts, brand files)
    assert not [url for url in asked if "evil" in url]
