"""Lastmile's access policy as one table, checked cell by cell through real HTTP requests.

Roles: an internal sales rep; a partner user, a partner manager (both of organisation A) and a
partner user of organisation B; a brand manager; a marketing analyst; an administrator.
Objects: a template shared with organisation A only; a template for all internal users; a
document owned by A's partner user; a document of A's partner user waiting for brand review
("review" is seeing it in the review queue; "download" is its final PDF, refused to everyone until
it is approved); organisation A; A's partner user's account.
"Y" is allowed, "-" is refused. Refusals in the portal are 404 (the object seems not to exist);
Wagtail admin refuses by redirecting. This table is copied into the README.

Every cell checks the outcome itself (tests/refusals.py): an allowed cell sees the object (its
marker in a 200 page) or changes it (re-read from the database); a refused portal cell gets the
very 404 a missing object gets and changes nothing; a refused admin cell gets Wagtail's own
refusal. A list refuses by leaving the object out of a page that still answers 200.

The world is built once per module and rolled back at its end; each cell runs in a savepoint
inside it and reads the objects afresh.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

import pytest

from accounts.models import Organisation
from accounts.roles import Role, ensure_role_groups
from approvals.models import BrandReviewTaskState
from approvals.selectors import documents_visible_to
from templates_lib.models import ApprovalState, CollateralDocument, CollateralTemplate
from templates_lib.services.audience import template_share

from .factories.accounts import OrganisationFactory, partner_member, policy_role_users
from .factories.approvals import document_in_review, make_document, make_reviewed_template
from .factories.brand import make_brand_kit
from .factories.templates_lib import make_template
from .refusals import assert_admin_refused, assert_portal_refused, assert_refused_like_missing, missing_object_response
from .transactions import rolled_back_transaction

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


def _policy() -> dict[tuple[str, str], dict[str, bool]]:
    lines = [line.split() for line in POLICY.strip().splitlines()]
    header, rows = lines[0], lines[1:]
    assert header[2:] == ROLES
    return {(row[0], row[1]): dict(zip(ROLES, (cell == "Y" for cell in row[2:]), strict=True)) for row in rows}


def _policy_rows():
    for (kind, action), cells in _policy().items():
        for role, allowed in cells.items():
            yield pytest.param(kind, action, role, allowed, id=f"{kind}-{action}-{role}")


# --- The world: built once per module --------------------------------------------------------

TEMPLATE_SHARED_A = "TEMPLATE-SHARED-A-MARKER"
TEMPLATE_INTERNAL = "TEMPLATE-INTERNAL-MARKER"
DOCUMENT_A = "DOC-A-MARKER"
REVIEW_A = "REVIEW-A-MARKER"
COLLEAGUE_A_EMAIL = "colleague@a.example"  # someone in organisation A to share a document with


def _build_world() -> dict:
    """Create the roles and objects; return their primary keys."""
    roles = ensure_role_groups()
    make_brand_kit()
    org_a, org_b = OrganisationFactory(name="Org A"), OrganisationFactory(name="Org B")
    shared = make_template(title=TEMPLATE_SHARED_A, audience_internal=False)
    template_share(template=shared, organisation=org_a)
    internal = make_template(title=TEMPLATE_INTERNAL)
    users = policy_role_users(org_a, org_b, email="pa@a.example", first_name="Paz", last_name="Amador")
    colleague = partner_member(org_a, username="colleague_a", email=COLLEAGUE_A_EMAIL)
    colleague.groups.add(roles[Role.PARTNER_USER])
    document = make_document(shared, users["partner_a"], title=DOCUMENT_A)
    reviewed = make_reviewed_template(title="TEMPLATE-REVIEWED-A-MARKER", audience_internal=False)
    template_share(template=reviewed, organisation=org_a)
    in_review = document_in_review(reviewed, users["partner_a"], title=REVIEW_A)
    return {
        "users": {role: user.pk for role, user in users.items()},
        "colleague_a": colleague.pk,
        "template_shared_a": shared.pk,
        "template_internal": internal.pk,
        "document_a": document.pk,
        "review_a": in_review.pk,
        "organisation_a": org_a.pk,
    }


@pytest.fixture(scope="module")
def world_keys(django_db_setup, django_db_blocker):
    """The world, built once in an outer transaction that is rolled back after the module's last
    test. Each test's own transaction (the `db` fixture) nests in it as a savepoint, so whatever
    a cell changes is undone before the next one."""
    with django_db_blocker.unblock(), rolled_back_transaction():
        yield _build_world()


@pytest.fixture
def world(db, world_keys) -> dict:
    """The world's objects read afresh from the database, so nothing a cell did to a Python
    object (or to its caches, such as permission caches) reaches the next cell."""
    users = get_user_model().objects.in_bulk(list(world_keys["users"].values()))
    return {
        "users": {role: users[pk] for role, pk in world_keys["users"].items()},
        "colleague_a": get_user_model().objects.get(pk=world_keys["colleague_a"]),
        "template_shared_a": CollateralTemplate.objects.get(pk=world_keys["template_shared_a"]),
        "template_internal": CollateralTemplate.objects.get(pk=world_keys["template_internal"]),
        "document_a": CollateralDocument.objects.get(pk=world_keys["document_a"]),
        "review_a": CollateralDocument.objects.get(pk=world_keys["review_a"]),
        "organisation_a": Organisation.objects.get(pk=world_keys["organisation_a"]),
        "user_partner_a": get_user_model().objects.get(pk=world_keys["users"]["partner_a"]),
    }


# --- Trying each action --------------------------------------------------------------------------

SNIPPET = "wagtailsnippets_templates_lib_collateraltemplate"


@dataclass
class Attempt:
    """One role trying one action on one object of the world."""

    client: object
    world: dict
    role: str
    allowed: bool

    @property
    def user(self):
        return self.world["users"][self.role]

    def sees_in_admin(self, response, marker: str) -> None:
        """An admin page: shown with `marker` when allowed, Wagtail's refusal otherwise."""
        if self.allowed:
            assert response.status_code == 200
            assert marker in response.text
        else:
            assert_admin_refused(response, self.user)

    def sees_in_portal(self, route: str, public_id, marker: str) -> None:
        """A portal page about one object: shown with `marker` when allowed, a 404 like a missing
        object's otherwise."""
        response = self.client.get(reverse(route, args=[public_id]))
        if self.allowed:
            assert response.status_code == 200
            assert marker in response.text
        else:
            assert_portal_refused(self.client, response, route)

    def finds_in_list(self, pages, marker: str) -> None:
        """List pages: all answer 200; the object is on one of them only when allowed."""
        assert [page.status_code for page in pages] == [200] * len(pages)
        assert any(marker in page.text for page in pages) is self.allowed

    def posts_to_portal(self, route: str, public_id, data: dict | None = None):
        """POST to a portal route about one object; when refused, checks the 404 is a missing object's."""
        response = self.client.post(reverse(route, args=[public_id]), data or {})
        if not self.allowed:
            assert_portal_refused(self.client, response, route, method="post", data=data)
        return response


