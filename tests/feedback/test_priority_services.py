"""Marking and unmarking priority deals: who may, what is stored, who is told."""

import pytest

from approvals.models import Notification, NotificationKind
from deals.models import Outcome
from feedback.models import PriorityDeal
from feedback.selectors.priority import collateral_received, priority_deals_for, priority_get
from feedback.services.priority import (
    NOTE_MAX_CHARS,
    PriorityAccessError,
    PriorityDealError,
    can_mark_priority,
    priority_mark,
    priority_unmark,
)

from ..factories.accounts import OrganisationFactory, RegionFactory, UserFactory, partner_member
from ..factories.deals import DealFactory
from ..factories.feedback import make_priority_deal

pytestmark = pytest.mark.django_db


@pytest.fixture
def north(db):
    return RegionFactory(name="North", code="north")


def test_an_analyst_marks_a_deal_on_its_regions_list(analyst, rep, north):
    deal = DealFactory(owner=rep, region=north)

    priority = priority_mark(deal=deal, by=analyst, note="Case study before the demo")

    stored = PriorityDeal.objects.get(deal=deal)
    assert stored.pk == priority.pk
    assert (stored.region, stored.note, stored.marked_by) == (north, "Case study before the demo", analyst)


def test_the_region_stays_the_one_the_deal_had_when_marked(analyst, rep, north):
    deal = DealFactory(owner=rep, region=north)
    priority_mark(deal=deal, by=analyst)

    deal.region = RegionFactory(name="South", code="south")
    deal.save()

    assert PriorityDeal.objects.get(deal=deal).region == north


def test_the_owner_is_notified_when_their_deal_is_marked(analyst, rep):
    deal = DealFactory(owner=rep, name="Northwind renewal")

    priority_mark(deal=deal, by=analyst, note="Push the ROI sheet")

    notification = Notification.objects.get(recipient=rep)
    assert notification.kind == NotificationKind.PRIORITY_DEAL
    assert "Northwind renewal" in notification.title
    assert "Push the ROI sheet" in notification.body
    assert str(deal.public_id) in notification.url


def test_marking_again_changes_the_note_without_notifying_twice(analyst, rep):
    deal = DealFactory(owner=rep)
    priority_mark(deal=deal, by=analyst, note="First")

    priority_mark(deal=deal, by=analyst, note="Second")

    assert PriorityDeal.objects.get(deal=deal).note == "Second"
    assert Notification.objects.filter(recipient=rep).count() == 1


def test_a_partner_manager_marks_their_own_organisations_deal(manager, partner_organisation):
    member = partner_member(partner_organisation, username="member")
    deal = DealFactory(owner=member)

    priority_mark(deal=deal, by=manager)

    assert PriorityDeal.objects.filter(deal=deal, marked_by=manager).exists()
    assert Notification.objects.filter(recipient=member, kind=NotificationKind.PRIORITY_DEAL).exists()


def test_a_partner_manager_cannot_mark_another_organisations_deal(manager):
    other = partner_member(OrganisationFactory(name="Other partner"), username="other")
    deal = DealFactory(owner=other)

    with pytest.raises(PriorityAccessError):
        priority_mark(deal=deal, by=manager)

    assert not PriorityDeal.objects.exists()


def test_a_rep_cannot_mark_even_their_own_deal(rep):
    deal = DealFactory(owner=rep)

    with pytest.raises(PriorityAccessError):
        priority_mark(deal=deal, by=rep)

    assert not PriorityDeal.objects.exists()


def test_a_partner_user_holding_the_permission_still_cannot_mark(partner_user):
    from django.contrib.auth.models import Permission

    partner_user.user_permissions.add(Permission.objects.get(codename="mark_priority_deals"))
    deal = DealFactory(owner=partner_user)

    assert not can_mark_priority(partner_user, deal)


def test_a_closed_deal_is_refused_with_a_reason(analyst, rep):
    deal = DealFactory(owner=rep, outcome=Outcome.WON)

    with pytest.raises(PriorityDealError, match="closed"):
        priority_mark(deal=deal, by=analyst)

    assert not PriorityDeal.objects.exists()


def test_a_note_over_the_limit_is_refused(analyst, rep):
    deal = DealFactory(owner=rep)

    with pytest.raises(PriorityDealError, match=str(NOTE_MAX_CHARS)):
        priority_mark(deal=deal, by=analyst, note="x" * (NOTE_MAX_CHARS + 1))

    assert not PriorityDeal.objects.exists()


def test_a_note_is_kept_on_one_line(analyst, rep):
    deal = DealFactory(owner=rep)

    priority_mark(deal=deal, by=analyst, note="Line one\r\nLine two\u202e")

    assert PriorityDeal.objects.get(deal=deal).note == "Line one Line two"


def test_unmarking_takes_the_deal_off_the_list(analyst, rep):
    deal = DealFactory(owner=rep)
    make_priority_deal(deal, marked_by=analyst)

    removed = priority_unmark(deal=deal, by=analyst)

    assert removed is True
    assert priority_get(deal) is None


def test_a_rep_cannot_unmark(analyst, rep):
    deal = DealFactory(owner=rep)
    make_priority_deal(deal, marked_by=analyst)

    with pytest.raises(PriorityAccessError):
        priority_unmark(deal=deal, by=rep)

    assert priority_get(deal) is not None


def test_the_owner_sees_their_priority_deal_and_not_a_colleagues(analyst, rep):
    mine = make_priority_deal(DealFactory(owner=rep), marked_by=analyst)
    make_priority_deal(DealFactory(owner=UserFactory()), marked_by=analyst)

    assert list(priority_deals_for(rep)) == [mine]


def test_a_partner_never_sees_another_organisations_priority_deals(manager, analyst):
    other = partner_member(OrganisationFactory(name="Other partner"), username="other")
    make_priority_deal(DealFactory(owner=other), marked_by=analyst)

    assert list(priority_deals_for(manager)) == []


def test_marketing_sees_every_priority_deal_and_filters_by_region(analyst, rep, north):
    in_north = make_priority_deal(DealFactory(owner=rep, region=north), marked_by=analyst)
    elsewhere = make_priority_deal(DealFactory(owner=UserFactory()), marked_by=analyst)

    assert set(priority_deals_for(analyst)) == {in_north, elsewhere}
    assert list(priority_deals_for(analyst, region_id=north.pk)) == [in_north]


def test_a_deleted_deal_drops_off_the_list(analyst, rep):
    from django.utils import timezone

    deal = DealFactory(owner=rep)
    make_priority_deal(deal, marked_by=analyst)

    deal.deleted_at = timezone.now()
    deal.save()

    assert list(priority_deals_for(analyst)) == []


def test_with_nothing_sent_the_last_collateral_is_empty(analyst, rep):
    make_priority_deal(DealFactory(owner=rep), marked_by=analyst)

    (priority,) = priority_deals_for(analyst)

    assert priority.last_sent_at is None


def test_collateral_received_is_empty_for_a_new_deal(analyst, rep):
    deal = DealFactory(owner=rep)

    assert list(collateral_received(deal, analyst)) == []
