from django.contrib.auth import get_user_model
from django.urls import reverse

import pytest

from ..factories.accounts import OrganisationFactory, UserFactory


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    return client


def test_the_user_edit_form_offers_organisation_and_region(admin_client):
    person = UserFactory(username="person")

    response = admin_client.get(reverse("wagtailusers_users:edit", args=[person.pk]))

    assert 'name="organisation"' in response.text
    assert 'name="region"' in response.text


def test_setting_an_organisation_in_admin_makes_the_user_a_member_of_its_group(admin_client):
    person = UserFactory(username="person", email="person@example.com", first_name="Per", last_name="Son")
    organisation = OrganisationFactory(name="Org A")

    response = admin_client.post(
        reverse("wagtailusers_users:edit", args=[person.pk]),
        {
            "username": "person",
            "email": "person@example.com",
            "first_name": "Per",
            "last_name": "Son",
            "is_active": "on",
            "organisation": organisation.pk,
            "job_title": "Partner Lead",
        },
    )

    person = get_user_model().objects.get(pk=person.pk)
    organisation.refresh_from_db()
    assert response.status_code == 302
    assert person.organisation == organisation
    assert person.groups.filter(pk=organisation.members_group_id).exists()
    assert person.job_title == "Partner Lead"
