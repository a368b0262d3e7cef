"""The priority deals pages: the list, the mark/unmark control on a deal's page, the badge in the
deal list, and every boundary (a deal out of reach is a 404, a rep without the right a 403)."""

from django.urls import reverse

import pytest

from deals.models import Channel, DeliveryEvent, Outcome
from feedback.models import PriorityDeal
from feedback.services.priority import NOTE_MAX_CHARS

from ..factories.accounts import OrganisationFactory, RegionFactory, UserFactory, partner_member
from ..factories.approvals import make_document
from ..factories.deals import DealFactory
from ..factories.feedback import make_priority_deal
from ..refusals import assert_portal_refused

pytestmark = pytest.mark.django_db

MARKUP = '<script>alert("x")</script>'


@pytest.fixture
def analyst_client(client, analyst):
    client.force_login(analyst)
    return client


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


def mark_url(deal):
    return reverse("portal:deal-priority", args=[deal.public_id])


def unmark_url(deal):
    return reverse("portal:deal-priority-remove", args=[deal.public_id])


def _event(deal, document, user, when=None):
    event = DeliveryEvent.objects.create(
        channel=Channel.PORTAL_PDF,
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
        **({"occurred_at": when} if when else {}),
    )
    return event


# The list ---------------------------------------------------------------------------------------


def test_the_list_shows_the_deal_owner_note_and_a_no_collateral_flag(analyst_client, analyst, rep):
    make_priority_deal(DealFactory(owner=rep, name="Northwind renewal"), marked_by=analyst, note="Push ROI")

    response = analyst_client.get(reverse("portal:priority-deals"))

    assert response.status_code == 200
    text = response.content.decode()
    assert "Northwind renewal" in text
    assert "Dana Whitfield" in text
    assert "Push ROI" in text
    assert "No collateral yet" in text


def test_the_list_shows_the_last_collateral_and_when(analyst_client, analyst, rep, onepager):
    deal = DealFactory(owner=rep)
    make_priority_deal(deal, marked_by=analyst)
    _event(deal, make_document(template=onepager, owner=rep), rep)

    response = analyst_client.get(reverse("portal:priority-deals"))

    text = response.content.decode()
    assert onepager.title in text
    assert "Portal PDF" in text
    assert "No collateral yet" not in text


def test_the_list_filters_by_region(analyst_client, analyst, rep):
    north, south = RegionFactory(name="North", code="north"), RegionFactory(name="South", code="south")
    make_priority_deal(DealFactory(owner=rep, region=north, name="Up north"), marked_by=analyst)
    make_priority_deal(DealFactory(owner=rep, region=south, name="Down south"), marked_by=analyst)

    response = analyst_client.get(reverse("portal:priority-deals"), {"region": "north"})

    text = response.content.decode()
    assert "Up north" in text
    assert "Down south" not in text


def test_an_unknown_region_is_refused_clearly_and_shows_everything(analyst_client, analyst, rep):
    make_priority_deal(DealFactory(owner=rep, name="Any deal"), marked_by=analyst)

    response = analyst_client.get(reverse("portal:priority-deals"), {"region": "<nowhere>"})

    assert response.status_code == 400
    text = response.content.decode()
    assert "Region:" in text
    assert "Any deal" in text
    assert "<nowhere>" not in text


def test_a_rep_sees_only_their_own_priority_deals(rep_client, rep, analyst):
    make_priority_deal(DealFactory(owner=rep, name="My deal"), marked_by=analyst)
    make_priority_deal(DealFactory(owner=UserFactory(), name="A colleague's deal"), marked_by=analyst)

    response = rep_client.get(reverse("portal:priority-deals"))

    text = response.content.decode()
    assert "My deal" in text
    assert "A colleague&#x27;s deal" not in text
    assert "Unmark" not in text


def test_a_partner_manager_never_sees_another_organisations_priority_deals(manager_client, analyst):
    other = partner_member(OrganisationFactory(name="Other partner"), username="other")
    make_priority_deal(DealFactory(owner=other, name="Their secret deal"), marked_by=analyst, note="Their note")

    response = manager_client.get(reverse("portal:priority-deals"))

    text = response.content.decode()
    assert "Their secret deal" not in text
    assert "Their note" not in text


def test_a_note_with_markup_is_shown_as_text(analyst_client, analyst, rep):
    make_priority_deal(DealFactory(owner=rep), marked_by=analyst, note=MARKUP)

    response = analyst_client.get(reverse("portal:priority-deals"))

    assert MARKUP not in response.content.decode()
    assert "&lt;script&gt;" in response.content.decode()


def test_the_list_needs_a_signed_in_user(client):
    response = client.get(reverse("portal:priority-deals"))

    assert response.status_code == 302


# Marking from the deal page --------------------------------------------------------------------


def test_the_deal_page_offers_the_mark_control_to_an_analyst(analyst_client, rep):
    deal = DealFactory(owner=rep)

    response = analyst_client.get(reverse("portal:deal-detail", args=[deal.public_id]))

    assert "Mark as priority" in response.content.decode()


