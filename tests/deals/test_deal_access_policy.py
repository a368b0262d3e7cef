"""Who may list, view, edit and delete a deal owned by organisation A's partner user, checked cell
by cell through real HTTP requests (the main table is tests/test_access_policy.py; deals add their
rows here). "Y" is allowed, "-" refused: in the portal a refusal is the very 404 a missing deal
gets, and nothing changes; a list refuses by leaving the deal out of a page that still answers 200.
Partner A's user owns the deal; their partner manager sees and edits their organisation's deals;
analysts read every deal; organisation B never sees it."""

from django.urls import reverse

import pytest

from deals.models import Deal

from ..factories.accounts import POLICY_ROLES, OrganisationFactory, policy_role_users
from ..factories.deals import DealFactory
from ..refusals import assert_portal_refused, policy_cells

POLICY = """
object   action  rep partner_a partner_manager_a partner_b brand_manager analyst admin
deal_a   list     -      Y             Y             -          -          Y      Y
deal_a   view     -      Y             Y             -          -          Y      Y
deal_a   edit     -      Y             Y             -          -          -      Y
deal_a   delete   -      Y             Y             -          -          -      Y
"""

DEAL_A = "DEAL-A-MARKER"


@pytest.fixture
def world(db):
    org_a, org_b = OrganisationFactory(name="Org A"), OrganisationFactory(name="Org B")
    users = policy_role_users(org_a, org_b)
    deal = DealFactory(owner=users["partner_a"], name=DEAL_A, account_name="Account A")
    return users, deal


def _edit_form(deal) -> dict:
    return {"name": "CHANGED", "account_name": deal.account_name, "currency": deal.currency, "amount": "1.00"}


@pytest.mark.parametrize(("action", "role", "allowed"), policy_cells(POLICY, POLICY_ROLES))
def test_deal_policy(client, world, action, role, allowed):
    users, deal = world
    client.force_login(users[role])

    if action == "list":
        response = client.get(reverse("portal:deals"))
        assert response.status_code == 200
        assert (DEAL_A in response.text) is allowed
    elif action == "view":
        response = client.get(reverse("portal:deal-detail", args=[deal.public_id]))
        if allowed:
            assert response.status_code == 200
            assert DEAL_A in response.text
        else:
            assert_portal_refused(client, response, "portal:deal-detail")
    elif action == "edit":
        response = client.post(reverse("portal:deal-edit", args=[deal.public_id]), _edit_form(deal))
        if allowed:
            assert response.status_code == 302
            assert Deal.objects.get(pk=deal.pk).name == "CHANGED"
        else:
            assert_portal_refused(client, response, "portal:deal-edit", method="post", data=_edit_form(deal))
            assert Deal.objects.get(pk=deal.pk).name == DEAL_A
    elif action == "delete":
        response = client.post(reverse("portal:deal-delete", args=[deal.public_id]))
        if allowed:
            assert response.status_code == 302
            assert Deal.objects.get(pk=deal.pk).deleted_at is not None
        else:
            assert_portal_refused(client, response, "portal:deal-delete", method="post")
            assert Deal.objects.get(pk=deal.pk).deleted_at is None
