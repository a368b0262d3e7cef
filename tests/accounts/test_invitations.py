"""Partner managers invite, deactivate and reactivate members of their own organisation, and
upload its logo; invitation links are random, stored hashed, single use and expiring (S41)."""

import hashlib
import threading
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from wagtail.images import get_image_model

import pytest
from django_tasks.signals import task_enqueued

from accounts.mail import invitation_email_send
from accounts.models import Invitation, InvitationRole
from accounts.roles import Role
from accounts.services import (
    InvitationError,
    TeamError,
    invitation_accept,
    invitation_create,
    invitation_revoke,
    member_deactivate,
    member_reactivate,
    organisation_logo_upload,
)
from templates_lib.tokens import NameInsteadOfLogo, TokenContext, resolve_token

from ..factories.accounts import OrganisationFactory, UserFactory, partner_member
from ..factories.brand import png_bytes
from ..invitations import LINK, PASSWORD

User = get_user_model()


@pytest.fixture
def invite(manager, partner_organisation, django_capture_on_commit_callbacks):
    """Invite an address and return the raw token from the email that went out (None if the
    email has no link)."""

    def _invite(email="new.person@example.com", role=InvitationRole.PARTNER_USER):
        with django_capture_on_commit_callbacks(execute=True):
            invitation_create(organisation=partner_organisation, email=email, role=role, invited_by=manager)
        link = LINK.search(mail.outbox[-1].body)
        return link.group(2) if link else None

    return _invite


def _accept(token, username="newperson", **overrides):
    values = {"username": username, "password": PASSWORD, "first_name": "Noor", "last_name": "Haddad"}
    return invitation_accept(token=token, **{**values, **overrides})


def test_the_invitation_email_links_to_the_configured_site(invite, settings):
    settings.WAGTAILADMIN_BASE_URL = "https://collateral.example.com"

    token = invite()

    [message] = mail.outbox
    assert message.to == ["new.person@example.com"]
    assert f"https://collateral.example.com/invitations/{token}/" in message.body
    assert "Brightpath Partners" in message.body


def test_no_email_is_sent_when_the_transaction_does_not_commit(manager, partner_organisation):
    invitation_create(
        organisation=partner_organisation, email="x@example.com", role=InvitationRole.PARTNER_USER, invited_by=manager
    )

    assert mail.outbox == []


def test_only_a_hash_of_the_token_is_stored(invite):
    token = invite()

    invitation = Invitation.objects.get()
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(Invitation.objects.values().get())


def test_an_invitation_expires_after_the_configured_number_of_days(invite, settings):
    settings.LASTMILE_INVITATION_DAYS = 3

    invite()

    invitation = Invitation.objects.get()
    assert invitation.expires_at - invitation.created_at == pytest.approx(timedelta(days=3), abs=timedelta(seconds=5))


def test_accepting_creates_a_member_with_the_invited_email_organisation_and_role(invite, partner_organisation, roles):
    token = invite(email="New.Person@Example.com", role=InvitationRole.PARTNER_MANAGER)
    before = timezone.now()

    user = _accept(token)

    user.refresh_from_db()
    assert user.email == "new.person@example.com"
    assert user.organisation == partner_organisation
    assert set(user.groups.all()) == {roles[Role.PARTNER_MANAGER], partner_organisation.members_group}
    assert user.check_password(PASSWORD)
    invitation = Invitation.objects.get()
    assert invitation.accepted_user == user
    assert before <= invitation.accepted_at <= timezone.now()


def test_an_invited_partner_user_gets_only_the_partner_user_role(invite, partner_organisation, roles):
    user = _accept(invite(role=InvitationRole.PARTNER_USER))

    assert set(user.groups.all()) == {roles[Role.PARTNER_USER], partner_organisation.members_group}


