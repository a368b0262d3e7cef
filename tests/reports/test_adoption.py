import datetime

from django.urls import reverse
from django.utils import timezone

import pytest

from accounts.models import Tier
from accounts.roles import Role
from deals.models import ActivityDay
from reports.filters import ReportFilters
from reports.selectors.adoption import organisation_adoption_list, person_adoption_list
from templates_lib.models import CollateralDocument

from ..factories.accounts import OrganisationFactory, RegionFactory, UserFactory, partner_member
from ..factories.deals import DealFactory
from ..factories.templates_lib import make_template

pytestmark = pytest.mark.django_db

PERIOD = ReportFilters(start=datetime.date(2026, 4, 1), end=datetime.date(2026, 6, 30))
WINDOW = {"period_from": "2026-04-01", "period_to": "2026-06-30"}
INDEX = "lastmile_reports_adoption:index"


def activity(template, user, day, *, downloads=0, views=0, deal=None):
    revision = template.latest_revision
    organisation_id = user.organisation_id
    return ActivityDay.objects.create(
        key=ActivityDay.key_for(
            day=day,
            revision_id=revision.pk,
            user_id=user.pk,
            organisation_id=organisation_id,
            region_id=None,
            deal_id=deal and deal.pk,
        ),
        day=day,
        template=template,
        template_revision=revision,
        user=user,
        organisation_id=organisation_id,
        deal=deal,
        downloads=downloads,
        views=views,
    )


def document(template, owner, made_on: datetime.date, *, deleted=False):
    doc = CollateralDocument.objects.create(
        owner=owner, template=template, template_revision=template.live_revision, title="A document"
    )
    made = datetime.datetime.combine(made_on, datetime.time(12), tzinfo=timezone.get_current_timezone())
    CollateralDocument.objects.filter(pk=doc.pk).update(created_at=made, deleted_at=made if deleted else None)
    return doc


@pytest.fixture
def team(roles, brand_kit, rep, partner_organisation):
    """Rep Dana (north): 2 documents (one deleted since) and 5 downloads over two deals in the period,
    first used in January. Brightpath (south, Silver): Pat downloads once for deal d1 and has a share
    view for the same deal; Quinn does nothing. Apex (north, Gold): Ola made a document in March only."""
    north, south = RegionFactory(name="North", code="n"), RegionFactory(name="South", code="s")
    rep.region = north
    rep.save()
    partner_organisation.region = south
    partner_organisation.save()
    apex = OrganisationFactory(name="Apex", region=north, tier=Tier.objects.get(name="Gold"))
    pat = partner_member(partner_organisation, username="pat", first_name="Pat", last_name="Lee")
    quinn = partner_member(partner_organisation, username="quinn", first_name="Quinn", last_name="Ray")
    ola = partner_member(apex, username="ola", first_name="Ola", last_name="Berg")
    for person in (pat, quinn, ola):
        person.groups.add(roles[Role.PARTNER_USER])
    UserFactory(username="idle-staff")  # no portal role: not counted
    template = make_template(title="Flyer")
    d1, d2 = DealFactory(owner=rep), DealFactory(owner=rep)
    activity(template, rep, datetime.date(2026, 1, 10), downloads=4)
    activity(template, rep, datetime.date(2026, 4, 2), downloads=2, deal=d1)
    activity(template, rep, datetime.date(2026, 5, 2), downloads=3, deal=d2)
    activity(template, pat, datetime.date(2026, 6, 1), downloads=1, deal=d1)
    activity(template, pat, datetime.date(2026, 6, 3), views=4, deal=d1)
    document(template, rep, datetime.date(2026, 4, 1))
    document(template, rep, datetime.date(2026, 6, 30), deleted=True)
    document(template, rep, datetime.date(2026, 3, 31))
    document(template, ola, datetime.date(2026, 3, 15))
    return {"north": north, "south": south, "apex": apex, "pat": pat, "quinn": quinn, "ola": ola, "template": template}


def test_one_row_per_person_with_access(team):
    rows = person_adoption_list(PERIOD)

    assert [
        (row.name, row.role, row.documents, row.downloads, row.deals_touched, row.first_use, row.last_use, row.status)
        for row in rows
    ] == [
        ("Dana Whitfield", "Sales rep", 2, 5, 2, datetime.date(2026, 1, 10), datetime.date(2026, 5, 2), "Active"),
        ("Pat Lee", "Partner user", 0, 1, 1, datetime.date(2026, 6, 1), datetime.date(2026, 6, 3), "Active"),
        ("Ola Berg", "Partner user", 0, 0, 0, None, None, "Inactive"),
        ("Quinn Ray", "Partner user", 0, 0, 0, None, None, "Inactive"),
    ]


def test_inactive_only_keeps_people_who_did_nothing_in_the_period(team):
    rows = person_adoption_list(PERIOD, inactive_only=True)

    assert [row.name for row in rows] == ["Ola Berg", "Quinn Ray"]


