"""Partner organisations never see each other's documents or templates, even by identifier."""

from django.urls import reverse

import pytest

from approvals.services import document_create
from templates_lib.services.audience import template_share

from ..factories.accounts import OrganisationFactory, partner_member
from ..factories.templates_lib import make_template

ROUTES = ("document-edit", "document-pdf", "document-png", "document-download", "document-delete")


@pytest.fixture
def setup(brand_kit):
    org_a, org_b = OrganisationFactory(name="Org A"), OrganisationFactory(name="Org B")
    template = make_template(title="Shared with B", audience_internal=False)
    template_share(template=template, organisation=org_b)
    member_b = partner_member(org_b, username="b1")
    document = document_create(template=template, owner=member_b, values={}, title="ORG-B-MARKER", check_fit=False)
    return {"a": partner_member(org_a, username="a1"), "b": member_b, "template": template, "document": document}


@pytest.mark.parametrize("route", ROUTES)
def test_a_partner_asking_for_another_organisations_document_gets_404(client, setup, route):
    client.force_login(setup["a"])

    response = client.get(reverse(f"portal:{route}", args=[setup["document"].public_id]))

    assert response.status_code == 404
    assert b"ORG-B-MARKER" not in response.content


def test_the_404_for_another_organisations_document_looks_like_one_for_no_document(client, setup):
    import uuid

    client.force_login(setup["a"])

    theirs = client.get(reverse("portal:document-edit", args=[setup["document"].public_id]))
    nothing = client.get(reverse("portal:document-edit", args=[uuid.uuid4()]))

    assert theirs.status_code == nothing.status_code == 404
    assert theirs.content == nothing.content


@pytest.mark.parametrize("route", ["template-detail", "template-personalise"])
def test_a_partner_cannot_open_a_template_shared_with_another_organisation(client, setup, route):
    client.force_login(setup["a"])

    response = client.get(reverse(f"portal:{route}", args=[setup["template"].public_id]))

    assert response.status_code == 404


def test_a_partner_cannot_preview_another_organisations_template(client, setup):
    client.force_login(setup["a"])

    response = client.post(reverse("portal:template-preview", args=[setup["template"].public_id]), {})

    assert response.status_code == 404


def test_the_member_of_the_organisation_can_open_it(client, setup):
    client.force_login(setup["b"])

    assert client.get(reverse("portal:template-detail", args=[setup["template"].public_id])).status_code == 200
    assert client.get(reverse("portal:document-edit", args=[setup["document"].public_id])).status_code == 200


def test_a_deactivated_user_loses_access_on_the_next_request(client, setup):
    client.force_login(setup["b"])
    setup["b"].is_active = False
    setup["b"].save()

    response = client.get(reverse("portal:documents"))

    assert response.status_code == 302
