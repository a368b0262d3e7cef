"""Writes for organisations and their members."""

import secrets
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from brand.models import BrandImage, UploadReview
from brand.services import user_image_upload

from . import tasks
from .audit import audit, audit_invitation
from .mail import token_hash
from .models import Invitation, InvitationRole, Organisation, User
from .roles import Role, is_partner_manager


@transaction.atomic
def organisation_ensure_group(*, organisation: Organisation) -> Group:
    """The Django group of an organisation's members, created on first use; per-object grants
    (shared templates) are given to it."""
    if organisation.members_group_id is None:
        organisation.members_group = Group.objects.create(name=f"Organisation {organisation.public_id}")
        organisation.save(update_fields=["members_group"])
    return organisation.members_group


@transaction.atomic
def organisation_member_add(*, organisation: Organisation, user: User) -> None:
    """Make `user` a member of `organisation` (and only of it)."""
    if user.organisation_id and user.organisation_id != organisation.pk:
        previous = Organisation.objects.get(pk=user.organisation_id)
        if previous.members_group_id:
            user.groups.remove(previous.members_group)
    user.organisation = organisation
    user.save(update_fields=["organisation"])
    user.groups.add(organisation_ensure_group(organisation=organisation))


# --- Password reset -----------------------------------------------------------------------------


def password_reset_request(*, email: str) -> None:
    """Queue the password-reset email for `email` once the transaction commits. Nothing is looked
    up here: the task worker finds the account, if there is one, so the requester's answer and
    its timing are the same for every address. Rate limits are the caller's (the portal's)."""
    transaction.on_commit(lambda: tasks.send_password_reset_email.enqueue(email))


# --- Team management: invitations, deactivation, the organisation's logo ----------------------

# token_urlsafe(32) gives 43 characters; anything much longer is not one of ours.
_MAX_TOKEN_LENGTH = 128


class TeamError(Exception):
    """A partner manager's team action was refused; the message is fit to show them."""


class InvitationError(TeamError):
    """An invitation could not be created or accepted. `code` says why: invalid, expired, revoked,
    used, closed, taken (an account exists by the time it is accepted), forbidden or input."""

    def __init__(self, message: str, *, code: str = "invalid") -> None:
        super().__init__(message)
        self.code = code


@transaction.atomic
def organisation_member_remove(*, user: User, organisation_id: int | None) -> None:
    """Take `user` out of an organisation's members group (their organisation field is already cleared)."""
    if organisation_id is None:
        return
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is not None and organisation.members_group_id:
        user.groups.remove(organisation.members_group)


@transaction.atomic
def organisation_members_set(*, organisation: Organisation, members: Iterable[User], by: User | None = None) -> None:
    """Make exactly `members` the active members of `organisation`. Anyone removed is deactivated
    as well (and audited, with `by` as who did it): with no organisation a partner user would
    otherwise count as internal staff."""
    wanted = {member.pk for member in members}
    for member in members:
        if member.organisation_id != organisation.pk:
            organisation_member_add(organisation=organisation, user=member)
    for former in organisation.members.filter(is_active=True).exclude(pk__in=wanted):
        former.is_active = False
        former.save(update_fields=["is_active"])
        audit(
            former,
            "lastmile.member.deactivated",
            user=by,
            organisation=str(organisation.public_id),
            username=former.username,
            reason="removed from the organisation in Wagtail admin",
        )


def _manager_check(*, manager: User, organisation: Organisation | None = None) -> Organisation:
    """The organisation `manager` manages; TeamError unless they are an active partner manager
    of it (and of `organisation`, when given)."""
    if not is_partner_manager(manager):
        raise TeamError("Only a partner manager of an active organisation can manage its team.")
    if organisation is not None and organisation.pk != manager.organisation_id:
        raise TeamError("You can only manage the team of your own organisation.")
    return manager.organisation


def _normalise_email(email: str) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise InvitationError("Enter a valid email address.", code="input") from exc
    return email