def template_list(attempt, template):
    attempt.finds_in_list([attempt.client.get(reverse("portal:library"))], template.title)


def template_view(attempt, template):
    attempt.sees_in_portal("portal:template-detail", template.public_id, template.title)


def template_use(attempt, template):
    attempt.sees_in_portal("portal:template-personalise", template.public_id, template.title)


def template_edit(attempt, template):
    attempt.sees_in_admin(attempt.client.get(reverse(f"{SNIPPET}:edit", args=[template.pk])), template.title)


def template_share_(attempt, template):
    # The Audience panel of the edit page names the organisations it is shared with.
    attempt.sees_in_admin(
        attempt.client.get(reverse(f"{SNIPPET}:edit", args=[template.pk])), 'name="shared_organisations"'
    )


def template_delete(attempt, template):
    attempt.sees_in_admin(attempt.client.get(reverse(f"{SNIPPET}:delete", args=[template.pk])), template.title)


def template_approve(attempt, template):
    # Publishing is the brand team's approval of a template: the edit page offers it.
    attempt.sees_in_admin(attempt.client.get(reverse(f"{SNIPPET}:edit", args=[template.pk])), 'name="action-publish"')


def document_list(attempt, document):
    mine = attempt.client.get(reverse("portal:documents"))
    others = attempt.client.get(reverse("portal:documents"), {"scope": "others"})
    attempt.finds_in_list([mine, others], document.title)


