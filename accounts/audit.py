"""Audit entries for accounts: invitations and member (de)activation, in Wagtail's log.

Like the approval loop's actions (approvals/audit.py, which sits above this app and keeps every
`lastmile.*` entry append-only), these actions are registered with Wagtail through the
`register_log_actions` hook (wagtail_hooks.py), and `audit` refuses any action not listed here.
No entry ever holds an invitation's token."""

from wagtail.log_actions import log
from wagtail.models import ModelLogEntry

INVITATION_ACTIONS = {
    "lastmile.invitation.created": ("Invite", "Invitation created"),
    "lastmile.invitation.revoked": ("Withdraw invitation", "Invitation withdrawn"),
    "lastmile.invitation.accepted": ("Accept invitation", "Invitation accepted: account created"),
}
MEMBER_ACTIONS = {
    "lastmile.member.deactivated": ("Deactivate member", "Member deactivated"),
    "lastmile.member.reactivated": ("Reactivate member", "Member reactivated"),
}
ACTIONS = {**INVITATION_ACTIONS, **MEMBER_ACTIONS}


def register_actions(actions) -> None:
    for action, (label, message) in ACTIONS.items():
        actions.register_action(action, label, message)


def audit(instance, action: str, *, user=None, **data) -> ModelLogEntry:
    if action not in ACTIONS:
        raise ValueError(f"Unknown audit action {action!r}")
    return log(instance=instance, action=action, user=user, data=data)


def audit_invitation(invitation, action: str, *, user=None, **extra) -> ModelLogEntry:
    """An entry about `invitation`, with whom it invites, into which organisation and as what."""
    return audit(
        invitation,
        action,
        user=user,
        email=invitation.email,
        role=invitation.role,
        organisation=str(invitation.organisation.public_id),
        organisation_name=invitation.organisation.name,
        **extra,
    )