def test_an_expired_link_is_refused_and_creates_no_account(invite):
    token = invite()
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))

    with pytest.raises(InvitationError, match="has expired"):
        _accept(token)

    assert not User.objects.filter(username="newperson").exists()


def test_a_link_cannot_be_used_twice(invite):
    token = invite()
    _accept(token, username="first")

    with pytest.raises(InvitationError, match="already been used"):
        _accept(token, username="second")

    assert not User.objects.filter(username="second").exists()


def test_a_link_with_one_character_changed_is_refused(invite):
    token = invite()
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")

    with pytest.raises(InvitationError, match="not valid"):
        _accept(tampered)

    assert not User.objects.filter(username="newperson").exists()


def test_a_revoked_link_is_refused(invite, manager):
    token = invite()
    invitation_revoke(manager=manager, invitation=Invitation.objects.get())

    with pytest.raises(InvitationError, match="withdrawn"):
        _accept(token)

    assert not User.objects.filter(username="newperson").exists()


def test_a_link_into_a_closed_organisation_is_refused(invite, partner_organisation):
    token = invite()
    partner_organisation.is_active = False
    partner_organisation.save()

    with pytest.raises(InvitationError, match="no longer valid"):
        _accept(token)

    assert not User.objects.filter(username="newperson").exists()


def test_a_deactivated_managers_invitations_stop_working(invite, manager, partner_organisation, roles):
    token = invite()
    other_manager = partner_member(partner_organisation, username="boss")
    other_manager.groups.add(roles[Role.PARTNER_MANAGER])
    member_deactivate(manager=other_manager, member=manager)

    with pytest.raises(InvitationError):
        _accept(token)

    assert not User.objects.filter(username="newperson").exists()


def test_inviting_an_address_again_replaces_the_earlier_link(invite):
    first = invite()
    second = invite()

    with pytest.raises(InvitationError):
        _accept(first, username="first")
    assert _accept(second, username="second").email == "new.person@example.com"


@pytest.mark.parametrize("role", [Role.BRAND_MANAGER, Role.ADMINISTRATOR, Role.SALES_REP, Role.MARKETING_ANALYST])
def test_an_invitation_can_only_grant_a_partner_role(manager, partner_organisation, role):
    with pytest.raises(InvitationError, match="partner users or partner managers only"):
        invitation_create(organisation=partner_organisation, email="x@example.com", role=role, invited_by=manager)

    assert not Invitation.objects.exists()


def test_a_partner_user_cannot_invite(partner_user, partner_organisation):
    with pytest.raises(InvitationError, match="Only a partner manager"):
        invitation_create(
            organisation=partner_organisation,
            email="x@example.com",
            role=InvitationRole.PARTNER_USER,
            invited_by=partner_user,
        )

    assert not Invitation.objects.exists()


def test_a_manager_cannot_invite_into_another_organisation(manager):
    other = OrganisationFactory(name="Elsewhere Ltd")

    with pytest.raises(InvitationError, match="your own organisation"):
        invitation_create(
            organisation=other, email="x@example.com", role=InvitationRole.PARTNER_USER, invited_by=manager
        )

    assert not Invitation.objects.exists()


def test_a_manager_of_a_closed_organisation_cannot_invite(manager, partner_organisation):
    partner_organisation.is_active = False
    partner_organisation.save()

    with pytest.raises(InvitationError):
        invitation_create(
            organisation=partner_organisation,
            email="x@example.com",
            role=InvitationRole.PARTNER_USER,
            invited_by=manager,
        )

    assert not Invitation.objects.exists()


@pytest.mark.parametrize("who", ["partner_user", "brand_manager", "other_partner"])
def test_an_address_that_already_has_an_account_is_invited_like_any_other(manager, partner_organisation, request, who):
    existing = (
        partner_member(OrganisationFactory(name="Elsewhere Ltd"), username="elsewhere")
        if who == "other_partner"
        else request.getfixturevalue(who)
    )

    invitation = invitation_create(
        organisation=partner_organisation,
        email=existing.email.upper(),
        role=InvitationRole.PARTNER_USER,
        invited_by=manager,
    )

    assert Invitation.objects.open().get() == invitation
    assert invitation.email == existing.email.lower()


