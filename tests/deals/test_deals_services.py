from decimal import Decimal

import pytest

from deals.models import Deal, Outcome, Source
from deals.services.deals import (
    DealAccessError,
    DealError,
    DealReadOnlyError,
    deal_create,
    deal_delete,
    deal_owner_resolve,
    deal_restore,
    deal_update,
)

from ..factories.accounts import OrganisationFactory, UserFactory, partner_member
from ..factories.deals import ConnectionFactory, DealFactory, company_stages

VALUES = {"name": "Acme — annual plan", "account_name": "Acme Ltd", "amount": Decimal("1234.56"), "currency": "eur"}


@pytest.fixture
def stages(db):
    return company_stages()


@pytest.fixture
def admin_user(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


def test_rep_creates_a_manual_deal_they_own(rep):
    deal = deal_create(by=rep, values=VALUES)

    deal.refresh_from_db()
    assert (deal.owner, deal.organisation, deal.source, deal.created_by) == (rep, None, Source.MANUAL, rep)
    assert (deal.amount, deal.currency) == (Decimal("1234.56"), "EUR")


def test_amount_is_kept_exact(rep):
    deal = deal_create(by=rep, values=VALUES | {"amount": Decimal("123456789012.34")})

    assert Deal.objects.get(pk=deal.pk).amount == Decimal("123456789012.34")


def test_unknown_currency_is_refused_and_nothing_written(rep):
    with pytest.raises(DealError) as refused:
        deal_create(by=rep, values=VALUES | {"currency": "XXQ"})

    assert "ISO 4217" in refused.value.errors["currency"][0]
    assert not Deal.objects.exists()


def test_amount_without_currency_is_refused(rep):
    with pytest.raises(DealError) as refused:
        deal_create(by=rep, values=VALUES | {"currency": ""})

    assert "currency" in refused.value.errors


def test_stage_decides_the_outcome(rep, stages):
    deal = deal_create(by=rep, values=VALUES | {"stage": stages["won"]})

    assert Deal.objects.get(pk=deal.pk).outcome == Outcome.WON


def test_partner_deal_belongs_to_their_organisation(partner_user, partner_organisation):
    deal = deal_create(by=partner_user, values=VALUES)

    assert (deal.owner, deal.organisation) == (partner_user, partner_organisation)


def test_partner_user_cannot_pick_another_owner(partner_user, partner_organisation):
    colleague = partner_member(partner_organisation)

    with pytest.raises(DealError):
        deal_create(by=partner_user, values=VALUES, owner=colleague)

    assert not Deal.objects.exists()


def test_partner_manager_sets_an_owner_in_their_organisation(manager, partner_organisation):
    colleague = partner_member(partner_organisation)

    deal = deal_create(by=manager, values=VALUES, owner=colleague)

    assert (deal.owner, deal.organisation) == (colleague, partner_organisation)


def test_partner_manager_cannot_give_a_deal_to_another_organisation(manager):
    stranger = partner_member(OrganisationFactory())

    with pytest.raises(DealError) as refused:
        deal_create(by=manager, values=VALUES, owner=stranger)

    assert "owner" in refused.value.errors
    assert not Deal.objects.exists()


def test_analyst_cannot_create_deals(analyst):
    with pytest.raises(DealAccessError):
        deal_create(by=analyst, values=VALUES)


def test_owner_updates_a_manual_deal(rep, stages):
    deal = DealFactory(owner=rep)

    deal_update(deal=deal, by=rep, values={"name": "Renamed", "stage": stages["lost"]})

    deal.refresh_from_db()
    assert (deal.name, deal.outcome) == ("Renamed", Outcome.LOST)


def test_another_rep_cannot_update(rep):
    deal = DealFactory(owner=UserFactory())

    with pytest.raises(DealAccessError):
        deal_update(deal=deal, by=rep, values={"name": "Mine now"})

    assert Deal.objects.get(pk=deal.pk).name != "Mine now"


def test_analyst_cannot_update(analyst):
    deal = DealFactory()

    with pytest.raises(DealAccessError):
        deal_update(deal=deal, by=analyst, values={"name": "Changed"})


def _source_deal(owner):
    return DealFactory(owner=owner, source=Source.CSV, connection=ConnectionFactory(), external_id="006A")


def test_crm_owned_field_change_is_refused_server_side(rep):
    deal = _source_deal(rep)
    before = deal.name

    with pytest.raises(DealReadOnlyError) as refused:
        deal_update(deal=deal, by=rep, values={"name": "Typed over the CRM", "amount": deal.amount})

    assert list(refused.value.errors) == ["name", "__all__"]
    assert Deal.objects.get(pk=deal.pk).name == before


def test_source_deal_with_unchanged_values_saves_nothing_and_succeeds(rep):
    deal = _source_deal(rep)

    deal_update(deal=deal, by=rep, values={"name": deal.name, "currency": deal.currency.lower()})

    assert Deal.objects.get(pk=deal.pk).name == deal.name


def test_delete_marks_the_deal_and_undo_restores_it(rep):
    deal = DealFactory(owner=rep)

    deal_delete(deal=deal, by=rep)
    assert Deal.objects.get(pk=deal.pk).deleted_at is not None
    deal_restore(deal=deal, by=rep)

    assert Deal.objects.get(pk=deal.pk).deleted_at is None


def test_source_deal_cannot_be_deleted_in_the_portal(rep):
    deal = _source_deal(rep)

    with pytest.raises(DealReadOnlyError):
        deal_delete(deal=deal, by=rep)

    assert Deal.objects.get(pk=deal.pk).deleted_at is None


def test_administrator_resolves_an_unresolved_owner(admin_user, rep):
    deal = _source_deal(None)
    Deal.objects.filter(pk=deal.pk).update(unresolved_owner="dana@old-crm.example", organisation=None)

    deal_owner_resolve(deal=deal, owner=rep, by=admin_user)

    deal.refresh_from_db()
    assert (deal.owner, deal.unresolved_owner) == (rep, "")


def test_owner_from_another_organisation_is_refused_when_resolving(admin_user, partner_organisation):
    deal = _source_deal(None)
    Deal.objects.filter(pk=deal.pk).update(unresolved_owner="x@y.example", organisation=partner_organisation)
    stranger = partner_member(OrganisationFactory())

    with pytest.raises(DealError):
        deal_owner_resolve(deal=deal, owner=stranger, by=admin_user)

    assert Deal.objects.get(pk=deal.pk).owner is None


def test_analyst_cannot_resolve_owners(analyst, rep):
    deal = _source_deal(None)
    Deal.objects.filter(pk=deal.pk).update(unresolved_owner="x@y.example")

    with pytest.raises(DealAccessError):
        deal_owner_resolve(deal=deal, owner=rep, by=analyst)
