"""Who may make, list, revoke and switch the notifications of a document's share links, as one
table checked cell by cell through real HTTP requests (the roles of tests/test_access_policy.py).

Only the document's owner (A's partner user) may: a share link hands the approved document to
someone outside the portal, so it is the owner's act, like sharing with a colleague. Everyone
else gets the very 404 a missing document or link gets, and nothing changes. The prospect's
page needs no role: it is open to anyone with a working token (tests/portal/test_share_link_views.py).
"""

import uuid

from django.contrib.auth import get_user_model
from django.urls import reverse

import pytest

from deals.models import ShareLink
from deals.services.share_links import share_link_create
from templates_lib.models import CollateralDocument
from templates_lib.services.audience import template_share

from ..factories.accounts import POLICY_ROLES, OrganisationFactory, policy_role_users
from ..factories.approvals import make_document
from ..factories.brand import make_brand_kit
from ..factories.templates_lib import make_template
from ..refusals import assert_refused_like_missing, policy_cells
from ..transactions import rolled_back_transaction

POLICY = """
object         action         rep partner_a partner_manager_a partner_b brand_manager analyst admin
share_link_a   create          -      Y             -             -          -          -      -
share_link_a   list            -      Y             -             -          -          -      -
share_link_a   revoke          -      Y             -             -          -          -      -
share_link_a   notifications   -      Y             -             -          -          -      -
"""

RECIPIENT = "SHARE-LINK-RECIPIENT-MARKER"


def _build_world() -> dict:
    make_brand_kit()
    org_a, org_b = OrganisationFactory(name="Org A"), OrganisationFactory(name="Org B")
    template = make_template(title="Shared with A", audience_internal=False)
    template_share(template=template, organisation=org_a)
    users = policy_role_users(org_a, org_b)
    document = make_document(template, users["partner_a"], title="DOC-A")
    link = share_link_create(document=document, created_by=users["partner_a"], recipient_name=RECIPIENT).link
    return {"users": {role: user.pk for role, user in users.items()}, "document": document.pk, "link": link.pk}


@pytest.fixture(scope="module")
def world_keys(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), rolled_back_transaction():
        yield _build_world()


@pytest.fixture
def world(db, world_keys) -> dict:
    return {
        "users": {role: get_user_model().objects.get(pk=pk) for role, pk in world_keys["users"].items()},
        "document": CollateralDocument.objects.get(pk=world_keys["document"]),
        "link": ShareLink.objects.get(pk=world_keys["link"]),
    }


def _links_url(document_id) -> str:
    return reverse("portal:document-share-links", args=[document_id])


def _link_url(name: str, document_id, link_id) -> str:
    return reverse(f"portal:document-share-link-{name}", args=[document_id, link_id])


NEW_LINK = {"recipient_name": "Someone new", "expires_in_days": "7"}


@pytest.mark.parametrize(("action", "role", "allowed"), policy_cells(POLICY, POLICY_ROLES))
def test_share_link_access_policy(client, world, action, role, allowed):
    client.force_login(world["users"][role])
    document, link = world["document"], world["link"]
    links_before = ShareLink.objects.count()

    if action == "create":
        response = client.post(_links_url(document.public_id), NEW_LINK)
        missing = client.post(_links_url(uuid.uuid4()), NEW_LINK)
    elif action == "list":
        response = client.get(_links_url(document.public_id))
        missing = client.get(_links_url(uuid.uuid4()))
    else:
        data = {"notify_opens": "off"}
        response = client.post(_link_url(action, document.public_id, link.public_id), data)
        missing = client.post(_link_url(action, document.public_id, uuid.uuid4()), data)

    link.refresh_from_db()
    if not allowed:
        assert_refused_like_missing(response, missing)
        assert ShareLink.objects.count() == links_before
        assert link.revoked_at is None
        assert link.notify_opens is True
    elif action == "create":
        assert response.status_code == 200
        assert ShareLink.objects.filter(document=document, recipient_name="Someone new").exists()
    elif action == "list":
        assert response.status_code == 200
        assert RECIPIENT in response.text
    elif action == "revoke":
        assert response.status_code == 302
        assert link.revoked_at is not None
    else:
        assert response.status_code == 302
        assert link.notify_opens is False