def test_the_deal_page_offers_no_control_to_a_rep(rep_client, rep):
    deal = DealFactory(owner=rep)

    response = rep_client.get(reverse("portal:deal-detail", args=[deal.public_id]))

    assert "Mark as priority" not in response.content.decode()


def test_the_owner_sees_their_deal_is_a_priority_with_its_note(rep_client, rep, analyst):
    deal = DealFactory(owner=rep)
    make_priority_deal(deal, marked_by=analyst, note="Agreed on Monday")

    response = rep_client.get(reverse("portal:deal-detail", args=[deal.public_id]))

    text = response.content.decode()
    assert "A priority deal" in text
    assert "Agreed on Monday" in text
    assert "Unmark" not in text


def test_an_analyst_marks_a_deal_from_its_page(analyst_client, analyst, rep):
    deal = DealFactory(owner=rep)

    response = analyst_client.post(mark_url(deal), {"note": "Case study first"})

    assert response.status_code == 302
    assert response.url == reverse("portal:deal-detail", args=[deal.public_id])
    priority = PriorityDeal.objects.get(deal=deal)
    assert (priority.note, priority.marked_by) == ("Case study first", analyst)


def test_a_too_long_note_is_refused_and_kept(analyst_client, rep):
    deal = DealFactory(owner=rep)
    note = "n" * (NOTE_MAX_CHARS + 5)

    response = analyst_client.post(mark_url(deal), {"note": note})

    assert response.status_code == 422
    assert note in response.content.decode()
    assert not PriorityDeal.objects.exists()


def test_a_closed_deal_is_refused_with_a_reason(analyst_client, rep):
    deal = DealFactory(owner=rep, outcome=Outcome.LOST)

    response = analyst_client.post(mark_url(deal), {"note": "too late"})

    assert response.status_code == 422
    assert "only open deals" in response.content.decode()
    assert "too late" in response.content.decode()
    assert not PriorityDeal.objects.exists()


def test_a_rep_marking_their_own_deal_is_refused_with_403(rep_client, rep):
    deal = DealFactory(owner=rep)

    response = rep_client.post(mark_url(deal), {"note": ""})

    assert response.status_code == 403
    assert not PriorityDeal.objects.exists()


def test_a_deal_out_of_reach_is_a_404_like_a_missing_one(rep_client):
    deal = DealFactory(owner=UserFactory())

    response = rep_client.post(mark_url(deal), {"note": ""})

    assert_portal_refused(rep_client, response, "portal:deal-priority", method="post", data={"note": ""})
    assert not PriorityDeal.objects.exists()


def test_a_partner_manager_cannot_mark_another_organisations_deal(manager_client):
    other = partner_member(OrganisationFactory(name="Other partner"), username="other")
    deal = DealFactory(owner=other)

    response = manager_client.post(mark_url(deal), {"note": ""})

    assert response.status_code == 404
    assert not PriorityDeal.objects.exists()


def test_a_partner_manager_marks_and_unmarks_their_own_organisations_deal(
    manager_client, manager, partner_organisation
):
    deal = DealFactory(owner=partner_member(partner_organisation, username="member"))

    manager_client.post(mark_url(deal), {"note": "Ours"})
    assert PriorityDeal.objects.filter(deal=deal, marked_by=manager).exists()

    response = manager_client.post(unmark_url(deal))

    assert response.status_code == 302
    assert not PriorityDeal.objects.filter(deal=deal).exists()


def test_unmarking_from_the_list_returns_to_the_list(analyst_client, analyst, rep):
    deal = DealFactory(owner=rep)
    make_priority_deal(deal, marked_by=analyst)

    response = analyst_client.post(unmark_url(deal), {"return_to": "list"})

    assert response.url == reverse("portal:priority-deals")
    assert not PriorityDeal.objects.exists()


def test_a_rep_cannot_unmark_their_priority_deal(rep_client, rep, analyst):
    deal = DealFactory(owner=rep)
    make_priority_deal(deal, marked_by=analyst)

    response = rep_client.post(unmark_url(deal))

    assert response.status_code == 403
    assert PriorityDeal.objects.filter(deal=deal).exists()


def test_unmark_needs_a_post(analyst_client, analyst, rep):
    deal = DealFactory(owner=rep)
    make_priority_deal(deal, marked_by=analyst)

    response = analyst_client.get(unmark_url(deal))

    assert response.status_code == 405
    assert PriorityDeal.objects.filter(deal=deal).exists()


# The badge in the deal list ---------------------------------------------------------------------


def test_the_deal_list_shows_a_priority_badge(rep_client, rep, analyst):
    make_priority_deal(DealFactory(owner=rep, name="Pushed deal"), marked_by=analyst)
    DealFactory(owner=rep, name="Ordinary deal")

    response = rep_client.get(reverse("portal:deals"))

    text = response.content.decode()
    assert text.count('badge--priority">Priority</span>') == 1
    assert text.index("Pushed deal") < text.index('badge--priority">Priority')
