"""Who may open a document: owner, colleagues it is shared with (same organisation only), the
partner manager of the owner's organisation, and marketing analysts (read-only)."""

from django.contrib.auth.models import Permission
from django.urls import reverse

import pytest

from accounts.roles import Role
from approvals.selectors import documents_visible_to
from approvals.services import document_create
from templates_lib.services.audience import template_share
from templates_lib.services.documents import ShareError, document_share

from ..factories.accounts import OrganisationFactory, UserFactory, partner_member
from ..factories.templates_lib import make_template


@pytest.fixture
def world(brand_kit, roles):
    org_a, org_b = OrganisationFactory(name="Org A"), OrganisationFactory(name="Org B")
    template = make_template(title="Partner template")
    template_share(template=template, organisation=org_a)
    template_share(template=template, organisation=org_b)
    owner = partner_member(org_a, username="a-owner", email="owner@a.example")
    colleague = partner_member(org_a, username="a-colleague", email="colleague@a.example")
    manager_a = partner_member(org_a, username="a-manager")
    manager_a.groups.add(roles[Role.PARTNER_MANAGER])
    outsider = partner_member(org_b, username="b-user", email="b@b.example")
    document = document_create(template=template, owner=owner, values={}, title="A's document", check_fit=False)
    return {"owner": owner, "colleague": colleague, "manager_a": manager_a, "outsider": outsider, "document": document}


def visible(user, document) -> bool:
    return documents_visible_to(user).filter(pk=document.pk).exists()


def test_the_owner_sees_their_document(world):
    assert visible(world["owner"], world["document"])


def test_a_colleague_sees_it_only_once_it_is_shared(world):
    assert not visible(world["colleague"], world["document"])

    document_share(document=world["document"], by=world["owner"], email="colleague@a.example")

    assert visible(world["colleague"], world["document"])


def test_sharing_with_someone_in_another_organisation_is_refused_like_an_unknown_address(world):
    with pytest.raises(ShareError, match="Nobody in your organisation has that email address."):
        document_share(document=world["document"], by=world["owner"], email="b@b.example")

    assert not visible(world["outsider"], world["document"])


def test_only_the_owner_can_share(world):
    with pytest.raises(ShareError):
        document_share(document=world["document"], by=world["colleague"], email="colleague@a.example")


def test_the_partner_manager_of_the_owners_organisation_sees_it(world):
    assert visible(world["manager_a"], world["document"])


def test_another_organisation_never_sees_it_even_with_a_global_permission(world):
    world["outsider"].user_permissions.add(Permission.objects.get(codename="view_collateraldocument"))

    assert not visible(world["outsider"], world["document"])


def test_analysts_see_every_document(world, analyst):
    assert visible(analyst, world["document"])


def test_reps_do_not_see_partner_documents(world, rep):
    assert not visible(rep, world["document"])


def test_a_shared_colleague_gets_a_read_only_page_and_can_download(client, world):
    document_share(document=world["document"], by=world["owner"], email="colleague@a.example")
    client.force_login(world["colleague"])

    page = client.get(reverse("portal:document-edit", args=[world["document"].public_id]))
    save = client.post(reverse("portal:document-edit", args=[world["document"].public_id]), {"title": "Hijacked"})

    assert page.status_code == 200
    assert "read-only" in page.text
    assert 'name="subheadline"' not in page.text
    assert save.status_code == 404
    world["document"].refresh_from_db()
    assert world["document"].title == "A's document"


def test_share_through_the_portal(client, world):
    client.force_login(world["owner"])

    response = client.post(
        reverse("portal:document-share", args=[world["document"].public_id]),
        {"email": "colleague@a.example"},
        follow=True,
    )

    assert "Shared “A&#x27;s document” with" in response.text
    assert visible(world["colleague"], world["document"])


def test_the_shared_with_me_list(client, world):
    document_share(document=world["document"], by=world["owner"], email="colleague@a.example")
    client.force_login(world["colleague"])

    response = client.get(reverse("portal:documents"), {"scope": "others"})

    assert "A&#x27;s document" in response.text


def test_deleted_documents_are_visible_to_nobody(world, analyst):
    world["document"].deleted_at = world["document"].created_at
    world["document"].save()

    assert not visible(world["owner"], world["document"])
    assert not visible(analyst, world["document"])


def test_an_internal_colleague_can_be_shared_with_but_not_a_partner(brand_kit, rep):
    other_rep = UserFactory(username="rep2", email="rep2@example.com")
    org = OrganisationFactory(name="Org C")
    partner_member(org, username="c1", email="c1@c.example")
    document = document_create(template=make_template(), owner=rep, values={}, check_fit=False)

    document_share(document=document, by=rep, email="rep2@example.com")
    with pytest.raises(ShareError):
        document_share(document=document, by=rep, email="c1@c.example")

    assert visible(other_rep, document)
