import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from wagtail.models import ModelLogEntry

import pytest

from deals.models import ApiAccess, ApiKey
from deals.services.api_keys import api_key_authenticate, api_key_create, api_key_revoke

from ...factories.accounts import UserFactory
from ...refusals import assert_admin_refused, messages_of

# Some tests reach the database only through request.getfixturevalue: the mark tells pytest-django
# they use it, so they run before the transactional tests (which flush the migrated rows).
pytestmark = pytest.mark.django_db

RAW_KEY = re.compile(r"lm_[0-9a-f]+_[A-Za-z0-9_-]+")


@pytest.fixture
def admin_user(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def _row(response, name: str) -> str:
    """The text of the listing row for the key called `name`, cells separated by " | "."""
    for row in re.findall(r"<tr>(.*?)</tr>", response.content.decode(), flags=re.DOTALL):
        cells = [
            " ".join(re.sub(r"<[^>]+>", " ", cell).split())
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.DOTALL)
        ]
        if cells and cells[0].startswith(name):
            return " | ".join(cells)
    raise AssertionError(f"no row for {name!r}")


def _created_raw_key(response) -> str:
    keys = RAW_KEY.findall(response.content.decode())
    assert len(set(keys)) == 1, keys
    return keys[0]


def test_administrator_sees_every_key_with_its_prefix_and_scope(admin_client, partner_organisation):
    company_key, _ = api_key_create(name="Data warehouse")
    partner_key, _ = api_key_create(name="Partner CRM", organisation=partner_organisation)

    response = admin_client.get(reverse("api_keys:index"))

    assert response.status_code == 200
    assert _row(response, "Data warehouse").split(" | ")[1:5] == [
        f"lm_{company_key.prefix}…",
        "Whole company",
        "Read",
        "Active",
    ]
    assert _row(response, "Partner CRM").split(" | ")[1:3] == [f"lm_{partner_key.prefix}…", "Brightpath Partners"]


def test_an_empty_list_invites_the_administrator_to_make_a_key(admin_client):
    response = admin_client.get(reverse("api_keys:index"))

    assert "No API keys yet." in response.content.decode()


def test_search_finds_keys_by_name(admin_client):
    api_key_create(name="Data warehouse")
    api_key_create(name="Partner CRM")

    response = admin_client.get(reverse("api_keys:index"), {"q": "warehouse"})

    assert _row(response, "Data warehouse")
    assert "Partner CRM" not in response.content.decode()


def test_the_status_filter_lists_only_revoked_keys(admin_client):
    revoked, _ = api_key_create(name="Old warehouse")
    api_key_revoke(api_key=revoked)
    api_key_create(name="New warehouse")

    response = admin_client.get(reverse("api_keys:index"), {"status": "revoked"})

    assert _row(response, "Old warehouse")
    assert "New warehouse" not in response.content.decode()


def test_the_status_filter_lists_only_active_keys(admin_client):
    revoked, _ = api_key_create(name="Old warehouse")
    api_key_revoke(api_key=revoked)
    api_key_create(name="New warehouse")

    response = admin_client.get(reverse("api_keys:index"), {"status": "active"})

    assert _row(response, "New warehouse")
    assert "Old warehouse" not in response.content.decode()


def test_the_scope_filter_lists_only_whole_company_keys(admin_client, partner_organisation):
    api_key_create(name="Data warehouse")
    api_key_create(name="Partner CRM", organisation=partner_organisation)

    response = admin_client.get(reverse("api_keys:index"), {"organisation": "null"})

    assert _row(response, "Data warehouse")
    assert "Partner CRM" not in response.content.decode()


@pytest.mark.parametrize("role", ["brand_manager", "analyst"])
@pytest.mark.parametrize("route", ["api_keys:index", "api_keys:add"])
def test_other_roles_are_refused_the_key_pages(client, request, role, route):
    user = request.getfixturevalue(role)
    api_key_create(name="Data warehouse")
    client.force_login(user)

    response = client.get(reverse(route))

    assert response.status_code != 200
    assert_admin_refused(response, user)
    assert b"Data warehouse" not in response.content


