"""Writes for organisations and their members."""

from django.contrib.auth.models import Group
from django.db import transaction

from .models import Organisation


@transaction.atomic
def organisation_ensure_group(*, organisation: Organisation) -> Group:
    """The Django group of an organisation's members, created on first use; per-object grants
    (shared templates) are given to it."""
    if organisation.members_group_id is None:
        organisation.members_group = Group.objects.create(name=f"Organisation {organisation.public_id}")
        organisation.save(update_fields=["members_group"])
    return organisation.members_group


@transaction.atomic
def organisation_member_add(*, organisation: Organisation, user) -> None:
    """Make `user` a member of `organisation` (and only of it)."""
    if user.organisation_id and user.organisation_id != organisation.pk:
        previous = Organisation.objects.get(pk=user.organisation_id)
        if previous.members_group_id:
            user.groups.remove(previous.members_group)
    user.organisation = organisation
    user.save(update_fields=["organisation"])
    user.groups.add(organisation_ensure_group(organisation=organisation))
