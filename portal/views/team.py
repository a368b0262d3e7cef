"""The team page for partner managers (members, invitations, the organisation's logo), and the
page where an invited person creates their account.

Everything on the team page is scoped to the manager's own organisation; anyone else gets a 404.
The forms live here for now because portal/forms.py is being changed by other work.
"""

from dataclasses import dataclass
from datetime import datetime

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import UserCreationForm
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST

from accounts.models import Invitation, InvitationRole, Organisation
from accounts.roles import Role
from accounts.services import (
    InvitationError,
    TeamError,
    invitation_accept,
    invitation_create,
    invitation_get,
    invitation_revoke,
    is_partner_manager,
    member_deactivate,
    member_reactivate,
    organisation_logo_upload,
)

ROLE_HELP = {
    InvitationRole.PARTNER_USER: "Personalises and downloads collateral.",
    InvitationRole.PARTNER_MANAGER: "Also manages this team and the organisation's logo.",
}


class InvitationForm(forms.Form):
    email = forms.EmailField(max_length=254)
    role = forms.ChoiceField(choices=InvitationRole.choices, initial=InvitationRole.PARTNER_USER)


class LogoForm(forms.Form):
    # The image checks (format, size, pixels) happen in brand.services.user_image_upload.
    logo = forms.FileField()


class SignUpForm(UserCreationForm):
    """Username, names and a password checked by Django's validators. There is deliberately no
    email, role or organisation field: those come from the invitation."""

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "first_name", "last_name")
        help_texts = {"username": "What you will sign in with: letters, digits and @ . + - _ only."}

    def __init__(self, *args, invitation: Invitation, **kwargs):
        super().__init__(*args, **kwargs)
        # Lets the similarity validator compare the password with the invited address too.
        self.instance.email = invitation.email
        self.fields["first_name"].required = True
        self.fields["last_name"].required = True


@dataclass(frozen=True)
class MemberRow:
    public_id: str
    name: str
    username: str
    email: str
    role_label: str
    is_active: bool
    is_you: bool

    @property
    def status_label(self) -> str:
        return "Active" if self.is_active else "Deactivated"


@dataclass(frozen=True)
class InvitationRow:
    public_id: str
    email: str
    role_label: str
    invited_by: str
    expires_at: datetime
    is_expired: bool

    @property
    def status_label(self) -> str:
        return "Expired" if self.is_expired else "Waiting for sign-up"


@dataclass(frozen=True)
class LogoState:
    image: object
    is_approved: bool

    @property
    def label(self) -> str:
        if self.image is None:
            return "No logo yet"
        return "Approved" if self.is_approved else "Awaiting approval"

    @property
    def explanation(self) -> str:
        if self.image is None:
            return "Documents show your organisation's name where the logo goes."
        if self.is_approved:
            return "Documents show this logo."
        return "The brand team reviews new logos. Until they approve it, documents show your organisation's name."


def _managed_organisation(user) -> Organisation:
    """The signed-in partner manager's organisation; 404 for everyone else, so the team pages
    don't even admit they exist."""
    if not is_partner_manager(user):
        raise Http404
    return user.organisation


def _member_rows(organisation: Organisation, manager) -> list[MemberRow]:
    members = organisation.members.all()
    manager_ids = set(members.filter(groups__name=Role.PARTNER_MANAGER.label).values_list("pk", flat=True))
    return [
        MemberRow(
            public_id=str(member.public_id),
            name=member.get_full_name() or member.username,
            username=member.username,
            email=member.email,
            role_label=InvitationRole.PARTNER_MANAGER.label
            if member.pk in manager_ids
            else InvitationRole.PARTNER_USER.label,
            is_active=member.is_active,
            is_you=member.pk == manager.pk,
        )
        for member in members
    ]


def _invitation_rows(organisation: Organisation) -> list[InvitationRow]:
    now = timezone.now()
    return [
        InvitationRow(
            public_id=str(invitation.public_id),
            email=invitation.email,
            role_label=invitation.get_role_display(),
            invited_by=str(invitation.invited_by) if invitation.invited_by else "",
            expires_at=invitation.expires_at,
            is_expired=invitation.expires_at <= now,
        )
        for invitation in Invitation.objects.for_organisation(organisation).open().select_related("invited_by")
    ]