@pytest.mark.parametrize("role", ["brand_manager", "analyst"])
def test_other_roles_cannot_revoke_a_key(client, request, role):
    user = request.getfixturevalue(role)
    api_key, raw_key = api_key_create(name="Data warehouse")
    client.force_login(user)

    response = client.post(reverse("api_keys:revoke", args=[api_key.pk]))

    assert_admin_refused(response, user)
    api_key.refresh_from_db()
    assert api_key.revoked_at is None
    assert api_key_authenticate(raw_key) == api_key


@pytest.mark.parametrize("role", ["brand_manager", "analyst"])
def test_other_roles_cannot_create_a_key(client, request, role):
    user = request.getfixturevalue(role)
    client.force_login(user)

    response = client.post(reverse("api_keys:add"), {"name": "Sneaky", "organisation": "", "access": ApiAccess.READ})

    assert_admin_refused(response, user)
    assert not ApiKey.objects.exists()


def test_the_settings_menu_offers_api_keys_to_administrators_only(client, admin_user, brand_manager):
    client.force_login(admin_user)
    admin_home = client.get(reverse("wagtailadmin_home")).content.decode()
    client.force_login(brand_manager)
    brand_home = client.get(reverse("wagtailadmin_home")).content.decode()

    index_url = reverse("api_keys:index")
    assert index_url in admin_home
    assert index_url not in brand_home


def test_creating_a_key_shows_the_secret_once_with_a_warning(admin_client, admin_user, partner_organisation):
    response = admin_client.post(
        reverse("api_keys:add"),
        {"name": "Partner CRM", "organisation": partner_organisation.pk, "access": ApiAccess.READ_WRITE},
    )

    assert response.status_code == 200
    assert "Copy this key now: it will not be shown again" in response.content.decode()
    api_key = ApiKey.objects.get()
    assert api_key_authenticate(_created_raw_key(response)) == api_key
    assert (api_key.name, api_key.organisation, api_key.access) == (
        "Partner CRM",
        partner_organisation,
        ApiAccess.READ_WRITE,
    )
    assert api_key.created_by == admin_user
    assert reverse("api_keys:index") in response.content.decode()


def test_the_page_showing_the_secret_is_never_cached(admin_client):
    response = admin_client.post(reverse("api_keys:add"), {"name": "Warehouse", "organisation": "", "access": "read"})

    assert "no-store" in response["Cache-Control"]


def test_the_secret_is_kept_out_of_the_session_messages(admin_client):
    response = admin_client.post(reverse("api_keys:add"), {"name": "Warehouse", "organisation": "", "access": "read"})

    raw_key = _created_raw_key(response)
    assert not any(raw_key in message for message in messages_of(response))


def test_the_list_and_the_key_page_never_show_the_secret_again(admin_client):
    created = admin_client.post(reverse("api_keys:add"), {"name": "Warehouse", "organisation": "", "access": "read"})
    raw_key = _created_raw_key(created)
    api_key = ApiKey.objects.get()

    listing = admin_client.get(reverse("api_keys:index"))
    inspect = admin_client.get(reverse("api_keys:inspect", args=[api_key.pk]))

    assert "Warehouse" in listing.content.decode()
    assert raw_key not in listing.content.decode()
    assert inspect.status_code == 200
    assert raw_key not in inspect.content.decode()


