"""Wagtail's user forms with Lastmile's profile and membership fields."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.users.forms import UserCreationForm, UserEditForm

from brand.text import SingleLineFormField

from .services import organisation_member_add, organisation_member_remove, organisation_members_set

PROFILE_FIELDS = {"job_title", "phone", "organisation", "region"}


class _MembershipMixin:
    """Keeps the organisation's members group (what shared templates are granted to) in step."""

    def save(self, commit=True):
        previous_organisation_id = self.initial.get("organisation")
        user = super().save(commit=commit)
        if commit and user.organisation_id != previous_organisation_id:
            if user.organisation_id:
                organisation_member_add(organisation=user.organisation, user=user)
            else:
                organisation_member_remove(user=user, organisation_id=previous_organisation_id)
        return user


class _SingleLineNamesMixin(forms.Form):
    """Wagtail declares the name fields itself; these keep them required after line breaks and
    control characters are taken out (brand.text.single_line), as the model stores them."""

    first_name = SingleLineFormField(required=True, max_length=150, label=_("First Name"))
    last_name = SingleLineFormField(required=True, max_length=150, label=_("Last Name"))


class LastmileUserCreationForm(_MembershipMixin, _SingleLineNamesMixin, UserCreationForm):
    class Meta(UserCreationForm.Meta):
        fields = UserCreationForm.Meta.fields | PROFILE_FIELDS


class LastmileUserEditForm(_MembershipMixin, _SingleLineNamesMixin, UserEditForm):
    class Meta(UserEditForm.Meta):
        fields = UserEditForm.Meta.fields | PROFILE_FIELDS


class OrganisationAdminForm(WagtailAdminModelForm):
    """The organisation form in Wagtail admin, with its members as a list of email addresses, so
    brand managers manage memberships without being given user management."""

    member_emails = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        label="Members",
        help_text="One email address per line. Someone you remove is deactivated: a partner user never "
        "becomes an internal user.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            emails = self.instance.members.filter(is_active=True).order_by("email").values_list("email", flat=True)
            self.fields["member_emails"].initial = "\n".join(emails)

    def clean_member_emails(self):
        emails = {line.strip().lower() for line in self.cleaned_data["member_emails"].splitlines() if line.strip()}
        users = list(get_user_model().objects.filter(email__in=emails))
        unknown = sorted(emails - {user.email.lower() for user in users})
        if unknown:
            raise forms.ValidationError(
                "No account has these addresses: " + ", ".join(unknown) + ". Invite them instead."
            )
        problems = [
            f"{user.email} belongs to {user.organisation}"
            for user in users
            if user.organisation_id and user.organisation_id != self.instance.pk
        ]
        problems += [f"{user.email} is internal staff" for user in users if user.is_superuser or user.is_staff]
        if problems:
            raise forms.ValidationError("; ".join(problems) + ".")
        return users

    def save(self, commit=True):
        organisation = super().save(commit=commit)
        if commit:
            organisation_members_set(
                organisation=organisation, members=self.cleaned_data["member_emails"], by=self.for_user
            )
        return organisation
