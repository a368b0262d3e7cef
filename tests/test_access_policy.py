"""Lastmile's access policy as one table, checked cell by cell through real HTTP requests.

Roles: an internal sales rep; a partner user, a partner manager (both of organisation A) and a
partner user of organisation B; a brand manager; a marketing analyst; an administrator.
Objects: a template shared with organisation A only; a template for all internal users; a
document owned by A's partner user; a document of A's partner user waiting for brand review
("review" is seeing it in the review queue; "download" is its final PDF, refused to everyone until
it is approved); organisation A; A's partner user's account.
"Y" is allowed, "-" is refused. Refusals in the portal are 404 (the object seems not to exist);
Wagtail admin refuses by redirecting. This table is copied into the README.
"""

from django.urls import reverse

import pytest

from accounts.roles import Role
from approvals.models import BrandReviewTaskState
from approvals.services import document_create, document_submit
from templates_lib.models import ApprovalState
from templates_lib.services.audience import template_share

from .factories.accounts import OrganisationFactory, UserFactory, partner_member
from .factories.approvals import reviewed_fields
from .factories.templates_lib import make_template

ROLES = ["rep", "partner_a", "partner_manager_a", "partner_b", "brand_manager", "analyst", "admin"]

POLICY = """
object              action     rep partner_a partner_manager_a partner_b brand_manager analyst admin
template_shared_a   list        -      Y             Y             -          Y          Y      Y
template_shared_a   view        -      Y             Y             -          Y          Y      Y
template_shared_a   use         -      Y             Y             -          Y          Y      Y
template_internal   list        Y      -             -             -          Y          Y      Y
template_internal   view        Y      -             -             -          Y          Y      Y
template_shared_a   edit        -      -             -             -          Y          -      Y
template_shared_a   delete      -      -             -             -          Y          -      Y
template_shared_a   share       -      -             -             -          Y          -      Y
template_shared_a   approve     -      -             -             -          Y          -      Y
document_a          list        -      Y             Y             -          -          Y      Y
document_a          view        -      Y             Y             -          -          Y      Y
document_a          edit        -      Y             -             -          -          -      -
document_a          delete      -      Y             -             -          -          -      -
document_a          download    -      Y             Y             -          -          Y      Y
document_a          share       -      Y             -             -          -          -      -
review_a            view        -      Y             Y             -          Y          Y      Y
review_a            review      -      -             -             -          Y          -      Y
review_a            approve     -      -             -             -          Y          -      Y
review_a            withdraw    -      Y             -             -          -          -      -
review_a            download    -      -             -             -          -          -      -
organisation_a      list        -      -             -             -          Y          -      Y
organisation_a      view        -      -             Y             -          Y          -      Y
organisation_a      edit        -      -             -             -          Y          -      Y
organisation_a      delete      -      -             -             -          -          -      Y
user_partner_a      list        -      -             Y             -          -          -      Y
user_partner_a      edit        -      -             -             -          -          -      Y
user_partner_a      deactivate  -      -             Y             -          -          -      -
user_partner_a      delete      -      -             -             -          -          -      Y
"""


def _policy_rows():
    lines = [line.split() for line in POLICY.strip().splitlines()]
    header, rows = lines[0], lines[1:]
    assert header[2:] == ROLES
    for row in rows:
        for role, cell in zip(ROLES, row[2:], strict=True):
            yield pytest.param(row[0], row[1], role, cell == "Y", id=f"{row[0]}-{row[1]}-{role}")


@pytest.fixture
def world(brand_kit, roles):
    org_a, org_b = OrganisationFactory(name="Org A"), OrganisationFactory(name="Org B")
    shared = make_template(title="Shared with A", audience_internal=False)
    template_share(template=shared, organisation=org_a)
    internal = make_template(title="For internal users")
    partner_a = partner_member(org_a, username="partner_a", email="pa@a.example")
    partner_a.groups.add(roles[Role.PARTNER_USER])
    manager_a = partner_member(org_a, username="partner_manager_a")
    manager_a.groups.add(roles[Role.PARTNER_MANAGER])
    partner_b = partner_member(org_b, username="partner_b")
    partner_b.groups.add(roles[Role.PARTNER_USER])
    users = {
        "rep": UserFactory(username="rep"),
        "partner_a": partner_a,
        "partner_manager_a": manager_a,
        "partner_b": partner_b,
        "brand_manager": UserFactory(username="brand_manager"),
        "analyst": UserFactory(username="analyst"),
        "admin": UserFactory(username="admin", is_superuser=True, is_staff=True),
    }
    users["rep"].groups.add(roles[Role.SALES_REP])
    users["brand_manager"].groups.add(roles[Role.BRAND_MANAGER])
    users["analyst"].groups.add(roles[Role.MARKETING_ANALYST])
    document = document_create(template=shared, owner=partner_a, values={}, title="DOC-A-MARKER", check_fit=False)
    reviewed = make_template(title="Reviewed, shared with A", audience_internal=False, fields=reviewed_fields())
    template_share(template=reviewed, organisation=org_a)
    in_review = document_create(
        template=reviewed, owner=partner_a, values={"subheadline": "Our words"}, title="REVIEW-A-MARKER"
    )
    document_submit(in_review, user=partner_a)
    return {
        "users": users,
        "template_shared_a": shared,
        "template_internal": internal,
        "document_a": document,
        "review_a": in_review,
        "organisation_a": org_a,
        "user_partner_a": partner_a,
    }