def test_an_empty_name_shows_the_form_again_with_the_typed_values(admin_client, partner_organisation):
    response = admin_client.post(
        reverse("api_keys:add"),
        {"name": "   ", "organisation": partner_organisation.pk, "access": ApiAccess.READ_WRITE},
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert "name" in form.errors
    assert form["organisation"].value() == str(partner_organisation.pk)
    assert form["access"].value() == ApiAccess.READ_WRITE
    html = response.content.decode()
    assert f'<option value="{partner_organisation.pk}" selected>' in html
    assert f'<option value="{ApiAccess.READ_WRITE}" selected>' in html
    assert not RAW_KEY.search(html)
    assert not ApiKey.objects.exists()


def test_an_expiry_in_the_past_shows_the_services_message(admin_client):
    response = admin_client.post(
        reverse("api_keys:add"),
        {"name": "Warehouse", "organisation": "", "access": ApiAccess.READ, "expires_at": "2020-01-01 10:00"},
    )

    assert response.status_code == 200
    assert "The expiry must be in the future." in response.content.decode()
    assert response.context["form"]["name"].value() == "Warehouse"
    assert not ApiKey.objects.exists()


def test_revoking_by_post_stops_the_key_and_keeps_it_listed(admin_client):
    api_key, raw_key = api_key_create(name="Data warehouse")

    response = admin_client.post(reverse("api_keys:revoke", args=[api_key.pk]))

    assert response.status_code == 302
    assert response.url == reverse("api_keys:index")
    api_key.refresh_from_db()
    assert api_key.revoked_at is not None
    assert api_key_authenticate(raw_key) is None
    listing = admin_client.get(reverse("api_keys:index"))
    assert _row(listing, "Data warehouse").split(" | ")[4] == "Revoked"


def test_a_get_on_revoke_only_asks_for_confirmation(admin_client):
    api_key, raw_key = api_key_create(name="Data warehouse")

    response = admin_client.get(reverse("api_keys:revoke", args=[api_key.pk]))

    assert response.status_code == 200
    assert "Yes, revoke" in response.content.decode()
    api_key.refresh_from_db()
    assert api_key.revoked_at is None
    assert api_key_authenticate(raw_key) == api_key


def test_revoking_again_keeps_the_first_revocation_time(admin_client):
    api_key, _ = api_key_create(name="Data warehouse")
    first = api_key_revoke(api_key=api_key).revoked_at

    admin_client.post(reverse("api_keys:revoke", args=[api_key.pk]))

    api_key.refresh_from_db()
    assert api_key.revoked_at == first


def test_an_expired_key_is_listed_as_expired(admin_client):
    api_key, _ = api_key_create(name="Pilot feed", expires_at=timezone.now() + timedelta(days=1))
    ApiKey.objects.filter(pk=api_key.pk).update(expires_at=timezone.now() - timedelta(days=1))

    response = admin_client.get(reverse("api_keys:index"), {"status": "expired"})

    assert _row(response, "Pilot feed").split(" | ")[4] == "Expired"


def test_there_is_no_delete_or_edit_page(admin_client):
    api_key, _ = api_key_create(name="Data warehouse")

    listing = admin_client.get(reverse("api_keys:index")).content.decode()

    assert f"/admin/api_keys/revoke/{api_key.pk}/" in listing
    assert f"/admin/api_keys/delete/{api_key.pk}/" not in listing
    assert f"/admin/api_keys/edit/{api_key.pk}/" not in listing
    assert admin_client.post(f"/admin/api_keys/delete/{api_key.pk}/").status_code == 404
    assert ApiKey.objects.filter(pk=api_key.pk).exists()


def test_creating_a_key_is_in_the_audit_log_without_its_secret(admin_client, admin_user):
    response = admin_client.post(reverse("api_keys:add"), {"name": "Data warehouse", "access": ApiAccess.READ})
    raw_key = _created_raw_key(response)

    entry = ModelLogEntry.objects.get(action="lastmile.api_key.created")
    assert (entry.user, entry.object_id) == (admin_user, str(ApiKey.objects.get().pk))
    assert entry.data["scope"] == "company"
    assert raw_key.split("_", 2)[2] not in str(entry.data)


def test_revoking_a_key_is_in_the_audit_log_once(admin_client, admin_user):
    api_key, _ = api_key_create(name="Data warehouse")

    admin_client.post(reverse("api_keys:revoke", args=[api_key.pk]))
    admin_client.post(reverse("api_keys:revoke", args=[api_key.pk]))

    entries = ModelLogEntry.objects.filter(action="lastmile.api_key.revoked")
    assert [(entry.user, entry.object_id) for entry in entries] == [(admin_user, str(api_key.pk))]
