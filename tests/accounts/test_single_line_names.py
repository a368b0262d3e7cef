"""Organisation and user names are stored on one line on every path, including rows stored before
that was so (migration accounts 0006)."""

from importlib import import_module

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection
from django.urls import reverse

from accounts.models import Organisation

from ..factories.accounts import OrganisationFactory, UserFactory

User = get_user_model()


def _store_raw(table: str, pk: int, **values) -> None:
    """Write names as an older version could have, past the fields' own cleaning."""
    assignments = ", ".join(f"{column} = %s" for column in values)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {assignments} WHERE id = %s", [*values.values(), pk])  # noqa: S608


def test_an_organisation_name_is_stored_on_one_line(db):
    organisation = OrganisationFactory(name="Brightpath\r\nPartners", contact_name="Mia\tOrtega")

    organisation.refresh_from_db()
    assert (organisation.name, organisation.contact_name) == ("Brightpath Partners", "Mia Ortega")


def test_user_names_are_stored_on_one_line(db):
    user = UserFactory(first_name="Noor\r\nBcc: all@example.com", last_name="Haddad\x00")

    user.refresh_from_db()
    assert (user.first_name, user.last_name) == ("Noor Bcc: all@example.com", "Haddad")


def test_the_user_admin_refuses_a_name_of_line_breaks_only(client, roles):
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    member = UserFactory(username="member", first_name="Sam", last_name="Stone")
    client.force_login(admin)

    response = client.post(
        reverse("wagtailusers_users:edit", args=[member.pk]),
        {"username": "member", "email": member.email, "first_name": "\r\n", "last_name": "Stone"},
    )

    member.refresh_from_db()
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["first_name"]
    assert member.first_name == "Sam"


def test_the_migration_cleans_names_stored_before(db):
    organisation = OrganisationFactory(name="Plain")
    taken = OrganisationFactory(name="Acme Ltd")
    clash = OrganisationFactory(name="Other")
    user = UserFactory(first_name="Dana", last_name="Whitfield")
    _store_raw("accounts_organisation", organisation.pk, name="North\nwind", contact_name="Ops\r\n")
    _store_raw("accounts_organisation", clash.pk, name="Acme\nLtd")
    _store_raw("accounts_user", user.pk, first_name="Da\x07na", last_name="White\u2028field")

    import_module("accounts.migrations.0006_clean_stored_names").clean_names(apps, None)

    names = dict(Organisation.objects.values_list("pk", "name"))
    assert names[organisation.pk] == "North wind"
    assert names[taken.pk] == "Acme Ltd"
    assert names[clash.pk] == f"Acme Ltd ({clash.pk})"
    assert Organisation.objects.get(pk=organisation.pk).contact_name == "Ops"
    assert User.objects.values_list("first_name", "last_name").get(pk=user.pk) == ("Dana", "White field")
