"""Audit entries for deals' administration in Wagtail's log: API keys made and revoked, CRM
connection credentials and webhook secrets set, rotated or removed. Registered through the
`register_log_actions` hook (wagtail_hooks.py); `audit` refuses any action not listed here.
No entry ever holds a secret, only which key or connection and who acted."""

from wagtail.log_actions import log
from wagtail.models import ModelLogEntry

ACTIONS = {
    "lastmile.api_key.created": ("Create API key", "API key created"),
    "lastmile.api_key.revoked": ("Revoke API key", "API key revoked"),
    "lastmile.connection.credentials_set": ("Set credentials", "Connection credentials set"),
    "lastmile.connection.credentials_removed": ("Remove credentials", "Connection credentials removed"),
    "lastmile.connection.webhook_secret_created": ("Create webhook secret", "Webhook secret created"),
    "lastmile.connection.webhook_secret_revoked": ("Revoke webhook secret", "Webhook secret revoked"),
    "lastmile.connection.tested": ("Test connection", "Connection tested"),
    "lastmile.connection.sync_requested": ("Sync now", "Sync requested"),
}


def register_actions(actions) -> None:
    for action, (label, message) in ACTIONS.items():
        actions.register_action(action, label, message)


def audit(instance, action: str, *, user=None, **data) -> ModelLogEntry:
    if action not in ACTIONS:
        raise ValueError(f"Unknown audit action {action!r}")
    return log(instance=instance, action=action, user=user, data=data)
