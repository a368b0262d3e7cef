"""Sharing templates with named partner organisations: a django-guardian grant to the
organisation's members group (role-wide rules stay in groups; see accounts/roles.py)."""

from collections.abc import Iterable

from django.db import transaction

from guardian.shortcuts import assign_perm, remove_perm

from accounts.models import Organisation
from accounts.services import organisation_ensure_group

from ..models import CollateralTemplate, TemplateGroupGrant

USE_TEMPLATE = "templates_lib.use_collateraltemplate"


@transaction.atomic
def template_share(*, template: CollateralTemplate, organisation: Organisation) -> None:
    assign_perm(USE_TEMPLATE, organisation_ensure_group(organisation=organisation), template)


@transaction.atomic
def template_unshare(*, template: CollateralTemplate, organisation: Organisation) -> None:
    if organisation.members_group_id:
        remove_perm(USE_TEMPLATE, organisation.members_group, template)


@transaction.atomic
def template_sharing_set(*, template: CollateralTemplate, organisations: Iterable[Organisation]) -> None:
    """Share the template with exactly these organisations (grants are added and removed)."""
    wanted = {organisation.pk for organisation in organisations}
    current = template_shared_organisation_ids(template=template)
    for organisation in Organisation.objects.filter(pk__in=wanted - current):
        template_share(template=template, organisation=organisation)
    for organisation in Organisation.objects.filter(pk__in=current - wanted):
        template_unshare(template=template, organisation=organisation)


def template_shared_organisation_ids(*, template: CollateralTemplate) -> set[int]:
    groups = TemplateGroupGrant.objects.filter(
        content_object=template, permission__codename="use_collateraltemplate"
    ).values("group_id")
    return set(Organisation.objects.filter(members_group_id__in=groups).values_list("pk", flat=True))