def document_view(attempt, document):
    attempt.sees_in_portal("portal:document-edit", document.public_id, document.title)


def document_edit(attempt, document):
    response = attempt.posts_to_portal("portal:document-edit", document.public_id, {"title": "DOC-A-RENAMED"})

    document.refresh_from_db()
    if attempt.allowed:
        assert response.status_code == 302
        assert response.url == reverse("portal:document-edit", args=[document.public_id])
        assert document.title == "DOC-A-RENAMED"
    else:
        assert document.title == DOCUMENT_A


def document_delete(attempt, document):
    before = timezone.now()

    response = attempt.posts_to_portal("portal:document-delete", document.public_id)

    document.refresh_from_db()
    if attempt.allowed:
        assert response.status_code == 302
        assert response.url == reverse("portal:documents")
        assert before <= document.deleted_at <= timezone.now()
    else:
        assert document.deleted_at is None


def document_download(attempt, document):
    response = attempt.client.get(reverse("portal:document-pdf", args=[document.public_id]))

    if attempt.allowed:
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"%PDF-")
    else:
        assert_portal_refused(attempt.client, response, "portal:document-pdf")


def document_share(attempt, document):
    colleague = attempt.world["colleague_a"]

    response = attempt.posts_to_portal("portal:document-share", document.public_id, {"email": COLLEAGUE_A_EMAIL})

    shared = documents_visible_to(colleague).filter(pk=document.pk).exists()
    if attempt.allowed:
        assert response.status_code == 302
        assert response.url == reverse("portal:document-edit", args=[document.public_id])
    assert shared is attempt.allowed


def review_view(attempt, document):
    attempt.sees_in_portal("portal:document-edit", document.public_id, document.title)


def review_review(attempt, document):
    attempt.sees_in_admin(attempt.client.get(reverse("approvals_admin:queue")), document.title)


def review_approve(attempt, document):
    round_ = BrandReviewTaskState.objects.get(document=document, status="in_progress")

    response = attempt.client.post(reverse("approvals_admin:review", args=[round_.pk]), {"decision": "approve"})

    round_.refresh_from_db()
    document.refresh_from_db()
    if attempt.allowed:
        assert response.status_code == 302
        assert (round_.status, document.approval_state) == ("approved", ApprovalState.APPROVED)
    else:
        assert_admin_refused(response, attempt.user)
        assert (round_.status, document.approval_state) == ("in_progress", ApprovalState.IN_REVIEW)


def review_withdraw(attempt, document):
    response = attempt.posts_to_portal("portal:document-withdraw", document.public_id)

    document.refresh_from_db()
    if attempt.allowed:
        assert response.status_code == 302
        assert document.approval_state == ApprovalState.NEEDS_APPROVAL
    else:
        assert document.approval_state == ApprovalState.IN_REVIEW


def review_download(attempt, document):
    response = attempt.client.get(reverse("portal:document-pdf", args=[document.public_id]))

    if attempt.allowed:
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"%PDF-")
    elif _policy()[("review_a", "view")][attempt.role]:
        # Those who may see the document are told why there is no final PDF yet.
        assert response.status_code == 403
        assert "This document is waiting for brand review." in response.text
    else:
        assert_portal_refused(attempt.client, response, "portal:document-pdf")