@pytest.mark.parametrize("who", ["partner_user", "brand_manager", "other_partner"])
def test_an_existing_account_is_told_by_email_to_ask_an_administrator_and_gets_no_link(invite, request, who):
    existing = (
        partner_member(OrganisationFactory(name="Elsewhere Ltd"), username="elsewhere")
        if who == "other_partner"
        else request.getfixturevalue(who)
    )

    token = invite(email=existing.email)

    assert token is None
    [message] = mail.outbox
    assert message.to == [existing.email]
    assert "already have a Lastmile account" in message.body
    assert "ask an administrator" in message.body
    assert "/invitations/" not in message.body


def test_the_link_is_made_by_the_mail_task_so_the_task_queue_never_holds_it(
    manager, partner_organisation, django_capture_on_commit_callbacks
):
    enqueued = []

    def remember(sender, task_result, **kwargs):
        enqueued.append(task_result)

    task_enqueued.connect(remember)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            invitation = invitation_create(
                organisation=partner_organisation,
                email="new.person@example.com",
                role=InvitationRole.PARTNER_USER,
                invited_by=manager,
            )
    finally:
        task_enqueued.disconnect(remember)

    token = LINK.search(mail.outbox[-1].body).group(2)
    [result] = enqueued
    assert result.args == [invitation.pk] or result.kwargs == {"invitation_id": invitation.pk}
    assert token not in repr(result.args) + repr(result.kwargs)
    assert Invitation.objects.get().token_hash == hashlib.sha256(token.encode()).hexdigest()


def test_an_invitation_withdrawn_before_the_mail_task_runs_sends_nothing(manager, partner_organisation):
    invitation = invitation_create(
        organisation=partner_organisation,
        email="new.person@example.com",
        role=InvitationRole.PARTNER_USER,
        invited_by=manager,
    )
    invitation_revoke(manager=manager, invitation=invitation)

    invitation_email_send(invitation_id=invitation.pk)

    assert mail.outbox == []


def test_a_password_refused_by_the_validators_creates_no_account(invite):
    token = invite()

    with pytest.raises(InvitationError, match="too common"):
        _accept(token, password="password")

    assert not User.objects.filter(username="newperson").exists()
    assert Invitation.objects.get().accepted_at is None


def test_a_taken_username_is_refused_and_the_link_still_works(invite):
    UserFactory(username="newperson")
    token = invite()

    with pytest.raises(InvitationError, match="username is taken"):
        _accept(token, username="NewPerson")

    assert _accept(token, username="someone-else").email == "new.person@example.com"