def _team_page(request, organisation, *, invite_form=None, logo_form=None):
    return render(
        request,
        "portal/pages/team.html",
        {
            "organisation": organisation,
            "members": _member_rows(organisation, request.user),
            "invitations": _invitation_rows(organisation),
            "logo": LogoState(image=organisation.logo, is_approved=organisation.is_logo_approved),
            "invite_form": invite_form or InvitationForm(),
            "logo_form": logo_form or LogoForm(),
            "role_choices": [(role.value, role.label, ROLE_HELP[role]) for role in InvitationRole],
            "invitation_days": settings.LASTMILE_INVITATION_DAYS,
            "nav": "team",
        },
    )


@login_required
@require_GET
def team_detail(request):
    return _team_page(request, _managed_organisation(request.user))


@login_required
@require_POST
def team_invite(request):
    organisation = _managed_organisation(request.user)
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            invitation = invitation_create(
                organisation=organisation,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                invited_by=request.user,
            )
        except InvitationError as exc:
            form.add_error("email" if exc.code == "input" else None, str(exc))
        else:
            messages.success(request, f"Invitation sent to {invitation.email}.")
            return redirect("portal:team")
    return _team_page(request, organisation, invite_form=form)


@login_required
@require_POST
def team_invitation_revoke(request, public_id):
    organisation = _managed_organisation(request.user)
    invitation = get_object_or_404(Invitation.objects.for_organisation(organisation).open(), public_id=public_id)
    try:
        invitation_revoke(manager=request.user, invitation=invitation)
        messages.success(request, f"Withdrew the invitation to {invitation.email}.")
    except TeamError as exc:
        messages.error(request, str(exc))
    return redirect("portal:team")


def _member_status_change(request, public_id, *, deactivate: bool):
    organisation = _managed_organisation(request.user)
    member = get_object_or_404(get_user_model().objects.filter(organisation=organisation), public_id=public_id)
    if request.method == "POST":
        try:
            if deactivate:
                member_deactivate(manager=request.user, member=member)
                messages.success(request, f"{member} can no longer sign in.")
            else:
                member_reactivate(manager=request.user, member=member)
                messages.success(request, f"{member} can sign in again.")
        except TeamError as exc:
            messages.error(request, str(exc))
        return redirect("portal:team")
    return render(
        request,
        "portal/pages/team_member_confirm.html",
        {"member": member, "is_deactivation": deactivate, "nav": "team"},
    )


@login_required
def team_member_deactivate(request, public_id):
    return _member_status_change(request, public_id, deactivate=True)


@login_required
def team_member_reactivate(request, public_id):
    return _member_status_change(request, public_id, deactivate=False)


@login_required
@require_POST
def team_logo_upload(request):
    organisation = _managed_organisation(request.user)
    form = LogoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            organisation_logo_upload(manager=request.user, file=form.cleaned_data["logo"])
        except TeamError as exc:
            form.add_error("logo", str(exc))
        else:
            messages.success(request, "Logo uploaded. Documents show it once the brand team approves it.")
            return redirect("portal:team")
    return _team_page(request, organisation, logo_form=form)


@never_cache
@sensitive_post_parameters("password1", "password2")
def invitation_signup(request, token):
    """Anyone holding the link may create the invited account; email, organisation and role come
    only from the stored invitation. Someone already signed in is asked to sign out first (both
    to see the form and to post it), rather than being switched to the new account."""
    try:
        invitation = invitation_get(token=token)
    except InvitationError as exc:
        return _invitation_refused(request, exc)
    if request.user.is_authenticated:
        # Never switch accounts silently: say who is signed in, and offer to sign out and come back.
        return render(
            request,
            "portal/pages/invitation_signed_in.html",
            {"invitation": invitation, "organisation_name": invitation.organisation.name},
        )
    form = SignUpForm(request.POST or None, invitation=invitation)
    if request.method == "POST" and form.is_valid():
        try:
            user = invitation_accept(
                token=token,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password1"],
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
            )
        except InvitationError as exc:
            if exc.code != "input":
                return _invitation_refused(request, exc)
            form.add_error(None, str(exc))
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Welcome to {invitation.organisation.name}'s collateral library.")
            return redirect("portal:library")
    return render(
        request,
        "portal/pages/invitation_accept.html",
        {"form": form, "invitation": invitation, "organisation_name": invitation.organisation.name},
    )


def _invitation_refused(request, exc: InvitationError):
    return render(
        request,
        "portal/pages/invitation_accept.html",
        {"error": str(exc)},
        status=404 if exc.code == "invalid" else 410,
    )
