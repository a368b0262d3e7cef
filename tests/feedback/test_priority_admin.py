"""The priority deals list in Wagtail admin: marketing reads it (filtered by region, exported);
nobody adds, edits or deletes there; brand managers, reps and partners are refused."""

from django.urls import reverse

import pytest

from ..factories.accounts import RegionFactory, UserFactory
from ..factories.deals import DealFactory
from ..factories.feedback import make_priority_deal
from ..refusals import assert_admin_refused

pytestmark = pytest.mark.django_db

INDEX = "priority_deals:index"


@pytest.fixture
def analyst_client(client, analyst):
    client.force_login(analyst)
    return client


def test_an_analyst_lists_every_priority_deal_with_owner_note_and_collateral(analyst_client, analyst, rep):
    make_priority_deal(DealFactory(owner=rep, name="Northwind renewal"), marked_by=analyst, note="Push ROI")

    response = analyst_client.get(reverse(INDEX))

    assert response.status_code == 200
    text = response.content.decode()
    assert "Northwind renewal" in text
    assert "Dana Whitfield" in text
    assert "Push ROI" in text
    assert "No collateral yet" in text


def test_the_admin_list_filters_by_region(analyst_client, analyst, rep):
    north, south = RegionFactory(name="North", code="north"), RegionFactory(name="South", code="south")
    make_priority_deal(DealFactory(owner=rep, region=north, name="Up north"), marked_by=analyst)
    make_priority_deal(DealFactory(owner=rep, region=south, name="Down south"), marked_by=analyst)

    response = analyst_client.get(reverse(INDEX), {"region": north.pk})

    text = response.content.decode()
    assert "Up north" in text
    assert "Down south" not in text


def test_the_admin_list_exports(analyst_client, analyst, rep):
    make_priority_deal(DealFactory(owner=rep, name="Exported deal"), marked_by=analyst)

    response = analyst_client.get(reverse(INDEX), {"export": "csv"})

    assert response.status_code == 200
    assert "Exported deal" in b"".join(response.streaming_content).decode()


def test_the_admin_list_escapes_a_note(analyst_client, analyst, rep):
    make_priority_deal(DealFactory(owner=rep), marked_by=analyst, note="<script>alert(1)</script>")

    response = analyst_client.get(reverse(INDEX))

    assert "<script>alert(1)</script>" not in response.content.decode()


def test_there_is_no_add_view():
    from django.urls import NoReverseMatch

    with pytest.raises(NoReverseMatch):
        reverse("priority_deals:add")


@pytest.mark.parametrize("who", ["brand_manager", "rep", "manager"])
def test_others_are_refused(client, request, who, analyst):
    make_priority_deal(DealFactory(owner=UserFactory()), marked_by=analyst)
    user = request.getfixturevalue(who)
    client.force_login(user)

    response = client.get(reverse(INDEX))

    assert_admin_refused(response, user)
