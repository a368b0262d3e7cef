"""Priority deals: the deals marketing and sales agreed to push (the weekly meeting's prioritised
accounts). Who may mark a deal is decided here, once; marking notifies the deal's owner, and
unmarking is a cheap undo (the row goes, nothing else changes)."""

from django.db import transaction
from django.urls import reverse

from accounts.models import User
from accounts.roles import is_partner_manager
from approvals.models import NotificationKind
from approvals.notifications import notify
from brand.text import single_line
from deals.models import Deal, Outcome
from deals.selectors import deals_visible_to
from templates_lib.selectors import is_signed_in_member

from ..models import PriorityDeal

MARK_PERMISSION = "feedback.mark_priority_deals"
NOTE_MAX_CHARS = PriorityDeal._meta.get_field("note").max_length


class PriorityDealError(Exception):
    """A mark the rules refuse (a closed or deleted deal, a note too long): `str()` says why."""


class PriorityAccessError(Exception):
    """The user may see the deal but may not mark or unmark it."""


def can_mark_priority(user: User, deal: Deal) -> bool:
    """Internal users with the mark permission, for any deal they can see; a partner manager for
    their own organisation's deals only. Nobody else, whatever their permissions: a partner user
    holding the permission by mistake still cannot mark."""
    if not is_signed_in_member(user):
        return False
    if user.organisation_id is not None:
        return is_partner_manager(user) and deal.organisation_id == user.organisation_id
    if not (user.is_superuser or user.has_perm(MARK_PERMISSION)):
        return False
    return deals_visible_to(user).filter(pk=deal.pk).exists()


def may_mark_any_priority(user: User) -> bool:
    """Whether `user` marks priority deals at all (to show the control and the page's hint)."""
    if not is_signed_in_member(user):
        return False
    if user.organisation_id is not None:
        return is_partner_manager(user)
    return user.is_superuser or user.has_perm(MARK_PERMISSION)


def clean_note(note: str) -> str:
    """The note on one line, within its length; PriorityDealError when too long."""
    note = single_line(note or "")
    if len(note) > NOTE_MAX_CHARS:
        raise PriorityDealError(f"Keep the note to {NOTE_MAX_CHARS} characters (it has {len(note)}).")
    return note


@transaction.atomic
def priority_mark(*, deal: Deal, by: User, note: str = "") -> PriorityDeal:
    """Put `deal` on its region's priority list (or change the note of a deal already on it).

    The region is the deal's when first marked. The owner is notified when their deal is newly
    marked by someone else. Raises PriorityAccessError if `by` may not mark this deal, and
    PriorityDealError for a deleted or closed deal or a note that is too long."""
    if not can_mark_priority(by, deal):
        raise PriorityAccessError("You cannot mark priority deals.")
    if deal.deleted_at is not None:
        raise PriorityDealError("This deal is deleted: restore it before marking it as a priority.")
    note = clean_note(note)
    priority = PriorityDeal.objects.select_for_update().filter(deal=deal).first()
    if priority is not None:
        if priority.note != note:
            priority.note = note
            priority.save(update_fields=["note"])
        return priority
    if deal.outcome != Outcome.OPEN:
        raise PriorityDealError("This deal is closed: only open deals go on the priority list.")
    priority = PriorityDeal.objects.create(deal=deal, region_id=deal.region_id, note=note, marked_by=by)
    if deal.owner_id and deal.owner_id != by.pk:
        notify(
            [deal.owner],
            kind=NotificationKind.PRIORITY_DEAL,
            title=f"“{deal.name}” is now a priority deal",
            body=f"{by} marked it as a priority." + (f" Note: {note}" if note else ""),
            url=reverse("portal:deal-detail", args=[deal.public_id]),
        )
    return priority


@transaction.atomic
def priority_unmark(*, deal: Deal, by: User) -> bool:
    """Take `deal` off the priority list; True if it was on it. Raises PriorityAccessError if `by`
    may not mark this deal."""
    if not can_mark_priority(by, deal):
        raise PriorityAccessError("You cannot mark priority deals.")
    deleted, _ = PriorityDeal.objects.filter(deal=deal).delete()
    return bool(deleted)