def organisation_list(attempt, organisation):
    attempt.sees_in_admin(attempt.client.get(reverse("organisation:index")), organisation.name)


def organisation_view(attempt, organisation):
    """In Wagtail admin (brand team) or on the portal's team page (the partner manager)."""
    admin = attempt.client.get(reverse("organisation:edit", args=[organisation.pk]))
    team = attempt.client.get(reverse("portal:team"))

    if attempt.allowed:
        in_admin = admin.status_code == 200 and organisation.name in admin.text
        on_team_page = team.status_code == 200 and organisation.name in team.text
        assert in_admin or on_team_page
    else:
        assert_admin_refused(admin, attempt.user)
        assert_refused_like_missing(team, missing_object_response(attempt.client, "portal:document-edit"))


def organisation_edit(attempt, organisation):
    attempt.sees_in_admin(attempt.client.get(reverse("organisation:edit", args=[organisation.pk])), organisation.name)


def organisation_delete(attempt, organisation):
    attempt.sees_in_admin(attempt.client.get(reverse("organisation:delete", args=[organisation.pk])), organisation.name)


def user_list(attempt, user):
    """In Wagtail admin (administrators) or on the portal's team page (the partner manager)."""
    admin = attempt.client.get(reverse("wagtailusers_users:index"))
    team = attempt.client.get(reverse("portal:team"))

    if attempt.allowed:
        in_admin = admin.status_code == 200 and user.get_full_name() in admin.text
        on_team_page = team.status_code == 200 and user.get_full_name() in team.text
        assert in_admin or on_team_page
    else:
        assert_admin_refused(admin, attempt.user)
        assert_refused_like_missing(team, missing_object_response(attempt.client, "portal:document-edit"))


def user_edit(attempt, user):
    attempt.sees_in_admin(attempt.client.get(reverse("wagtailusers_users:edit", args=[user.pk])), user.get_full_name())


def user_deactivate(attempt, user):
    response = attempt.posts_to_portal("portal:team-member-deactivate", user.public_id)

    user.refresh_from_db()
    if attempt.allowed:
        assert response.status_code == 302
    assert user.is_active is not attempt.allowed


def user_delete(attempt, user):
    attempt.sees_in_admin(
        attempt.client.get(reverse("wagtailusers_users:delete", args=[user.pk])), user.get_full_name()
    )


ACTIONS = {
    "template": {
        "list": template_list,
        "view": template_view,
        "use": template_use,
        "edit": template_edit,
        "share": template_share_,
        "delete": template_delete,
        "approve": template_approve,
    },
    "document_a": {
        "list": document_list,
        "view": document_view,
        "edit": document_edit,
        "delete": document_delete,
        "download": document_download,
        "share": document_share,
    },
    "review_a": {
        "view": review_view,
        "review": review_review,
        "approve": review_approve,
        "withdraw": review_withdraw,
        "download": review_download,
    },
    "organisation_a": {
        "list": organisation_list,
        "view": organisation_view,
        "edit": organisation_edit,
        "delete": organisation_delete,
    },
    "user_partner_a": {"list": user_list, "edit": user_edit, "deactivate": user_deactivate, "delete": user_delete},
}


def test_every_cell_of_the_policy_has_a_way_to_try_it():
    for kind, action in _policy():
        assert action in ACTIONS["template" if kind.startswith("template_") else kind], (kind, action)


@pytest.mark.parametrize(("kind", "action", "role", "allowed"), list(_policy_rows()))
def test_access_policy(client, world, kind, action, role, allowed):
    attempt = Attempt(client=client, world=world, role=role, allowed=allowed)
    client.force_login(attempt.user)

    ACTIONS["template" if kind.startswith("template_") else kind][action](attempt, world[kind])
