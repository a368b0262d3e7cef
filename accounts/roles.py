"""Roles are Django groups with exactly the permissions they need.

Organisations, regions and object-level sharing (django-guardian) arrive with the
organisations issue; this module is where role-wide rules live.
"""

from django.contrib.auth.models import Group, Permission
from django.db import models

from wagtail.models import GroupCollectionPermission

from brand.services import root_collection

WAGTAIL_ADMIN_ACCESS = ("wagtailadmin", "access_admin")


class Role(models.TextChoices):
    SALES_REP = "sales_rep", "Sales reps"
    PARTNER_USER = "partner_user", "Partner users"
    PARTNER_MANAGER = "partner_manager", "Partner managers"
    BRAND_MANAGER = "brand_manager", "Brand managers"
    MARKETING_ANALYST = "marketing_analyst", "Marketing analysts"
    ADMINISTRATOR = "administrator", "Administrators"


ROLE_PERMISSIONS: dict[Role, list[tuple[str, str]]] = {
    Role.SALES_REP: [],
    Role.PARTNER_USER: [],
    Role.PARTNER_MANAGER: [],
    Role.BRAND_MANAGER: [
        WAGTAIL_ADMIN_ACCESS,
        *[
            ("templates_lib", f"{action}_collateraltemplate")
            for action in ("add", "change", "delete", "view", "publish", "lock", "unlock")
        ],
        ("brand", "change_brandkit"),
        *[
            ("accounts", f"{action}_{model}")
            for action in ("add", "change", "view")
            for model in ("organisation", "region", "tier")
        ],
        *[("brand", f"{action}_brandfont") for action in ("add", "change", "delete", "view")],
        # Wagtail checks image permissions against wagtailimages.Image, even with a custom image model.
        *[("wagtailimages", f"{action}_image") for action in ("add", "change", "delete", "choose")],
        ("deals", "view_deliveryevent"),
        ("reports", "view_reports"),
        # Template requests (triage in admin) and ratings (read in admin): feedback/admin/.
        ("feedback", "view_templaterequest"),
        ("feedback", "change_templaterequest"),
        ("feedback", "view_rating"),
    ],
    Role.MARKETING_ANALYST: [
        WAGTAIL_ADMIN_ACCESS,
        ("templates_lib", "view_collateraltemplate"),
        ("templates_lib", "view_collateraldocument"),
        # Analysts read deals and events; as marketing operations they keep the stage vocabulary
        # and the connections deals come from.
        ("deals", "view_deal"),
        ("deals", "view_deliveryevent"),
        *[
            ("deals", f"{action}_{model}")
            for action in ("add", "change", "view")
            for model in ("stage", "stagemapping")
        ],
        ("deals", "view_connection"),
        # Priority deals (issue 16): marked in the portal, listed in admin (feedback/admin/priority.py).
        ("feedback", "mark_priority_deals"),
        ("feedback", "view_prioritydeal"),
        # Deal CSV imports (deals/admin/imports.py): any connection; presets saved for everyone.
        ("deals", "add_dealimport"),
        # Reports, and what the company sets for them (thresholds, bands).
        ("reports", "view_reports"),
        ("reports", "change_reportsettings"),
        # Template requests (triage in admin) and ratings (read in admin): feedback/admin/.
        ("feedback", "view_templaterequest"),
        ("feedback", "change_templaterequest"),
        ("feedback", "view_rating"),
    ],
    Role.ADMINISTRATOR: [WAGTAIL_ADMIN_ACCESS],
}


def has_role(user, role: Role) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.groups.filter(name=role.label).exists()


def is_partner_manager(user) -> bool:
    """Whether `user` manages the team of their own partner organisation: an active member of an
    active organisation, in the Partner managers group."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or user.organisation_id is None:
        return False
    if not user.organisation.is_active:
        return False
    return has_role(user, Role.PARTNER_MANAGER)


def ensure_role_groups() -> dict[Role, Group]:
    """Create or update one group per role with exactly its permissions. Idempotent."""
    groups = {}
    for role, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role.label)
        permissions = []
        for app_label, codename in perms:
            permissions.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        group.permissions.set(permissions)
        groups[role] = group
    _grant_image_collections(groups[Role.BRAND_MANAGER])
    return groups


def _grant_image_collections(group: Group) -> None:

    root = root_collection()
    for codename in ("add_image", "change_image", "choose_image"):
        permission = Permission.objects.get(content_type__app_label="wagtailimages", codename=codename)
        GroupCollectionPermission.objects.get_or_create(group=group, collection=root, permission=permission)
