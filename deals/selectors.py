"""Who may see and change which deal: the one rule for every read of a deal (DOMAIN rule 6).
Anything outside it is a 404, exactly as for a deal that does not exist."""

from django.db.models import Q, QuerySet

from accounts.models import User
from accounts.roles import is_partner_manager
from templates_lib.selectors import is_signed_in_member

from .models import Deal

MANAGE_PERMISSION = "deals.manage_deals"
VIEW_PERMISSION = "deals.view_deal"


def sees_every_deal(user: User) -> bool:
    """Internal users who manage deals, and analysts (read-only). Partners never: a member of a
    partner organisation sees at most that organisation's deals, whatever their permissions."""
    if not is_signed_in_member(user) or user.organisation_id is not None:
        return False
    return user.is_superuser or user.has_perm(MANAGE_PERMISSION) or user.has_perm(VIEW_PERMISSION)


def manages_every_deal(user: User) -> bool:
    return (
        is_signed_in_member(user)
        and user.organisation_id is None
        and (user.is_superuser or user.has_perm(MANAGE_PERMISSION))
    )


def deals_visible_to(user: User, *, include_deleted: bool = False) -> QuerySet[Deal]:
    """Deals `user` may see: their own; their organisation's for a partner manager; every deal for
    internal users with the manage or view permission. Deleted deals only when asked for (the
    events of a deal removed in its CRM still point at it)."""
    if not is_signed_in_member(user):
        return Deal.objects.none()
    deals = Deal.objects.all() if include_deleted else Deal.objects.alive()
    deals = deals.select_related("stage", "owner", "organisation")
    if user.organisation_id is not None:
        deals = deals.filter(organisation_id=user.organisation_id)
        return deals if is_partner_manager(user) else deals.filter(owner=user)
    if sees_every_deal(user):
        return deals
    return deals.filter(owner=user)


def deals_editable_by(user: User, *, include_deleted: bool = False) -> QuerySet[Deal]:
    """Deals whose portal-owned fields `user` may change: their own, their organisation's for a
    partner manager, every one with the manage permission. Analysts only read. Fields that came
    from a CRM or an import stay read-only whoever edits (`Deal.is_from_source`)."""
    visible = deals_visible_to(user, include_deleted=include_deleted)
    if user.organisation_id is not None and is_partner_manager(user):
        return visible
    if manages_every_deal(user):
        return visible
    return visible.filter(owner=user)


def deals_for_picker(user: User, query: str = "") -> QuerySet[Deal]:
    """The open deals a user picks from for a download, a share link or the editor's deal tokens:
    deals they may see, open, searched by name or account."""
    deals = deals_visible_to(user).open()
    if query:
        deals = deals.filter(Q(name__icontains=query) | Q(account_name__icontains=query))
    return deals.order_by("name", "pk")
