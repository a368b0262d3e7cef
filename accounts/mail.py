"""Mail of accounts, sent by the task worker (`accounts.tasks`), never inside a request: what is
sent, and how long it takes, says nothing to whoever asked."""

import hashlib
import secrets
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string

from .links import absolute_url, invitation_page
from .models import Invitation


def token_hash(token: str) -> str:
    """How an invitation token is stored: only its SHA-256."""
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_url(token: str) -> str:
    """The link in the invitation email, on the configured site, never the request's Host."""
    return absolute_url(invitation_page(token))


def password_reset_email_send(*, email: str) -> int:
    """Mail a link to choose a new password to each account Django's password reset would serve
    for `email` (active, with a usable password, the address matching case-insensitively), built
    on the configured base URL, never a request's Host. Runs in the task worker; returns how
    many were sent."""
    form = PasswordResetForm({"email": email})
    if not form.is_valid():
        return 0
    users = list(form.get_users(form.cleaned_data["email"]))
    if users:
        base = urlsplit(settings.WAGTAILADMIN_BASE_URL)
        form.save(
            domain_override=base.netloc,
            use_https=base.scheme == "https",
            email_template_name="accounts/email/password_reset.txt",
            subject_template_name="accounts/email/password_reset_subject.txt",
            extra_email_context={"site_name": "Lastmile"},
        )
    return len(users)


def invitation_email_send(*, invitation_id: int) -> None:
    """Mail an invitation; runs in the task worker (`tasks.send_invitation_email`), after the
    manager's request has answered, so what is sent says nothing to the manager.

    To an address with no account: a new single-use link, made here so that the raw token exists
    only in the email, never in the task queue's table (an earlier link of the same invitation
    stops working). To an address that already has an account, in any organisation or on the
    staff: no link, only a note that an account cannot be moved by invitation, and whom to ask.
    Nothing is sent for an invitation that is no longer open."""
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("organisation", "invited_by")
            .filter(pk=invitation_id)
            .first()
        )
        if invitation is None or invitation.accepted_at or invitation.revoked_at or invitation.is_expired:
            return
        has_account = get_user_model().objects.filter(email__iexact=invitation.email).exists()
        url = ""
        if not has_account:
            token = secrets.token_urlsafe(32)
            invitation.token_hash = token_hash(token)
            invitation.save(update_fields=["token_hash"])
            url = invitation_url(token)
    context = {
        "invitation": invitation,
        "organisation_name": invitation.organisation.name,
        "inviter_name": str(invitation.invited_by) if invitation.invited_by else "",
        "role_label": invitation.get_role_display().lower(),
        "url": url,
        "expires_at": invitation.expires_at,
    }
    name = "invitation_existing_account" if has_account else "invitation"
    subject = render_to_string(f"accounts/email/{name}_subject.txt", context).strip()
    body = render_to_string(f"accounts/email/{name}.txt", context)
    send_mail(subject, body, None, [invitation.email])
