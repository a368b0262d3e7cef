"""Invitations (created, withdrawn, accepted) and member deactivation and reactivation leave
entries in Wagtail's log, with Lastmile's own registered actions, that cannot be changed."""

from django.core import mail
from django.db import transaction

from wagtail.log_actions import registry
from wagtail.models import ModelLogEntry

import pytest

from accounts.audit import ACTIONS, audit
from accounts.models import Invitation, InvitationRole
from accounts.roles import Role
from accounts.services import (
    invitation_accept,
    invitation_create,
    invitation_revoke,
    member_deactivate,
    member_reactivate,
)
from approvals.audit import AuditEntryImmutable

from ..factories.accounts import partner_member
from ..invitations import LINK, PASSWORD


def _entries(action):
    return list(ModelLogEntry.objects.filter(action=action).order_by("pk"))


def _invite(manager, organisation, email="new.person@example.com"):
    return invitation_create(
        organisation=organisation, email=email, role=InvitationRole.PARTNER_MANAGER, invited_by=manager
    )


def test_creating_an_invitation_is_audited_with_who_invited_whom_into_what(manager, partner_organisation):
    invitation = _invite(manager, partner_organisation)

    [entry] = _entries("lastmile.invitation.created")
    assert entry.user_id == manager.pk
    assert entry.object_id == str(invitation.pk)
    assert entry.data["email"] == "new.person@example.com"
    assert entry.data["role"] == InvitationRole.PARTNER_MANAGER
    assert entry.data["organisation"] == str(partner_organisation.public_id)


def test_inviting_an_address_again_audits_the_earlier_invitation_as_withdrawn(manager, partner_organisation):
    first = _invite(manager, partner_organisation)

    _invite(manager, partner_organisation)

    [entry] = _entries("lastmile.invitation.revoked")
    assert entry.object_id == str(first.pk)
    assert entry.user_id == manager.pk
    assert entry.data["reason"] == "replaced"


def test_withdrawing_an_invitation_is_audited_once(manager, partner_organisation):
    invitation = _invite(manager, partner_organisation)

    invitation_revoke(manager=manager, invitation=invitation)
    invitation_revoke(manager=manager, invitation=invitation)

    [entry] = _entries("lastmile.invitation.revoked")
    assert entry.object_id == str(invitation.pk)
    assert entry.user_id == manager.pk
    assert entry.data["reason"] == "withdrawn"


def test_accepting_an_invitation_is_audited_under_the_new_account(
    manager, partner_organisation, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = _invite(manager, partner_organisation)
    token = LINK.search(mail.outbox[-1].body).group(2)

    user = invitation_accept(token=token, username="noor", password=PASSWORD, first_name="Noor", last_name="Haddad")

    [entry] = _entries("lastmile.invitation.accepted")
    assert entry.object_id == str(invitation.pk)
    assert entry.user_id == user.pk
    assert entry.data["account"] == str(user.public_id)
    assert token not in str(entry.data)


def test_deactivating_a_member_is_audited(manager, partner_user, partner_organisation):
    member_deactivate(manager=manager, member=partner_user)

    [entry] = _entries("lastmile.member.deactivated")
    assert entry.object_id == str(partner_user.pk)
    assert entry.user_id == manager.pk
    assert entry.data["organisation"] == str(partner_organisation.public_id)


def test_deactivating_a_manager_audits_the_invitations_it_withdraws(manager, partner_organisation, roles):
    invitation = _invite(manager, partner_organisation)
    boss = partner_member(partner_organisation, username="boss")
    boss.groups.add(roles[Role.PARTNER_MANAGER])

    member_deactivate(manager=boss, member=manager)

    [entry] = _entries("lastmile.invitation.revoked")
    assert entry.object_id == str(invitation.pk)
    assert entry.user_id == boss.pk
    assert entry.data["reason"] == "inviter deactivated"
    assert Invitation.objects.get().revoked_at is not None


def test_reactivating_a_member_is_audited(manager, partner_user):
    member_deactivate(manager=manager, member=partner_user)

    member_reactivate(manager=manager, member=partner_user)

    [entry] = _entries("lastmile.member.reactivated")
    assert entry.object_id == str(partner_user.pk)
    assert entry.user_id == manager.pk


def test_reactivating_an_active_member_records_nothing(manager, partner_user):
    member_reactivate(manager=manager, member=partner_user)

    assert _entries("lastmile.member.reactivated") == []


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_every_action_is_registered_with_wagtail(action):
    assert registry.action_exists(action)
    assert registry.get_action_label(action) == ACTIONS[action][0]


def test_an_unknown_action_is_refused(manager):
    with pytest.raises(ValueError, match="Unknown"):
        audit(manager, "lastmile.member.promoted", user=manager)

    assert not ModelLogEntry.objects.exists()


def test_an_account_audit_entry_cannot_be_deleted(manager, partner_user):
    member_deactivate(manager=manager, member=partner_user)
    [entry] = _entries("lastmile.member.deactivated")

    with pytest.raises(AuditEntryImmutable), transaction.atomic():
        entry.delete()

    assert _entries("lastmile.member.deactivated") == [entry]


def test_an_account_audit_entry_cannot_be_changed(manager, partner_user):
    member_deactivate(manager=manager, member=partner_user)
    [entry] = _entries("lastmile.member.deactivated")
    entry.data = {"username": "someone-else"}

    with pytest.raises(AuditEntryImmutable), transaction.atomic():
        entry.save()

    entry.refresh_from_db()
    assert entry.data["username"] == partner_user.username
