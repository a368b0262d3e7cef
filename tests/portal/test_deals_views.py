import datetime
import uuid
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

import pytest

from deals.models import Channel, Deal, DeliveryEvent, ShareLink, Source
from deals.services.choices import remember_deal_choice

from ..factories.accounts import UserFactory
from ..factories.approvals import make_document
from ..factories.deals import ConnectionFactory, DealFactory, company_stages
from ..refusals import assert_portal_refused

MARKUP_NAME = '<img src=http://evil.example/x>"><script>alert(1)</script> https://evil.example/y'


def _form(**overrides) -> dict:
    return {
        "name": "Northwind — fleet renewal",
        "account_name": "Northwind Traders",
        "contact_name": "Ana Trujillo",
        "contact_email": "ana@northwind.example",
        "amount": "48000.50",
        "currency": "usd",
        "stage": "",
        "expected_close_date": "2027-03-31",
        "close_date": "",
        "region": "",
        "segment": "Logistics",
    } | overrides


def _event(deal, document, user, *, channel=Channel.PORTAL_PDF, share_link=None):
    return DeliveryEvent.objects.create(
        channel=channel,
        share_link=share_link,
        document=document,
        document_revision=document.latest_revision,
        template=document.template,
        template_revision=document.template.live_revision,
        deal=deal,
        user=user,
        profile="digital",
        render_key="k" * 64,
        sha256="0" * 64,
        renderer_version="test",
    )


def test_list_shows_my_deals_and_not_others(rep_client, rep):
    DealFactory(owner=rep, name="Mine")
    DealFactory(owner=UserFactory(), name="Someone else's")

    response = rep_client.get(reverse("portal:deals"))

    assert response.status_code == 200
    assert b"Mine" in response.content
    assert b"Someone else" not in response.content


def test_empty_list_offers_a_new_deal(rep_client):
    response = rep_client.get(reverse("portal:deals"))

    assert b"No deals yet" in response.content
    assert reverse("portal:deal-create").encode() in response.content


def test_search_matches_account_name(rep_client, rep):
    DealFactory(owner=rep, name="Alpha", account_name="Contoso")
    DealFactory(owner=rep, name="Beta", account_name="Fabrikam")

    response = rep_client.get(reverse("portal:deals"), {"q": "contoso"})

    assert b"Alpha" in response.content
    assert b"Beta" not in response.content


def test_filter_by_outcome(rep_client, rep):
    stages = company_stages()
    DealFactory(owner=rep, name="Won one", stage=stages["won"], outcome="won")
    DealFactory(owner=rep, name="Open one")

    response = rep_client.get(reverse("portal:deals"), {"outcome": "won"})

    assert b"Won one" in response.content
    assert b"Open one" not in response.content


def test_bad_outcome_filter_is_a_clear_400(rep_client, rep):
    DealFactory(owner=rep, name="Open one")

    response = rep_client.get(reverse("portal:deals"), {"outcome": "everything\x00"})

    assert response.status_code == 400
    assert b"Open one" in response.content


def test_list_paginates(rep_client, rep):
    DealFactory.create_batch(26, owner=rep)

    response = rep_client.get(reverse("portal:deals"), {"page": 2})

    assert response.status_code == 200
    assert b"Page 2 of 2" in response.content


def test_create_deal(rep_client, rep):
    response = rep_client.post(reverse("portal:deal-create"), _form())

    deal = Deal.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("portal:deal-detail", args=[deal.public_id])
    assert (deal.owner, deal.amount, deal.currency, deal.source) == (rep, Decimal("48000.50"), "USD", Source.MANUAL)


def test_create_with_bad_currency_keeps_what_was_typed(rep_client):
    response = rep_client.post(reverse("portal:deal-create"), _form(currency="DOL"))

    assert response.status_code == 422
    assert b"is not an ISO 4217 currency code" in response.content
    assert b"Northwind Traders" in response.content
    assert b"ana@northwind.example" in response.content
    assert not Deal.objects.exists()


def test_analyst_has_no_new_deal_page(client, analyst):
    client.force_login(analyst)

    response = client.get(reverse("portal:deal-create"))

    assert response.status_code == 404


def test_detail_shows_fields_amount_and_outcome(rep_client, rep):
    deal = DealFactory(owner=rep, name="Big one", amount=Decimal("1234567.80"), currency="EUR")

    response = rep_client.get(reverse("portal:deal-detail", args=[deal.public_id]))

    assert response.status_code == 200
    assert b"EUR 1,234,567.80" in response.content
    assert b"Open" in response.content
    assert reverse("portal:deal-edit", args=[deal.public_id]).encode() in response.content


def test_detail_shows_documents_and_events_newest_first(rep_client, rep, onepager):
    deal = DealFactory(owner=rep)
    first = make_document(onepager, rep, title="First brochure")
    second = make_document(onepager, rep, title="Second brochure")
    remember_deal_choice(first, deal, user=rep)
    _event(deal, first, rep)
    _event(deal, second, rep)

    content = rep_client.get(reverse("portal:deal-detail", args=[deal.public_id])).content.decode()

    assert "First brochure" in content
    assert "Second brochure" in content
    events = content.split("What was sent")[1]
    assert events.index("Second brochure") < events.index("First brochure")