SNIPPET = "wagtailsnippets_templates_lib_collateraltemplate"


def _portal_allowed(response) -> bool:
    assert response.status_code in (200, 302, 404), response.status_code
    return response.status_code != 404


def _admin_allowed(response) -> bool:
    return response.status_code == 200


def attempt(client, world, kind: str, action: str) -> bool:
    obj = world[kind]
    if kind.startswith("template"):
        if action == "list":
            return obj.title in client.get(reverse("portal:library")).text
        if action == "view":
            return _portal_allowed(client.get(reverse("portal:template-detail", args=[obj.public_id])))
        if action == "use":
            return _portal_allowed(client.get(reverse("portal:template-personalise", args=[obj.public_id])))
        if action in ("edit", "share"):
            return _admin_allowed(client.get(reverse(f"{SNIPPET}:edit", args=[obj.pk])))
        if action == "delete":
            return _admin_allowed(client.get(reverse(f"{SNIPPET}:delete", args=[obj.pk])))
        if action == "approve":
            # Publishing is the brand team's approval of a template: the edit page offers it.
            response = client.get(reverse(f"{SNIPPET}:edit", args=[obj.pk]))
            return _admin_allowed(response) and 'name="action-publish"' in response.text
    if kind == "document_a":
        if action == "list":
            text = (
                client.get(reverse("portal:documents")).text
                + client.get(reverse("portal:documents"), {"scope": "others"}).text
            )
            return "DOC-A-MARKER" in text
        if action == "view":
            return _portal_allowed(client.get(reverse("portal:document-edit", args=[obj.public_id])))
        if action == "edit":
            response = client.post(reverse("portal:document-edit", args=[obj.public_id]), {"title": "DOC-A-MARKER"})
            return _portal_allowed(response)
        if action == "delete":
            allowed = _portal_allowed(client.post(reverse("portal:document-delete", args=[obj.public_id])))
            obj.refresh_from_db()
            return allowed and obj.deleted_at is not None
        if action == "download":
            return _portal_allowed(client.get(reverse("portal:document-pdf", args=[obj.public_id])))
        if action == "share":
            response = client.post(
                reverse("portal:document-share", args=[obj.public_id]), {"email": "nobody@a.example"}
            )
            return _portal_allowed(response)
    if kind == "review_a":
        return _attempt_review(client, obj, action)
    if kind == "organisation_a":
        if action == "list":
            response = client.get(reverse("organisation:index"))
            return _admin_allowed(response) and obj.name in response.text
        if action == "edit":
            return _admin_allowed(client.get(reverse("organisation:edit", args=[obj.pk])))
        if action == "view":
            admin = client.get(reverse("organisation:edit", args=[obj.pk]))
            team = client.get(reverse("portal:team"))
            return _admin_allowed(admin) or (team.status_code == 200 and obj.name in team.text)
        if action == "delete":
            return _admin_allowed(client.get(reverse("organisation:delete", args=[obj.pk])))
    if kind == "user_partner_a":
        if action == "list":
            admin = client.get(reverse("wagtailusers_users:index"))
            team = client.get(reverse("portal:team"))
            in_admin = _admin_allowed(admin) and obj.username in admin.text
            return in_admin or (team.status_code == 200 and str(obj) in team.text)
        if action == "edit":
            return _admin_allowed(client.get(reverse("wagtailusers_users:edit", args=[obj.pk])))
        if action == "deactivate":
            allowed = _portal_allowed(client.post(reverse("portal:team-member-deactivate", args=[obj.public_id])))
            obj.refresh_from_db()
            return allowed and not obj.is_active
        if action == "delete":
            return _admin_allowed(client.get(reverse("wagtailusers_users:delete", args=[obj.pk])))
    raise AssertionError(f"no way to try {action} on {kind}")


def _attempt_review(client, document, action: str) -> bool:
    """A document of partner A waiting for brand review."""
    pending = BrandReviewTaskState.objects.get(document=document, status="in_progress")
    if action == "view":
        return _portal_allowed(client.get(reverse("portal:document-edit", args=[document.public_id])))
    if action == "review":
        response = client.get(reverse("approvals_admin:queue"))
        return _admin_allowed(response) and "REVIEW-A-MARKER" in response.text
    if action == "approve":
        client.post(reverse("approvals_admin:review", args=[pending.pk]), {"decision": "approve"})
        pending.refresh_from_db()
        return pending.status == "approved"
    if action == "withdraw":
        client.post(reverse("portal:document-withdraw", args=[document.public_id]))
        document.refresh_from_db()
        return document.approval_state == ApprovalState.NEEDS_APPROVAL
    if action == "download":
        return client.get(reverse("portal:document-pdf", args=[document.public_id])).status_code == 200
    raise AssertionError(f"no way to try {action} on a document in review")


@pytest.mark.parametrize(("kind", "action", "role", "allowed"), list(_policy_rows()))
def test_access_policy(client, world, kind, action, role, allowed):
    client.force_login(world["users"][role])

    assert attempt(client, world, kind, action) is allowed
