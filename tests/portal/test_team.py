"""The team page (partner managers only, own organisation only) and the invitation sign-up page."""

import re
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from wagtail.images import get_image_model
from wagtail.models import ModelLogEntry

import pytest

from accounts.models import Invitation, InvitationRole
from accounts.roles import Role
from accounts.services import invitation_create
from brand.models import UploadReview

from ..factories.accounts import OrganisationFactory, partner_member
from ..factories.brand import png_bytes
from ..invitations import LINK, PASSWORD

User = get_user_model()


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


@pytest.fixture
def other_org(roles):
    organisation = OrganisationFactory(name="Elsewhere Ltd")
    member = partner_member(organisation, username="stranger", first_name="Sam", last_name="Stranger-Marker")
    member.groups.add(roles[Role.PARTNER_USER])
    boss = partner_member(organisation, username="elsewhere-boss")
    boss.groups.add(roles[Role.PARTNER_MANAGER])
    return {"organisation": organisation, "member": member, "manager": boss}


@pytest.fixture
def token(manager, partner_organisation, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(
            organisation=partner_organisation,
            email="new.person@example.com",
            role=InvitationRole.PARTNER_USER,
            invited_by=manager,
        )
    return LINK.search(mail.outbox[-1].body).group(2)


def _sign_up(client, token, **overrides):
    data = {
        "username": "newperson",
        "first_name": "Noor",
        "last_name": "Haddad",
        "password1": PASSWORD,
        "password2": PASSWORD,
        **overrides,
    }
    return client.post(reverse("portal:invitation-accept", args=[token]), data)


# --- Who may see the team page ------------------------------------------------------------------


def test_a_manager_sees_their_team(manager_client, partner_user):
    response = manager_client.get(reverse("portal:team"))

    assert response.status_code == 200
    assert "Brightpath Partners" in response.text
    assert partner_user.email in response.text


@pytest.mark.parametrize("who", ["partner_user", "rep", "brand_manager"])
def test_anyone_but_a_partner_manager_gets_404_on_the_team_page(db, client, request, who):
    client.force_login(request.getfixturevalue(who))

    response = client.get(reverse("portal:team"))

    assert response.status_code == 404


def test_the_team_page_needs_sign_in(client, db):
    response = client.get(reverse("portal:team"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:login"))


def test_the_team_link_is_in_the_navigation_for_managers(manager_client):
    response = manager_client.get(reverse("portal:documents"))

    assert f'href="{reverse("portal:team")}"' in response.text


def test_the_team_link_is_not_shown_to_partner_users(client, partner_user):
    client.force_login(partner_user)

    response = client.get(reverse("portal:documents"))

    assert f'href="{reverse("portal:team")}"' not in response.text


def test_a_manager_of_a_closed_organisation_gets_404(manager_client, partner_organisation):
    partner_organisation.is_active = False
    partner_organisation.save()

    response = manager_client.get(reverse("portal:team"))

    assert response.status_code == 404


# --- One organisation never reaches into another --------------------------------------------------


def test_the_team_page_lists_no_one_from_another_organisation(manager_client, other_org):
    response = manager_client.get(reverse("portal:team"))

    assert "Stranger-Marker" not in response.text


def test_the_team_page_lists_no_invitation_of_another_organisation(manager_client, other_org):
    invitation_create(
        organisation=other_org["organisation"],
        email="theirs-marker@example.com",
        role=InvitationRole.PARTNER_USER,
        invited_by=other_org["manager"],
    )

    response = manager_client.get(reverse("portal:team"))

    assert "theirs-marker@example.com" not in response.text


@pytest.mark.parametrize("route", ["team-member-deactivate", "team-member-reactivate"])
def test_a_manager_cannot_reach_a_member_of_another_organisation(manager_client, other_org, route):
    url = reverse(f"portal:{route}", args=[other_org["member"].public_id])

    assert manager_client.get(url).status_code == 404
    assert manager_client.post(url).status_code == 404
    other_org["member"].refresh_from_db()
    assert other_org["member"].is_active


def test_a_manager_cannot_revoke_another_organisations_invitation(manager_client, other_org):
    theirs = invitation_create(
        organisation=other_org["organisation"],
        email="theirs@example.com",
        role=InvitationRole.PARTNER_USER,
        invited_by=other_org["manager"],
    )

    response = manager_client.post(reverse("portal:team-invitation-revoke", args=[theirs.public_id]))

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_an_invitation_naming_another_organisation_still_invites_into_the_managers_own(
    manager_client, partner_organisation, other_org
):
    manager_client.post(
        reverse("portal:team-invite"),
        {
            "email": "x@example.com",
            "role": InvitationRole.PARTNER_USER,
            "organisation": other_org["organisation"].pk,
            "organisation_id": other_org["organisation"].public_id,
        },
    )

    invitation = Invitation.objects.get(email="x@example.com")
    assert invitation.organisation == partner_organisation


@pytest.mark.parametrize("role", [Role.BRAND_MANAGER, Role.ADMINISTRATOR, "superuser"])
def test_an_invitation_for_a_higher_role_is_refused(manager_client, role):
    response = manager_client.post(reverse("portal:team-invite"), {"email": "x@example.com", "role": role})

    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert not Invitation.objects.exists()


def test_a_partner_user_cannot_invite(client, partner_user):
    client.force_login(partner_user)

    response = client.post(reverse("portal:team-invite"), {"email": "x@example.com", "role": "partner_user"})

    assert response.status_code == 404
    assert not Invitation.objects.exists()


# --- Inviting --------------------------------------------------------------------------------------


def test_the_invitation_email_uses_the_configured_base_url_whatever_the_host_header(
    manager_client, settings, django_capture_on_commit_callbacks
):
    settings.ALLOWED_HOSTS = ["testserver", "evil.example"]
    settings.WAGTAILADMIN_BASE_URL = "https://collateral.example.com"

    with django_capture_on_commit_callbacks(execute=True):
        manager_client.post(
            reverse("portal:team-invite"),
            {"email": "new.person@example.com", "role": InvitationRole.PARTNER_USER},
            HTTP_HOST="evil.example",
            HTTP_X_FORWARDED_HOST="evil.example",
        )

    [message] = mail.outbox
    assert LINK.search(message.body).group(1) == "https://collateral.example.com"
    assert "evil.example" not in message.body


def test_inviting_shows_the_invitation_as_waiting(manager_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(
            reverse("portal:team-invite"), {"email": "new.person@example.com", "role": "partner_manager"}, follow=True
        )

    assert "Invitation sent to new.person@example.com" in response.text
    assert "Partner manager" in response.text
    assert Invitation.objects.get().role == InvitationRole.PARTNER_MANAGER


def _address_of(who, request, other_org):
    """An address with no account, or one of an account in the manager's organisation, in
    another organisation, or on the staff."""
    if who == "nobody":
        return "nobody-yet@example.com"
    if who == "other_partner":
        return other_org["member"].email
    return request.getfixturevalue(who).email


ADDRESS_KINDS = ["nobody", "partner_user", "other_partner", "brand_manager", "rep"]


@pytest.mark.parametrize("who", ADDRESS_KINDS)
def test_inviting_answers_the_same_whether_or_not_the_address_has_an_account(manager_client, request, other_org, who):
    email = _address_of(who, request, other_org)

    response = manager_client.post(
        reverse("portal:team-invite"), {"email": email, "role": InvitationRole.PARTNER_USER}, follow=True
    )

    assert response.redirect_chain == [(reverse("portal:team"), 302)]
    assert f"Invitation sent to {email}" in response.text
    assert "already" not in response.text
    assert Invitation.objects.open().filter(email=email).exists()


def _invite_queries(client, email) -> list[str]:
    """The SQL the invite request runs, with literal values (times, ids, savepoint names, the address) masked."""
    with CaptureQueriesContext(connection) as queries:
        client.post(reverse("portal:team-invite"), {"email": email, "role": InvitationRole.PARTNER_USER})
    return [re.sub(r"'[^']*'|\"s\d+_x\d+\"|\b\d+\b", "?", query["sql"]) for query in queries.captured_queries]


@pytest.mark.parametrize("who", ADDRESS_KINDS[1:])
def test_inviting_runs_the_same_queries_whether_or_not_the_address_has_an_account(
    manager_client, request, other_org, who
):
    fresh = _invite_queries(manager_client, "nobody-yet@example.com")

    existing = _invite_queries(manager_client, _address_of(who, request, other_org))

    assert existing == fresh


def test_a_manager_withdraws_a_waiting_invitation(manager_client, token):
    invitation = Invitation.objects.get()
    before = timezone.now()

    manager_client.post(reverse("portal:team-invitation-revoke", args=[invitation.public_id]))

    invitation.refresh_from_db()
    assert before <= invitation.revoked_at <= timezone.now()


# --- Deactivating ------------------------------------------------------------------------------------


def test_deactivation_asks_for_confirmation_first(manager_client, partner_user):
    response = manager_client.get(reverse("portal:team-member-deactivate", args=[partner_user.public_id]))

    assert response.status_code == 200
    assert "Deactivate" in response.text
    partner_user.refresh_from_db()
    assert partner_user.is_active


def test_a_deactivated_members_open_session_is_refused_on_their_next_request(manager_client, partner_user):
    member_browser = Client()
    member_browser.force_login(partner_user)
    assert member_browser.get(reverse("portal:documents")).status_code == 200

    manager_client.post(reverse("portal:team-member-deactivate", args=[partner_user.public_id]))

    response = member_browser.get(reverse("portal:documents"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:login"))
    partner_user.refresh_from_db()
    assert not partner_user.is_active


def test_a_deactivated_member_cannot_sign_in(manager_client, partner_user):
    manager_client.post(reverse("portal:team-member-deactivate", args=[partner_user.public_id]))

    response = Client().post(
        reverse("portal:login"), {"username": partner_user.username, "password": "correct horse battery staple"}
    )

    assert response.status_code == 200
    assert "_auth_user_id" not in response.client.session


def test_a_manager_reactivates_a_member(manager_client, partner_user):
    partner_user.is_active = False
    partner_user.save()

    manager_client.post(reverse("portal:team-member-reactivate", args=[partner_user.public_id]))

    partner_user.refresh_from_db()
    assert partner_user.is_active


def test_a_manager_cannot_deactivate_themselves(manager_client, manager):
    response = manager_client.post(reverse("portal:team-member-deactivate", args=[manager.public_id]), follow=True)

    assert "cannot deactivate yourself" in response.text
    manager.refresh_from_db()
    assert manager.is_active


# --- Accepting an invitation -------------------------------------------------------------------------


def test_the_invitation_page_shows_the_organisation_and_a_sign_up_form(client, token):
    response = client.get(reverse("portal:invitation-accept", args=[token]))

    assert response.status_code == 200
    assert "Join Brightpath Partners" in response.text
    assert 'name="password2"' in response.text


def test_signing_up_creates_the_account_signs_in_and_opens_the_library(client, token, partner_organisation):
    response = _sign_up(client, token)

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:library")
    user = User.objects.get(username="newperson")
    assert user.organisation == partner_organisation
    assert int(client.session["_auth_user_id"]) == user.pk


def test_a_crafted_sign_up_cannot_choose_email_organisation_or_role(client, token, partner_organisation, roles):
    elsewhere = OrganisationFactory(name="Elsewhere Ltd")

    _sign_up(
        client,
        token,
        email="attacker@evil.example",
        role=Role.BRAND_MANAGER,
        organisation=elsewhere.pk,
        organisation_id=elsewhere.public_id,
        groups=roles[Role.BRAND_MANAGER].pk,
        is_staff="on",
        is_superuser="on",
    )

    user = User.objects.get(username="newperson")
    assert user.email == "new.person@example.com"
    assert user.organisation == partner_organisation
    assert set(user.groups.all()) == {roles[Role.PARTNER_USER], partner_organisation.members_group}
    assert not user.is_staff
    assert not user.is_superuser


def test_a_weak_password_is_refused_by_the_validators(client, token):
    response = _sign_up(client, token, password1="12345678", password2="12345678")

    assert response.status_code == 200
    assert "This password is too common" in response.text
    assert not User.objects.filter(username="newperson").exists()


def test_mismatched_passwords_are_refused(client, token):
    response = _sign_up(client, token, password2=PASSWORD + "x")

    assert "didn’t match" in response.text or "didn't match" in response.text
    assert not User.objects.filter(username="newperson").exists()


def _expire(token):
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    return token


def _use(token):
    _sign_up(Client(), token, username="first-comer")
    return token


def _tamper(token):
    return token[:-1] + ("A" if token[-1] != "A" else "B")


def _revoke(token):
    Invitation.objects.update(revoked_at=timezone.now())
    return token


@pytest.mark.parametrize(
    ("spoil", "status", "message"),
    [
        (_expire, 410, "This invitation has expired"),
        (_use, 410, "This invitation has already been used"),
        (_tamper, 404, "This invitation link is not valid"),
        (_revoke, 410, "This invitation was withdrawn"),
    ],
    ids=["expired", "reused", "tampered", "revoked"],
)
def test_a_spoilt_link_is_refused_with_a_clear_message_and_creates_no_account(client, token, spoil, status, message):
    spoilt = spoil(token)

    page = client.get(reverse("portal:invitation-accept", args=[spoilt]))
    response = _sign_up(client, spoilt)

    assert page.status_code == response.status_code == status
    assert message in page.text
    assert message in response.text
    assert not User.objects.filter(username="newperson").exists()
    assert "_auth_user_id" not in client.session


# --- The organisation's logo ----------------------------------------------------------------------------


def test_an_uploaded_logo_waits_for_brand_approval(manager_client, partner_organisation):
    response = manager_client.post(
        reverse("portal:team-logo"), {"logo": SimpleUploadedFile("logo.png", png_bytes(), "image/png")}, follow=True
    )

    assert "Awaiting approval" in response.text
    partner_organisation.refresh_from_db()
    logo = partner_organisation.logo
    assert (logo.width, logo.height, logo.review_state) == (40, 30, UploadReview.PENDING)
    assert not partner_organisation.is_logo_approved


def test_a_logo_that_is_not_an_image_gets_a_clear_error_and_nothing_is_stored(manager_client, partner_organisation):
    response = manager_client.post(
        reverse("portal:team-logo"),
        {"logo": SimpleUploadedFile("logo.png", b"%!PS-Adobe-3.0 EPSF-3.0\n", "image/png")},
    )

    assert response.status_code == 200
    assert "This file is not a PNG, JPEG, WebP or GIF image." in response.text
    partner_organisation.refresh_from_db()
    assert partner_organisation.logo is None
    assert not get_image_model().objects.exists()


def test_a_partner_user_cannot_upload_the_logo(client, partner_user, partner_organisation):
    client.force_login(partner_user)

    response = client.post(
        reverse("portal:team-logo"), {"logo": SimpleUploadedFile("logo.png", png_bytes(), "image/png")}
    )

    assert response.status_code == 404
    partner_organisation.refresh_from_db()
    assert partner_organisation.logo is None


# --- The audit trail -------------------------------------------------------------------------------


def test_deactivating_from_the_team_page_leaves_an_audit_entry(manager_client, manager, partner_user):
    manager_client.post(reverse("portal:team-member-deactivate", args=[partner_user.public_id]))

    entry = ModelLogEntry.objects.get(action="lastmile.member.deactivated")
    assert entry.object_id == str(partner_user.pk)
    assert entry.user_id == manager.pk


def test_withdrawing_from_the_team_page_leaves_an_audit_entry(manager_client, manager, token):
    invitation = Invitation.objects.get()

    manager_client.post(reverse("portal:team-invitation-revoke", args=[invitation.public_id]))

    entry = ModelLogEntry.objects.get(action="lastmile.invitation.revoked")
    assert entry.object_id == str(invitation.pk)
    assert entry.user_id == manager.pk


# --- Opening an invitation while signed in --------------------------------------------------------


def test_opening_an_invitation_while_signed_in_asks_before_switching_accounts(client, partner_user, token):
    client.force_login(partner_user)

    response = client.get(reverse("portal:invitation-accept", args=[token]))

    assert response.status_code == 200
    assert "You are signed in as" in response.text
    assert partner_user.email in response.text
    assert "new.person@example.com" in response.text
    assert 'name="password2"' not in response.text
    assert f'action="{reverse("portal:logout")}"' in response.text
    assert f'value="{reverse("portal:invitation-accept", args=[token])}"' in response.text
    assert int(client.session["_auth_user_id"]) == partner_user.pk


def test_a_sign_up_posted_while_signed_in_creates_no_account_and_keeps_the_session(client, partner_user, token):
    client.force_login(partner_user)

    response = _sign_up(client, token)

    assert response.status_code == 200
    assert "You are signed in as" in response.text
    assert not User.objects.filter(username="newperson").exists()
    assert Invitation.objects.get().accepted_at is None
    assert int(client.session["_auth_user_id"]) == partner_user.pk


def test_signing_out_from_the_invitation_page_comes_back_to_the_sign_up_form(client, partner_user, token):
    client.force_login(partner_user)
    invitation_page = reverse("portal:invitation-accept", args=[token])

    response = client.post(reverse("portal:logout"), {"next": invitation_page}, follow=True)

    assert response.redirect_chain == [(invitation_page, 302)]
    assert 'name="password2"' in response.text
    assert "_auth_user_id" not in client.session


def test_the_invitation_page_offers_to_cancel_and_stay_signed_in(client, partner_user, token):
    client.force_login(partner_user)

    response = client.get(reverse("portal:invitation-accept", args=[token]))

    assert re.search(rf'<a [^>]*href="{reverse("portal:home")}"[^>]*>Cancel', response.text)


def test_the_names_given_at_sign_up_are_stored_on_one_line(client, token):
    _sign_up(client, token, first_name="Noor\r\nBcc: all@example.com", last_name="Haddad\x1b[0m")

    user = User.objects.get(username="newperson")
    assert (user.first_name, user.last_name) == ("Noor Bcc: all@example.com", "Haddad[0m")
