"""Who may see which delivery event: the one rule for every read of events (DOMAIN rule 6), in
admin, on a deal's page and for verify_delivery. Anything outside it does not exist for the user."""

from django.db.models import QuerySet

from accounts.models import User
from accounts.roles import is_partner_manager
from approvals.reviewers import review_region_ids
from templates_lib.selectors import is_signed_in_member

from .models import Deal, DeliveryEvent

VIEW_EVENTS_PERMISSION = "deals.view_deliveryevent"
EVENT_RELATED = ("document", "template", "user", "share_link", "deal", "organisation", "region")


def sees_every_event(user: User) -> bool:
    """Internal users with the view-events permission (brand managers, analysts) and
    administrators. Members of a partner organisation never, whatever their permissions."""
    if not is_signed_in_member(user) or user.organisation_id is not None:
        return False
    return user.is_superuser or user.has_perm(VIEW_EVENTS_PERMISSION)


def events_visible_to(user: User) -> QuerySet[DeliveryEvent]:
    """Events `user` may see: every event for brand managers, analysts and administrators (a brand
    manager limited to review regions sees those regions' events); a partner manager their
    organisation's; anyone else the events of their own documents."""
    if not is_signed_in_member(user):
        return DeliveryEvent.objects.none()
    events = DeliveryEvent.objects.all()
    if user.organisation_id is not None:
        if is_partner_manager(user):
            return events.filter(organisation_id=user.organisation_id)
        return events.filter(document__owner=user, organisation_id=user.organisation_id)
    if sees_every_event(user):
        regions = [] if user.is_superuser else review_region_ids(user)
        return events.filter(region_id__in=regions) if regions else events
    return events.filter(document__owner=user)


def events_for_deal(deal: Deal, user: User) -> QuerySet[DeliveryEvent]:
    """The events of `deal` that `user` may see, newest first."""
    return events_visible_to(user).filter(deal=deal).select_related(*EVENT_RELATED).order_by("-occurred_at", "-pk")


def may_verify_events(user: User) -> bool:
    """Re-rendering a delivery to prove it is for those who browse every event (or their regions')."""
    return sees_every_event(user)
