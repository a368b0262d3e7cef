"""Wagtail's user forms with Lastmile's profile and membership fields."""

from wagtail.users.forms import UserCreationForm, UserEditForm

from .services import organisation_member_add, organisation_member_remove

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


class LastmileUserCreationForm(_MembershipMixin, UserCreationForm):
    class Meta(UserCreationForm.Meta):
        fields = UserCreationForm.Meta.fields | PROFILE_FIELDS


class LastmileUserEditForm(_MembershipMixin, UserEditForm):
    class Meta(UserEditForm.Meta):
        fields = UserEditForm.Meta.fields | PROFILE_FIELDS
