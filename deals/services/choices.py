"""The deal a document is for: remembered per document, offered first at the next download, share
or edit, and changeable at any time."""

import uuid

from django.utils import timezone

from accounts.models import User
from templates_lib.models import CollateralDocument

from ..models import Deal, DocumentDealChoice
from ..selectors import deals_visible_to


class DealNotAvailable(Exception):
    """The deal is not one this user may pick (it does not exist for them)."""


def pickable_deal(user: User, deal_public_id: "uuid.UUID | str | None") -> Deal | None:
    """The open or closed deal `user` may see with this public id; None for "no specific deal".
    Raises DealNotAvailable for anything else, so a crafted id is refused like a missing one."""
    if deal_public_id in (None, ""):
        return None
    try:
        public_id = uuid.UUID(str(deal_public_id))
    except ValueError:
        raise DealNotAvailable("Pick one of your deals, or “no specific deal”.") from None
    deal = deals_visible_to(user).filter(public_id=public_id).first()
    if deal is None:
        raise DealNotAvailable("Pick one of your deals, or “no specific deal”.")
    return deal


def remember_deal_choice(document: CollateralDocument, deal: Deal | None, *, user: User) -> DocumentDealChoice:
    """Remember `deal` (None: no specific deal) as the one `document` is for."""
    choice, _ = DocumentDealChoice.objects.update_or_create(
        document=document, defaults={"deal": deal, "chosen_by": user, "chosen_at": timezone.now()}
    )
    return choice


def remembered_deal(document: CollateralDocument, user: User) -> Deal | None:
    """The deal `document` was last made or downloaded for, if `user` may still see it."""
    choice = DocumentDealChoice.objects.filter(document=document).only("deal_id").first()
    if choice is None or choice.deal_id is None:
        return None
    return deals_visible_to(user).filter(pk=choice.deal_id).first()
