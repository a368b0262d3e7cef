"""Sharing templates with named partner organisations: a django-guardian grant to the
organisation's members group (role-wide rules stay in groups; see accounts/roles.py)."""

from django.db import transaction

from guardian.shortcuts import assign_perm, remove_perm

from accounts.services import organisation_ensure_group

USE_TEMPLATE = "templates_lib.use_collateraltemplate"


@transaction.atomic
def template_share(*, template, organisation) -> None:
    assign_perm(USE_TEMPLATE, organisation_ensure_group(organisation=organisation), template)


@transaction.atomic
def template_unshare(*, template, organisation) -> None:
    if organisation.members_group_id:
        remove_perm(USE_TEMPLATE, organisation.members_group, template)
