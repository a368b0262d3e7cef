"""Brand managers manage an organisation's members from its page in Wagtail admin."""

from django.contrib.auth import get_user_model
from django.urls import reverse

from wagtail.models import ModelLogEntry

import pytest

from ..factories.accounts import OrganisationFactory, UserFactory, partner_member


def _post(client, organisation, emails: str):
    return client.post(
        reverse("organisation:edit", args=[organisation.pk]),
        {"name": organisation.name, "is_active": "on", "member_emails": emails},
    )


@pytest.fixture
def organisation(db):
    return OrganisationFactory(name="Org A")


def test_adding_an_email_makes_that_person_a_member(brand_client, organisation):
    newcomer = UserFactory(username="newcomer", email="new@a.example")

    response = _post(brand_client, organisation, "new@a.example")

    newcomer.refresh_from_db()
    organisation.refresh_from_db()
    assert response.status_code == 302
    assert newcomer.organisation == organisation
    assert newcomer.groups.filter(pk=organisation.members_group_id).exists()


def test_removing_a_member_deactivates_them(brand_client, organisation):
    member = partner_member(organisation, username="leaver", email="leaver@a.example")

    _post(brand_client, organisation, "")

    member.refresh_from_db()
    assert not member.is_active


def test_removing_a_member_records_who_deactivated_them(brand_client, brand_manager, organisation):
    member = partner_member(organisation, username="leaver", email="leaver@a.example")

    _post(brand_client, organisation, "")

    entry = ModelLogEntry.objects.get(action="lastmile.member.deactivated")
    assert entry.object_id == str(member.pk)
    assert entry.user_id == brand_manager.pk
    assert entry.data["organisation"] == str(organisation.public_id)


def test_a_member_of_another_organisation_cannot_be_moved_silently(brand_client, organisation):
    other = OrganisationFactory(name="Org B")
    partner_member(other, username="b1", email="b1@b.example")

    response = _post(brand_client, organisation, "b1@b.example")

    assert response.status_code == 200
    assert "b1@b.example belongs to Org B" in response.text
    assert get_user_model().objects.get(username="b1").organisation == other


def test_an_unknown_address_is_refused_and_the_typed_list_kept(brand_client, organisation):
    response = _post(brand_client, organisation, "ghost@a.example")

    assert response.status_code == 200
    assert "No account has these addresses: ghost@a.example" in response.text
    assert "ghost@a.example" in response.text