@transaction.atomic
def invitation_create(*, organisation: Organisation, email: str, role: str, invited_by: User) -> Invitation:
    """Invite `email` to join `organisation` as a partner user or partner manager, replacing any
    open invitation to the same address in that organisation, and queue the email once the
    transaction commits. Raises InvitationError (nothing written) when `invited_by` is not an
    active partner manager of `organisation`, or the role is anything else.

    The answer is the same for every address: whether it already belongs to an account (in any
    organisation, or on the staff) is not even looked up here, so the manager's response and its
    timing give nothing away. The mail task finds out, and tells the address's owner instead
    (`invitation_email_send`); accepting refuses an address that has an account by then."""
    try:
        _manager_check(manager=invited_by, organisation=organisation)
    except TeamError as exc:
        raise InvitationError(str(exc), code="forbidden") from exc
    if role not in InvitationRole.values:
        raise InvitationError("You can invite people as partner users or partner managers only.", code="input")
    email = _normalise_email(email)

    now = timezone.now()
    for replaced in Invitation.objects.open().select_for_update().filter(organisation=organisation, email=email):
        replaced.revoked_at = now
        replaced.save(update_fields=["revoked_at"])
        audit_invitation(replaced, "lastmile.invitation.revoked", user=invited_by, reason="replaced")
    invitation = Invitation.objects.create(
        organisation=organisation,
        email=email,
        role=role,
        invited_by=invited_by,
        # A placeholder no one ever sees: the link is made, and its hash stored, by the mail task.
        token_hash=token_hash(secrets.token_urlsafe(32)),
        expires_at=now + timedelta(days=settings.LASTMILE_INVITATION_DAYS),
    )
    audit_invitation(invitation, "lastmile.invitation.created", user=invited_by)
    invitation_id = invitation.pk
    transaction.on_commit(lambda: tasks.send_invitation_email.enqueue(invitation_id))
    return invitation


def _invitation_usable(invitation: Invitation | None) -> Invitation:
    """`invitation` if its link may still be used; InvitationError with a readable reason if not."""
    if invitation is None:
        raise InvitationError(
            "This invitation link is not valid. Check that you copied the whole link from the email, "
            "or ask your manager to invite you again.",
            code="invalid",
        )
    if invitation.accepted_at is not None:
        raise InvitationError(
            "This invitation has already been used. Sign in with the account that was created with it.",
            code="used",
        )
    if invitation.revoked_at is not None:
        raise InvitationError("This invitation was withdrawn. Ask your manager for a new one.", code="revoked")
    if invitation.is_expired:
        raise InvitationError("This invitation has expired. Ask your manager to invite you again.", code="expired")
    inviter = invitation.invited_by
    if (
        not invitation.organisation.is_active
        or inviter is None
        or inviter.organisation_id != invitation.organisation_id
        or not is_partner_manager(inviter)
    ):
        # A deactivated or demoted manager's outstanding invitations die with their rights.
        raise InvitationError(
            "This invitation is no longer valid for this organisation. Ask your manager for a new one.",
            code="closed",
        )
    return invitation


def _invitation_for_token(token: str, *, for_update: bool = False) -> Invitation | None:
    if not token or len(token) > _MAX_TOKEN_LENGTH:
        return None
    invitations = Invitation.objects.select_related("organisation", "invited_by__organisation")
    if for_update:
        invitations = invitations.select_for_update(of=("self",))
    return invitations.filter(token_hash=token_hash(token)).first()


def invitation_get(*, token: str) -> Invitation:
    """The invitation behind a link, if it can still be accepted; InvitationError otherwise."""
    return _invitation_usable(_invitation_for_token(token))


@transaction.atomic
def invitation_accept(*, token: str, username: str, password: str, first_name: str, last_name: str) -> User:
    """Create the invited person's account with the invitation's email, organisation and role,
    and use the invitation up. Single use even under concurrent requests (the invitation row is
    locked). Raises InvitationError (no account created) when the link is unknown, expired,
    revoked, used, or its organisation closed, or when the username or password is refused."""
    invitation = _invitation_usable(_invitation_for_token(token, for_update=True))
    User = get_user_model()
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise InvitationError("An account with this email address already exists. Sign in instead.", code="taken")
    username = (username or "").strip()
    if not username:
        raise InvitationError("Choose a username.", code="input")
    if User.objects.filter(username__iexact=username).exists():
        raise InvitationError("That username is taken. Choose another one.", code="input")
    user = User(
        username=username,
        email=invitation.email,
        first_name=(first_name or "").strip(),
        last_name=(last_name or "").strip(),
    )
    try:
        user.full_clean(exclude=["password"])
        validate_password(password, user)
    except ValidationError as exc:
        raise InvitationError(" ".join(exc.messages), code="input") from exc
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:
        raise InvitationError("That username or email address is already in use.", code="input") from exc

    role_group, _ = Group.objects.get_or_create(name=Role(invitation.role).label)
    user.groups.add(role_group)
    organisation_member_add(organisation=invitation.organisation, user=user)
    invitation.accepted_at = timezone.now()
    invitation.accepted_user = user
    invitation.save(update_fields=["accepted_at", "accepted_user"])
    audit_invitation(invitation, "lastmile.invitation.accepted", user=user, account=str(user.public_id))
    return user


