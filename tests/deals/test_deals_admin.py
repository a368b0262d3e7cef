from django.urls import reverse

from wagtail.test.utils.form_data import inline_formset, nested_form_data

import pytest

from deals.models import Connection, Deal, Outcome, Source, Stage, StageMapping

from ..factories.accounts import OrganisationFactory, UserFactory, partner_member
from ..factories.deals import ConnectionFactory, DealFactory, company_stages, map_stage
from ..refusals import assert_admin_refused, messages_of


@pytest.fixture
def admin_user(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def analyst_client(client, analyst):
    client.force_login(analyst)
    return client


def _connection_form(mappings: list[dict], **extra) -> dict:
    return nested_form_data(
        {"name": "Salesforce EMEA", "kind": Source.SALESFORCE, "organisation": "", **extra}
        | {"stage_mappings": inline_formset(mappings)}
    )


def test_analyst_adds_a_company_stage(analyst_client):
    response = analyst_client.post(
        reverse("stage:add"),
        {"name": "Negotiation", "sort_order": "30", "category": Outcome.OPEN, "is_qualified": "on"},
    )

    assert response.status_code == 302
    stage = Stage.objects.get(name="Negotiation")
    assert (stage.sort_order, stage.is_qualified) == (30, True)


def test_analyst_cannot_delete_a_stage(analyst_client, analyst):
    stage = company_stages()["proposal"]

    response = analyst_client.post(reverse("stage:delete", args=[stage.pk]))

    assert_admin_refused(response, analyst)
    assert Stage.objects.filter(pk=stage.pk).exists()


def test_administrator_creates_a_connection_with_its_stage_mappings(admin_client):
    stages = company_stages()

    response = admin_client.post(
        reverse("connection:add"),
        _connection_form(
            [{"value": "Closed Won", "stage": stages["won"].pk}, {"value": "0125", "stage": stages["lost"].pk}]
        ),
    )

    assert response.status_code == 302
    connection = Connection.objects.get(name="Salesforce EMEA")
    assert dict(connection.stage_mappings.values_list("value", "stage__name")) == {
        "Closed Won": "Closed Won",
        "0125": "Closed Lost",
    }


def test_the_same_source_value_mapped_twice_is_a_form_error(admin_client):
    stages = company_stages()

    response = admin_client.post(
        reverse("connection:add"),
        _connection_form([{"value": "Won", "stage": stages["won"].pk}, {"value": "Won", "stage": stages["lost"].pk}]),
    )

    assert response.status_code == 200
    assert not Connection.objects.exists()


def test_analyst_maps_a_source_stage(analyst_client):
    stages = company_stages()
    connection = ConnectionFactory()

    response = analyst_client.post(
        reverse("stagemapping:add"),
        {"connection": connection.pk, "value": "closedwon", "stage": stages["won"].pk},
    )

    assert response.status_code == 302
    assert StageMapping.objects.get(connection=connection, value="closedwon").stage == stages["won"]


def test_duplicate_mapping_is_refused_with_a_message(analyst_client):
    stages = company_stages()
    connection = ConnectionFactory()
    map_stage(connection, "closedwon", stages["won"])

    response = analyst_client.post(
        reverse("stagemapping:add"),
        {"connection": connection.pk, "value": "closedwon", "stage": stages["lost"].pk},
    )

    assert response.status_code == 200
    assert StageMapping.objects.get(connection=connection, value="closedwon").stage == stages["won"]


def test_analyst_cannot_change_a_connection(analyst_client, analyst):
    connection = ConnectionFactory(name="Untouched")

    response = analyst_client.post(reverse("connection:edit", args=[connection.pk]), _connection_form([]))

    assert_admin_refused(response, analyst)
    assert Connection.objects.get(pk=connection.pk).name == "Untouched"


def test_deal_list_shows_deleted_deals_as_deleted(analyst_client):
    from django.utils import timezone

    DealFactory(name="Removed in CRM", deleted_at=timezone.now())

    response = analyst_client.get(reverse("deal:index"))

    assert response.status_code == 200
    assert b"Removed in CRM" in response.content
    assert b"Deleted" in response.content


def test_owner_not_resolved_filter_lists_only_those_deals(admin_client):
    DealFactory(name="Known owner")
    DealFactory(name="Unknown owner", owner=None, unresolved_owner="gone@crm.example")

    response = admin_client.get(reverse("deal:index"), {"owner_unresolved": "true"})

    assert b"Unknown owner" in response.content
    assert b"Known owner" not in response.content


@pytest.mark.parametrize("param", ["outcome", "source"])
def test_deal_filters_answer(admin_client, param):
    DealFactory()

    response = admin_client.get(reverse("deal:index"), {param: "nonsense"})

    assert response.status_code == 200


def test_administrator_resolves_an_owner_by_picking_a_user(admin_client):
    rep = UserFactory()
    deal = DealFactory(owner=None, unresolved_owner=rep.email.upper())

    response = admin_client.post(reverse("deal:edit", args=[deal.pk]), {"owner": rep.pk})

    assert response.status_code == 302
    deal.refresh_from_db()
    assert (deal.owner, deal.unresolved_owner) == (rep, "")


def test_resolving_to_a_user_of_another_organisation_is_refused(admin_client):
    organisation = OrganisationFactory()
    deal = DealFactory(owner=None, unresolved_owner="x@y.example", organisation=organisation)
    stranger = partner_member(OrganisationFactory())

    response = admin_client.post(reverse("deal:edit", args=[deal.pk]), {"owner": stranger.pk})

    assert response.status_code == 200
    assert b"must belong to" in response.content
    assert Deal.objects.get(pk=deal.pk).owner is None


def test_analyst_cannot_resolve_owners(analyst_client, analyst):
    deal = DealFactory(owner=None, unresolved_owner="x@y.example")

    response = analyst_client.post(reverse("deal:edit", args=[deal.pk]), {"owner": analyst.pk})

    assert_admin_refused(response, analyst)
    assert Deal.objects.get(pk=deal.pk).owner is None


@pytest.mark.parametrize("route", ["deal:add", "deal:delete"])
def test_nobody_adds_or_erases_deals_in_admin(admin_client, admin_user, route):
    deal = DealFactory()

    response = admin_client.post(reverse(route, args=[deal.pk] if route == "deal:delete" else []))

    assert_admin_refused(response, admin_user)
    assert Deal.objects.filter(pk=deal.pk).exists()


def test_deleting_a_stage_in_use_is_refused_without_an_error_page(admin_client):
    stage = company_stages()["proposal"]
    DealFactory(stage=stage)

    response = admin_client.post(reverse("stage:delete", args=[stage.pk]))

    assert response.status_code == 302
    assert any("was kept: 1 deal or stage mapping still point" in m for m in messages_of(response))
    assert Stage.objects.filter(pk=stage.pk).exists()


def test_deleting_a_connection_with_deals_is_refused_without_an_error_page(admin_client):
    connection = ConnectionFactory()
    DealFactory(connection=connection, external_id="1", source=Source.CSV)

    response = admin_client.post(reverse("connection:delete", args=[connection.pk]))

    assert response.status_code == 302
    assert any("was kept" in m for m in messages_of(response))
    assert Connection.objects.filter(pk=connection.pk).exists()


def test_markup_in_a_deal_is_text_in_admin(admin_client):
    markup = '<img src=http://evil/x>"><script>alert(1)</script>'
    deal = DealFactory(name=markup, account_name=markup, owner=None, unresolved_owner="x@y.example")

    pages = [
        admin_client.get(reverse("deal:index")).content.decode(),
        admin_client.get(reverse("deal:inspect", args=[deal.pk])).content.decode(),
        admin_client.get(reverse("deal:edit", args=[deal.pk])).content.decode(),
    ]

    for page in pages:
        assert "<img src=http://evil" not in page
        assert "<script>alert(1)" not in page
        assert "&lt;img src=http://evil/x&gt;" in page


def test_a_deal_with_a_known_owner_has_nothing_to_resolve(admin_client):
    deal = DealFactory()

    response = admin_client.get(reverse("deal:edit", args=[deal.pk]))

    assert response.status_code == 302
    assert response.url == reverse("deal:inspect", args=[deal.pk])
