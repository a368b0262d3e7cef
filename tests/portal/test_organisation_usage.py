import datetime

from django.urls import reverse

import pytest

from accounts.roles import Role
from deals.models import ActivityDay

from ..factories.accounts import OrganisationFactory, partner_member
from ..factories.templates_lib import make_template

pytestmark = pytest.mark.django_db

URL = reverse("portal:team-usage")
WINDOW = {"start": "2026-04-01", "end": "2026-06-30"}


def downloads(template, user, day, n):
    revision = template.latest_revision
    ActivityDay.objects.create(
        key=ActivityDay.key_for(
            day=day,
            revision_id=revision.pk,
            user_id=user.pk,
            organisation_id=user.organisation_id,
            region_id=None,
            deal_id=None,
        ),
        day=day,
        template=template,
        template_revision=revision,
        user=user,
        organisation_id=user.organisation_id,
        downloads=n,
    )


@pytest.fixture
def usage(roles, brand_kit, rep, manager, partner_user):
    """Partner user downloads 3 in May; another organisation's Olive downloads 5; the rep 2."""
    other = OrganisationFactory(name="Other Co")
    olive = partner_member(other, username="olive", first_name="Olive", last_name="Stone")
    olive.groups.add(roles[Role.PARTNER_MANAGER])
    template = make_template(title="Flyer")
    downloads(template, partner_user, datetime.date(2026, 5, 4), 3)
    downloads(template, olive, datetime.date(2026, 5, 4), 5)
    downloads(template, rep, datetime.date(2026, 5, 4), 2)
    return {"other": other, "olive": olive}


def test_manager_sees_their_organisations_people_only(client, manager, partner_user, usage):
    client.force_login(manager)

    response = client.get(URL, WINDOW)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Mia Ortega" in html
    assert partner_user.get_full_name() in html
    assert "1 of 2 (50%)" in html
    assert "Olive Stone" not in html
    assert "Dana Whitfield" not in html


def test_a_crafted_organisation_parameter_changes_nothing(client, usage):
    client.force_login(usage["olive"])

    html = client.get(URL, {"organisation": usage["other"].pk - 1, **WINDOW}).content.decode()

    assert "Olive Stone" in html
    assert "Mia Ortega" not in html
    assert "1 of 1 (100%)" in html


@pytest.mark.parametrize("person", ["rep", "partner_user", "brand_manager", "analyst"])
def test_everyone_but_partner_managers_gets_404(client, request, person):
    client.force_login(request.getfixturevalue(person))

    assert client.get(URL).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(URL)

    assert response.status_code == 302


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"start": "yesterday"}, "From: Enter a date as YYYY-MM-DD"),
        ({"start": "2026-06-30", "end": "2026-04-01"}, "The end of the period must not be before its start."),
        ({"start": "2026-13-45"}, "From: Enter a date as YYYY-MM-DD"),
    ],
)
def test_bad_dates_are_refused_with_a_message(client, manager, usage, query, message):
    client.force_login(manager)

    response = client.get(URL, query)

    assert response.status_code == 400
    assert message in response.content.decode()


def test_partner_managers_have_the_link_in_the_nav(client, manager):
    client.force_login(manager)

    assert f'href="{URL}"' in client.get(reverse("portal:team")).content.decode()