def test_a_manager_cannot_revoke_another_organisations_invitation(invite, roles):
    invite()
    outsider = partner_member(OrganisationFactory(name="Elsewhere Ltd"), username="outsider")
    outsider.groups.add(roles[Role.PARTNER_MANAGER])

    with pytest.raises(TeamError):
        invitation_revoke(manager=outsider, invitation=Invitation.objects.get())

    assert Invitation.objects.get().revoked_at is None


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite's shared in-memory test database has no row locks"
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_simultaneous_acceptances_create_exactly_one_account(invite):
    token = invite()
    barrier, outcomes = threading.Barrier(2), []

    def accept(username):
        try:
            barrier.wait()
            _accept(token, username=username)
            outcomes.append("accepted")
        except InvitationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(name,)) for name in ("racer1", "racer2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["accepted", "refused"]
    assert User.objects.filter(email="new.person@example.com").count() == 1


def test_a_manager_deactivates_a_member_of_their_organisation(manager, partner_user):
    member_deactivate(manager=manager, member=partner_user)

    partner_user.refresh_from_db()
    assert not partner_user.is_active


def test_deactivating_a_member_withdraws_the_invitations_they_sent(invite, manager, partner_organisation, roles):
    invite()
    boss = partner_member(partner_organisation, username="boss")
    boss.groups.add(roles[Role.PARTNER_MANAGER])
    before = timezone.now()

    member_deactivate(manager=boss, member=manager)

    assert before <= Invitation.objects.get().revoked_at <= timezone.now()


def test_a_manager_reactivates_a_deactivated_member(manager, partner_user):
    member_deactivate(manager=manager, member=partner_user)

    member_reactivate(manager=manager, member=partner_user)

    partner_user.refresh_from_db()
    assert partner_user.is_active


def test_a_manager_cannot_deactivate_themselves(manager):
    with pytest.raises(TeamError, match="cannot deactivate yourself"):
        member_deactivate(manager=manager, member=manager)

    manager.refresh_from_db()
    assert manager.is_active


def test_a_manager_cannot_deactivate_a_member_of_another_organisation(manager):
    stranger = partner_member(OrganisationFactory(name="Elsewhere Ltd"), username="stranger")

    with pytest.raises(TeamError, match="your own organisation"):
        member_deactivate(manager=manager, member=stranger)

    stranger.refresh_from_db()
    assert stranger.is_active


def test_a_partner_user_cannot_deactivate_a_colleague(partner_user, partner_organisation):
    colleague = partner_member(partner_organisation, username="colleague")

    with pytest.raises(TeamError):
        member_deactivate(manager=partner_user, member=colleague)

    colleague.refresh_from_db()
    assert colleague.is_active


def test_an_uploaded_logo_is_stored_unapproved(manager, partner_organisation):
    image = organisation_logo_upload(manager=manager, file=SimpleUploadedFile("logo.png", png_bytes(), "image/png"))

    partner_organisation.refresh_from_db()
    assert partner_organisation.logo == image
    assert partner_organisation.is_logo_approved is False


def test_documents_show_the_organisation_name_until_the_logo_is_approved(manager, partner_user, partner_organisation):
    organisation_logo_upload(manager=manager, file=SimpleUploadedFile("logo.png", png_bytes(), "image/png"))
    partner_user.refresh_from_db()

    value = resolve_token("organisation.logo", TokenContext(user=partner_user))

    assert value == NameInsteadOfLogo("Brightpath Partners")


def test_a_new_logo_withdraws_the_approval_of_the_previous_one(manager, partner_user, partner_organisation):
    organisation_logo_upload(manager=manager, file=SimpleUploadedFile("old.png", png_bytes(), "image/png"))
    partner_organisation.refresh_from_db()
    partner_organisation.is_logo_approved = True
    partner_organisation.save()

    organisation_logo_upload(manager=manager, file=SimpleUploadedFile("new.png", png_bytes(), "image/png"))

    partner_user.refresh_from_db()
    assert resolve_token("organisation.logo", TokenContext(user=partner_user)) == NameInsteadOfLogo(
        "Brightpath Partners"
    )


def test_a_logo_that_is_not_an_image_is_refused_and_nothing_is_stored(manager, partner_organisation):
    eps = SimpleUploadedFile("logo.png", b"%!PS-Adobe-3.0 EPSF-3.0\n", "image/png")

    with pytest.raises(TeamError, match="not a PNG, JPEG, WebP or GIF image"):
        organisation_logo_upload(manager=manager, file=eps)

    partner_organisation.refresh_from_db()
    assert partner_organisation.logo is None
    assert not get_image_model().objects.exists()


def test_a_partner_user_cannot_upload_the_organisation_logo(partner_user, partner_organisation):
    with pytest.raises(TeamError):
        organisation_logo_upload(manager=partner_user, file=SimpleUploadedFile("logo.png", png_bytes(), "image/png"))

    partner_organisation.refresh_from_db()
    assert partner_organisation.logo is None