@transaction.atomic
def invitation_revoke(*, manager: User, invitation: Invitation) -> None:
    """Withdraw an open invitation of the manager's own organisation; its link stops working.
    Revoking twice is harmless. Raises TeamError for another organisation's invitation and
    InvitationError for one already accepted."""
    _manager_check(manager=manager, organisation=invitation.organisation)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise InvitationError("This invitation has already been accepted.", code="used")
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        audit_invitation(invitation, "lastmile.invitation.revoked", user=manager, reason="withdrawn")


def _member_check(*, manager: User, member: User) -> None:
    _manager_check(manager=manager)
    if member.organisation_id != manager.organisation_id:
        raise TeamError("You can only manage members of your own organisation.")


@transaction.atomic
def member_deactivate(*, manager: User, member: User) -> None:
    """Switch off a member of the manager's own organisation: they can no longer sign in, and
    sessions they already have are refused on their next request (Django's auth backend refuses
    inactive users). Their open invitations are withdrawn. Raises TeamError for a member of
    another organisation, or for the manager themselves."""
    _member_check(manager=manager, member=member)
    if member.pk == manager.pk:
        raise TeamError("You cannot deactivate yourself.")
    if member.is_active:
        member.is_active = False
        member.save(update_fields=["is_active"])
        audit(
            member,
            "lastmile.member.deactivated",
            user=manager,
            organisation=str(manager.organisation.public_id),
            username=member.username,
        )
    now = timezone.now()
    for invitation in Invitation.objects.open().select_for_update().filter(invited_by=member):
        invitation.revoked_at = now
        invitation.save(update_fields=["revoked_at"])
        audit_invitation(invitation, "lastmile.invitation.revoked", user=manager, reason="inviter deactivated")


@transaction.atomic
def member_reactivate(*, manager: User, member: User) -> None:
    """Let a deactivated member of the manager's own organisation sign in again.
    Raises TeamError for a member of another organisation."""
    _member_check(manager=manager, member=member)
    if not member.is_active:
        member.is_active = True
        member.save(update_fields=["is_active"])
        audit(
            member,
            "lastmile.member.reactivated",
            user=manager,
            organisation=str(manager.organisation.public_id),
            username=member.username,
        )


@transaction.atomic
def _withdraw_pending_logo(image: BrandImage) -> None:
    """A logo replaced before the brand team looked at it leaves the review queue."""

    if image is not None and image.review_state == UploadReview.PENDING:
        image.review_state = UploadReview.REJECTED
        image.review_note = "Replaced by a newer logo before review."
        image.save(update_fields=["review_state", "review_note"])


def organisation_logo_upload(*, manager: User, file: File) -> BrandImage:
    """Store `file` as the manager's organisation logo, awaiting a brand manager's approval:
    until then documents show the organisation's name in its place. The image is checked and
    stripped of metadata by brand.services.user_image_upload. Raises TeamError with a readable
    message (nothing stored) when the manager may not, or the file is not an acceptable image."""
    organisation = _manager_check(manager=manager)
    try:
        image = user_image_upload(user=manager, file=file, title=f"{organisation.name} logo")
    except ValidationError as exc:
        raise TeamError(" ".join(exc.messages)) from exc
    _withdraw_pending_logo(organisation.logo)
    organisation.logo = image
    organisation.is_logo_approved = False
    organisation.logo_submitted_at = timezone.now()
    organisation.logo_review_note = ""
    organisation.save(update_fields=["logo", "is_logo_approved", "logo_submitted_at", "logo_review_note"])
    return image