def test_region_is_the_persons_effective_region(team):
    rows = person_adoption_list(ReportFilters(start=PERIOD.start, end=PERIOD.end, region_ids=(team["north"].pk,)))

    assert [(row.name, row.region) for row in rows] == [("Dana Whitfield", "North"), ("Ola Berg", "North")]


def test_tier_keeps_that_tiers_partners(team):
    gold = Tier.objects.get(name="Gold")

    rows = person_adoption_list(ReportFilters(start=PERIOD.start, end=PERIOD.end, tier_id=gold.pk))

    assert [row.name for row in rows] == ["Ola Berg"]


def test_one_row_per_partner_organisation(team, partner_organisation):
    rows = organisation_adoption_list(PERIOD)

    assert [
        (row.name, row.users_with_access, row.active_users, row.active_label, row.downloads, row.deals_touched)
        for row in rows
    ] == [
        ("Brightpath Partners", 2, 1, "1 of 2 (50%)", 1, 1),
        ("Apex", 1, 0, "0 of 1 (0%)", 0, 0),
    ]


def test_an_organisation_counts_a_deal_two_members_touched_once(team):
    d3 = DealFactory()
    activity(team["template"], team["quinn"], datetime.date(2026, 6, 2), downloads=1, deal=d3)
    activity(team["template"], team["pat"], datetime.date(2026, 6, 2), downloads=1, deal=d3)

    row = next(row for row in organisation_adoption_list(PERIOD) if row.name == "Brightpath Partners")

    assert (row.active_users, row.downloads, row.deals_touched) == (2, 3, 2)


# Views


@pytest.mark.parametrize("person", ["rep", "partner_user", "manager"])
@pytest.mark.parametrize("suffix", ["", "results/", "?export=csv", "?export=xlsx", "?by=organisation&export=csv"])
def test_reps_and_partners_get_404_on_every_url(client, request, person, suffix):
    client.force_login(request.getfixturevalue(person))

    assert client.get(reverse(INDEX) + suffix).status_code == 404  # as if there were no such page


def test_analyst_sees_people_and_the_chart(client, analyst, team):
    client.force_login(analyst)

    response = client.get(reverse(INDEX), WINDOW)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Quinn Ray" in html
    assert "report-chart--bar" in html
    assert "People with access, active or not, 2026-04-01 to 2026-06-30 (n=4)" in html


def test_by_organisation_shows_organisations(brand_client, team):
    response = brand_client.get(reverse(INDEX), {"by": "organisation", **WINDOW})

    html = response.content.decode()
    assert "1 of 2 (50%)" in html
    assert "Quinn Ray" not in html


def test_inactive_filter_shows_only_inactive_people(brand_client, team):
    html = brand_client.get(reverse(INDEX), {"inactive": "1", **WINDOW}).content.decode()

    assert "Quinn Ray" in html
    assert "Pat Lee" not in html


@pytest.mark.parametrize("query", [{"colour": "red"}, {"by": "deal"}, {"inactive": "maybe"}])
def test_unknown_keys_and_values_are_refused(brand_client, team, query):
    assert brand_client.get(reverse(INDEX), query).status_code == 400


def test_region_limited_brand_manager_sees_only_their_regions_people(brand_client, brand_manager, team):
    brand_manager.review_regions.set([team["south"]])

    html = brand_client.get(reverse(INDEX), WINDOW).content.decode()

    assert "Pat Lee" in html
    assert "Dana Whitfield" not in html
    assert "Ola Berg" not in html


def test_region_limited_brand_manager_cannot_ask_for_another_region(brand_client, brand_manager, team):
    brand_manager.review_regions.set([team["south"]])

    assert brand_client.get(reverse(INDEX), {"region": team["north"].pk}).status_code == 400
    assert brand_client.get(reverse(INDEX), {"organisation": team["apex"].pk}).status_code == 400


def test_export_carries_the_numbers_and_a_definition_per_column(brand_client, team):
    response = brand_client.get(reverse(INDEX), {"export": "csv", **WINDOW})

    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0] == "Name,Role,Organisation,Region,Status,Documents,Downloads,Deals touched,First use,Last use"
    assert "Dana Whitfield,Sales rep,,North,Active,2,5,2,2026-01-10,2026-05-02" in lines
    definitions = lines[lines.index("Column,Definition") + 1 :]
    assert len(definitions) == 10


def test_organisation_export_has_its_own_columns(brand_client, team):
    response = brand_client.get(reverse(INDEX), {"export": "csv", "by": "organisation", **WINDOW})

    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0].startswith("Name,Tier,Region,Users with access,Active users,Share active")
    assert lines[1].startswith("Brightpath Partners,Silver,South,2,1,0.5,0,1,1")
