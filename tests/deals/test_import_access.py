"""Who may import deals: partner managers in the portal for their own organisation only; marketing
operations (analysts) and administrators in Wagtail admin. Crafted requests, real outcomes."""

from django.urls import reverse

import pytest

from accounts.roles import Role
from deals.models import Deal, DealImport
from tests.factories.accounts import OrganisationFactory, partner_member
from tests.refusals import assert_admin_refused, assert_portal_refused

from .imports import csv_file, salesforce_connection, salesforce_report, sf_row

pytestmark = pytest.mark.django_db

CONTENT = salesforce_report(sf_row(stage=""))


def portal_upload(client, user):
    client.force_login(user)
    return client.post(reverse("portal:deal-imports"), {"file": csv_file(CONTENT)})


def test_a_partner_manager_previews_and_imports_into_their_organisation(client, manager, partner_organisation):
    response = portal_upload(client, manager)

    deal_import = DealImport.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("portal:deal-import-detail", args=[deal_import.public_id])
    page = client.get(response.url)
    assert page.status_code == 200
    assert "What the import would do" in page.content.decode()

    commit = client.post(reverse("portal:deal-import-action", args=[deal_import.public_id, "commit"]))

    assert commit.status_code == 302
    deal = Deal.objects.get()
    assert deal.organisation == partner_organisation
    assert deal.connection.organisation == partner_organisation


@pytest.mark.parametrize("who", ["partner_user", "rep"])
def test_partner_users_and_reps_cannot_reach_the_portal_import(client, request, who):
    user = request.getfixturevalue(who)
    client.force_login(user)

    assert client.get(reverse("portal:deal-imports")).status_code == 404
    assert portal_upload(client, user).status_code == 404
    assert DealImport.objects.count() == 0


def test_another_organisations_manager_gets_the_404_of_a_missing_import(client, manager, roles):
    portal_upload(client, manager)
    deal_import = DealImport.objects.get()
    outsider = partner_member(OrganisationFactory(name="Elsewhere Ltd"), username="outsider")
    outsider.groups.add(roles[Role.PARTNER_MANAGER])
    client.force_login(outsider)

    detail = client.get(reverse("portal:deal-import-detail", args=[deal_import.public_id]))
    assert_portal_refused(client, detail, "portal:deal-import-detail")
    commit = client.post(reverse("portal:deal-import-action", args=[deal_import.public_id, "commit"]))
    assert commit.status_code == 404
    assert Deal.objects.count() == 0
    assert deal_import.public_id.hex not in client.get(reverse("portal:deal-imports")).content.decode()


def test_markup_from_the_file_is_shown_as_text(client, manager):
    client.force_login(manager)
    content = salesforce_report(sf_row(stage="<img src=https://evil.example/x.png>", currency="<b>X</b>"))
    client.post(reverse("portal:deal-imports"), {"file": csv_file(content)})

    page = client.get(reverse("portal:deal-import-detail", args=[DealImport.objects.get().public_id]))

    body = page.content.decode()
    assert "<img src=https://evil.example" not in body
    assert "<B>X</B>" not in body
    assert "“&lt;img src=https://evil.example/x.png&gt;” is not mapped" in body
    assert "&lt;B&gt;X&lt;/B&gt;” is not an ISO 4217 currency code" in body


def test_the_blank_template_lists_the_columns(client, manager):
    client.force_login(manager)

    response = client.get(reverse("portal:deal-import-template"))

    assert response["Content-Type"].startswith("text/csv")
    assert response.content.decode("utf-8-sig").startswith("External id,Deal name,Account")


def test_an_analyst_imports_into_a_connection_in_admin(client, analyst):
    connection = salesforce_connection(name="Salesforce EU", kind="salesforce")
    client.force_login(analyst)
    assert client.get(reverse("deal_imports_admin:list")).status_code == 200

    response = client.post(
        reverse("deal_imports_admin:list"), {"file": csv_file(salesforce_report(sf_row())), "connection": connection.pk}
    )
    deal_import = DealImport.objects.get()
    assert response.url == reverse("deal_imports_admin:detail", args=[deal_import.public_id])
    detail = client.get(response.url)
    assert detail.status_code == 200
    assert "What the import would do" in detail.content.decode()
    client.post(reverse("deal_imports_admin:action", args=[deal_import.public_id, "commit"]))

    assert Deal.objects.get().connection == connection


@pytest.mark.parametrize("who", ["brand_manager", "manager", "rep"])
def test_others_are_refused_the_admin_import(client, request, who):
    user = request.getfixturevalue(who)
    client.force_login(user)

    assert_admin_refused(client.get(reverse("deal_imports_admin:list")), user)
