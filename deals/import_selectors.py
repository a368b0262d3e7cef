"""Who may import deals, and which imports and presets each user sees. A partner manager sees only
their own organisation's imports and presets; anything else is a 404 like a missing import."""

from django.db.models import Q, QuerySet

from accounts.models import User
from accounts.roles import is_partner_manager
from templates_lib.selectors import is_signed_in_member

from .models import DealImport, ImportPreset

IMPORT_PERMISSION = "deals.add_dealimport"


def imports_for_everyone(user: User) -> bool:
    """Internal users who import into any connection (marketing operations, administrators)."""
    return (
        is_signed_in_member(user)
        and user.organisation_id is None
        and (user.is_superuser or user.has_perm(IMPORT_PERMISSION))
    )


def can_import_deals(user: User) -> bool:
    return imports_for_everyone(user) or is_partner_manager(user)


def deal_imports_visible_to(user: User) -> QuerySet[DealImport]:
    imports = DealImport.objects.select_related("connection", "created_by", "preset")
    if imports_for_everyone(user):
        return imports
    if is_partner_manager(user):
        return imports.filter(organisation_id=user.organisation_id)
    return imports.none()


def import_presets_for(user: User) -> QuerySet[ImportPreset]:
    """The shipped presets, and those saved by the user's organisation (internal ones for internal users)."""
    if not can_import_deals(user):
        return ImportPreset.objects.none()
    own = Q(organisation_id=user.organisation_id) if user.organisation_id else Q(organisation__isnull=True)
    return ImportPreset.objects.filter(Q(is_builtin=True) | own)