def test_detail_names_the_recipient_of_a_share_link_view(rep_client, rep, onepager):
    deal = DealFactory(owner=rep)
    document = make_document(onepager, rep, title="Shared brochure")
    link = ShareLink.objects.create(
        document=document,
        deal=deal,
        created_by=rep,
        recipient_name="Ingrid <b>Berg</b>",
        token_hash="f" * 64,
        expires_at=timezone.now() + datetime.timedelta(days=30),
    )
    _event(deal, document, None, channel=Channel.SHARE_VIEW, share_link=link)

    events = (
        rep_client.get(reverse("portal:deal-detail", args=[deal.public_id])).content.decode().split("What was sent")[1]
    )

    assert "Share link view" in events
    assert "Ingrid &lt;b&gt;Berg&lt;/b&gt; (share link)" in events


def test_source_deal_shows_a_read_only_notice_and_no_edit(rep_client, rep):
    deal = DealFactory(owner=rep, source=Source.SALESFORCE, connection=ConnectionFactory(), external_id="006X")

    response = rep_client.get(reverse("portal:deal-detail", args=[deal.public_id]))

    assert b"owns its fields: they are read-only here" in response.content
    assert reverse("portal:deal-edit", args=[deal.public_id]).encode() not in response.content


def test_crafted_post_to_a_source_deal_is_refused(rep_client, rep):
    deal = DealFactory(owner=rep, source=Source.CSV, connection=ConnectionFactory(), external_id="1", name="From CRM")

    response = rep_client.post(reverse("portal:deal-edit", args=[deal.public_id]), _form(name="Typed over"))

    assert response.status_code == 422
    assert Deal.objects.get(pk=deal.pk).name == "From CRM"


def test_edit_saves(rep_client, rep):
    deal = DealFactory(owner=rep)

    response = rep_client.post(reverse("portal:deal-edit", args=[deal.public_id]), _form(name="Renamed"))

    assert response.status_code == 302
    assert Deal.objects.get(pk=deal.pk).name == "Renamed"


def test_delete_then_undo(rep_client, rep):
    deal = DealFactory(owner=rep, name="Gone soon")

    rep_client.post(reverse("portal:deal-delete", args=[deal.public_id]))
    listed = rep_client.get(reverse("portal:deals")).content
    page = rep_client.get(reverse("portal:deal-detail", args=[deal.public_id])).content
    rep_client.post(reverse("portal:deal-restore", args=[deal.public_id]))

    assert reverse("portal:deal-detail", args=[deal.public_id]).encode() not in listed
    assert b"This deal is deleted" in page
    assert Deal.objects.get(pk=deal.pk).deleted_at is None


@pytest.mark.parametrize("route", ["portal:deal-detail", "portal:deal-edit"])
def test_someone_elses_deal_is_a_404_like_a_missing_one(rep_client, route):
    deal = DealFactory(owner=UserFactory())

    response = rep_client.get(reverse(route, args=[deal.public_id]))

    assert_portal_refused(rep_client, response, route)


def test_partner_cannot_set_an_owner_by_crafting_the_form(client, partner_user):
    stranger = UserFactory()
    client.force_login(partner_user)

    client.post(reverse("portal:deal-create"), _form(owner=str(stranger.pk)))

    assert Deal.objects.get().owner == partner_user


def test_markup_in_a_deal_name_is_shown_as_text(rep_client, rep):
    deal = DealFactory(owner=rep, name=MARKUP_NAME, account_name=MARKUP_NAME)

    pages = [
        rep_client.get(reverse("portal:deals")).content.decode(),
        rep_client.get(reverse("portal:deal-detail", args=[deal.public_id])).content.decode(),
        rep_client.get(reverse("portal:deal-edit", args=[deal.public_id])).content.decode(),
    ]

    for page in pages:
        assert "<img src=http://evil" not in page
        assert "<script>alert" not in page
        assert "&lt;img src=http://evil.example/x&gt;" in page


def test_unknown_deal_is_a_404(rep_client):
    response = rep_client.get(reverse("portal:deal-detail", args=[uuid.uuid4()]))

    assert response.status_code == 404


def test_partner_manager_gives_a_new_deal_to_a_member_of_their_organisation(client, manager, partner_user):
    client.force_login(manager)

    response = client.post(reverse("portal:deal-create"), _form(owner=str(partner_user.pk)))

    deal = Deal.objects.get()
    assert response.status_code == 302
    assert (deal.owner, deal.organisation) == (partner_user, manager.organisation)


def test_partner_manager_cannot_give_a_deal_outside_their_organisation(client, manager):
    client.force_login(manager)

    response = client.post(reverse("portal:deal-create"), _form(owner=str(UserFactory().pk)))

    assert response.status_code == 422
    assert not Deal.objects.exists()


def test_the_edit_page_of_a_source_deal_is_read_only(rep_client, rep):
    deal = DealFactory(owner=rep, source=Source.HUBSPOT, connection=ConnectionFactory(), external_id="77")

    response = rep_client.get(reverse("portal:deal-edit", args=[deal.public_id]))

    assert response.status_code == 200
    assert b"<fieldset disabled>" in response.content
    assert b"Save deal" not in response.content
    assert b"HubSpot, which owns its fields" in response.content
