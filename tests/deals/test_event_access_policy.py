"""Who may list, view and verify delivery events: in Wagtail admin (brand managers, analysts,
administrators; read-only for all), and through a deal's page (`events_for_deal`). Partners never
see another organisation's events."""

from django.contrib.auth.models import Permission
from django.urls import NoReverseMatch, reverse

import pytest

from approvals.services import document_create
from deals.event_selectors import events_for_deal, events_visible_to, may_verify_events

from ..factories.accounts import OrganisationFactory, RegionFactory, UserFactory, partner_member
from ..factories.deals import DealFactory
from ..refusals import assert_admin_refused
from .conftest import make_event

ADMIN_ROUTES = {
    "index": lambda event: reverse("delivery_events:index"),
    "inspect": lambda event: reverse("delivery_events:inspect", args=[event.pk]),
    "verify": lambda event: reverse("delivery_events:verify", args=[event.pk]),
}


@pytest.fixture
def rep_event(approved_document, rep, deal):
    return make_event(approved_document, user=rep, deal=deal)


@pytest.fixture
def partner_event(deal_template, partner_user, partner_organisation):
    document = document_create(template=deal_template, owner=partner_user, values={}, check_fit=False)
    deal = DealFactory(owner=partner_user, name="Partner deal")
    return make_event(document, user=partner_user, deal=deal)


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def other_manager(roles):
    from accounts.roles import Role

    user = partner_member(OrganisationFactory(name="Other Partners"), username="other-manager")
    user.groups.add(roles[Role.PARTNER_MANAGER])
    return user


# --- Wagtail admin --------------------------------------------------------------------------------


@pytest.mark.parametrize("route", ADMIN_ROUTES)
@pytest.mark.parametrize("who", ["brand_manager", "analyst", "superuser"])
def test_brand_managers_analysts_and_administrators_browse_events(client, request, rep_event, route, who):
    client.force_login(request.getfixturevalue(who))

    response = client.get(ADMIN_ROUTES[route](rep_event))

    assert response.status_code == 200
    if route != "verify":
        assert rep_event.document.title in response.content.decode()


@pytest.mark.parametrize("route", ADMIN_ROUTES)
@pytest.mark.parametrize("who", ["rep", "partner_user", "manager"])
def test_reps_and_partners_are_refused_the_events_admin(client, request, rep_event, route, who):
    user = request.getfixturevalue(who)
    client.force_login(user)

    response = client.get(ADMIN_ROUTES[route](rep_event))

    assert_admin_refused(response, user)


@pytest.mark.parametrize("route", ADMIN_ROUTES)
def test_anonymous_users_are_sent_to_sign_in(client, rep_event, route):
    response = client.get(ADMIN_ROUTES[route](rep_event))

    assert response.status_code == 302
    assert response.url.startswith(reverse("wagtailadmin_login"))


@pytest.mark.parametrize("name", ["add", "edit", "delete", "copy", "history", "usage"])
def test_there_is_no_add_edit_or_delete_view(name):
    with pytest.raises(NoReverseMatch):
        reverse(f"delivery_events:{name}", args=[] if name == "add" else [1])


def test_a_superuser_gets_no_change_button_and_no_way_to_post_a_change(client, superuser, rep_event):
    client.force_login(superuser)

    page = client.get(ADMIN_ROUTES["inspect"](rep_event)).content.decode()

    assert "/edit/" not in page
    assert "/delete/" not in page
    assert client.post(f"/admin/delivery_events/edit/{rep_event.pk}/", {}).status_code == 404
    assert client.post(f"/admin/delivery_events/delete/{rep_event.pk}/", {}).status_code == 404


def test_the_permission_alone_does_not_open_events_to_a_partner(client, partner_user, rep_event):
    partner_user.user_permissions.add(
        Permission.objects.get(codename="view_deliveryevent"), Permission.objects.get(codename="access_admin")
    )
    client.force_login(partner_user)

    assert_admin_refused(client.get(ADMIN_ROUTES["index"](rep_event)), partner_user)
    assert not events_visible_to(partner_user).exists()


def test_the_list_filters_by_channel(client, brand_manager, approved_document, rep, rep_event):
    png = make_event(approved_document, user=rep, channel="portal_png")
    client.force_login(brand_manager)

    page = client.get(reverse("delivery_events:index"), {"channel": "portal_png"}).content.decode()

    assert reverse("delivery_events:inspect", args=[png.pk]) in page
    assert reverse("delivery_events:inspect", args=[rep_event.pk]) not in page


def test_the_list_filters_by_deal_and_date(client, brand_manager, approved_document, rep, rep_event, deal):
    other = make_event(approved_document, user=rep, deal=None)
    client.force_login(brand_manager)

    page = client.get(
        reverse("delivery_events:index"),
        {"deal": deal.pk, "occurred_at_after": "2000-01-01", "occurred_at_before": "2999-12-31"},
    ).content.decode()

    assert reverse("delivery_events:inspect", args=[rep_event.pk]) in page
    assert reverse("delivery_events:inspect", args=[other.pk]) not in page


def test_a_region_limited_brand_manager_sees_only_their_regions_events(client, brand_manager, rep_event, partner_event):
    nordics = RegionFactory(name="Nordics")
    brand_manager.review_regions.add(nordics)

    assert not events_visible_to(brand_manager).exists()
    client.force_login(brand_manager)
    response = client.get(ADMIN_ROUTES["inspect"](rep_event))
    assert response.status_code == 404


# --- The selector, and a deal's events ------------------------------------------------------------


def test_a_rep_sees_the_events_of_their_own_documents_only(rep, rep_event, partner_event):
    assert list(events_visible_to(rep)) == [rep_event]


def test_a_partner_manager_sees_their_organisations_events(manager, rep_event, partner_event):
    assert list(events_visible_to(manager)) == [partner_event]


def test_a_partner_never_sees_another_organisations_events(other_manager, rep_event, partner_event):
    assert not events_visible_to(other_manager).exists()
    assert not events_for_deal(partner_event.deal, other_manager).exists()


def test_a_partner_user_sees_their_own_documents_events(partner_user, rep_event, partner_event):
    assert list(events_visible_to(partner_user)) == [partner_event]


def test_a_deals_events_newest_first_for_its_owner(approved_document, rep, deal, rep_event):
    later = make_event(approved_document, user=rep, deal=deal, channel="portal_png")
    make_event(approved_document, user=rep, deal=None)

    assert list(events_for_deal(deal, rep)) == [later, rep_event]


def test_an_inactive_user_sees_no_events(rep, rep_event):
    rep.is_active = False
    rep.save()

    assert not events_visible_to(rep).exists()


@pytest.mark.parametrize(
    ("who", "may"),
    [
        ("brand_manager", True),
        ("analyst", True),
        ("superuser", True),
        ("rep", False),
        ("partner_user", False),
        ("manager", False),
    ],
)
def test_who_may_verify(db, request, who, may):
    assert may_verify_events(request.getfixturevalue(who)) is may


def test_brand_managers_export_the_events_they_see(client, brand_manager, rep_event):
    client.force_login(brand_manager)

    response = client.get(reverse("delivery_events:index"), {"export": "csv"})

    body = b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()
    assert response.status_code == 200
    assert rep_event.sha256 in body
