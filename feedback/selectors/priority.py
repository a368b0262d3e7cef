"""Reads of priority deals, scoped through deals.selectors: a priority deal exists for a user only
if its deal does (the owning rep, their partner manager, marketing), so a partner never sees
another organisation's list. "Collateral received" is the deal's delivery events the user may see
(deals.event_selectors), newest first."""

from django.db.models import Exists, OuterRef, QuerySet, Subquery

from accounts.models import Region, User
from deals.event_selectors import events_for_deal, events_visible_to
from deals.models import Deal, DeliveryEvent
from deals.selectors import deals_visible_to

from ..models import PriorityDeal


def priority_deals_for(user: User, *, region_id: int | None = None) -> QuerySet[PriorityDeal]:
    """The priority deals of the live deals `user` may see, newest mark first, each annotated with
    its last collateral the user may see (`last_sent_at`, `last_sent_template`, `last_sent_channel`;
    None when nothing was sent yet). `region_id` narrows to one region's list."""
    priorities = PriorityDeal.objects.filter(deal__in=deals_visible_to(user))
    if region_id is not None:
        priorities = priorities.filter(region_id=region_id)
    last = events_visible_to(user).filter(deal=OuterRef("deal")).order_by("-occurred_at", "-pk")
    return (
        priorities.select_related("deal__owner", "deal__stage", "deal__organisation", "region", "marked_by")
        .annotate(
            last_sent_at=Subquery(last.values("occurred_at")[:1]),
            last_sent_template=Subquery(last.values("template__title")[:1]),
            last_sent_channel=Subquery(last.values("channel")[:1]),
        )
        .order_by("-marked_at", "-pk")
    )


def priority_regions_for(user: User) -> QuerySet[Region]:
    """The regions that have priority deals `user` can see (the page's region filter)."""
    return Region.objects.filter(
        pk__in=PriorityDeal.objects.filter(deal__in=deals_visible_to(user)).values("region_id")
    ).order_by("name")


def priority_get(deal: Deal) -> PriorityDeal | None:
    """The deal's priority mark, if it has one (the caller has already scoped the deal)."""
    return PriorityDeal.objects.filter(deal=deal).select_related("marked_by", "region").first()


def collateral_received(deal: Deal, user: User) -> QuerySet[DeliveryEvent]:
    """What the deal received that `user` may see: template, channel and when, newest first."""
    return events_for_deal(deal, user)


def with_priority_flag(deals: QuerySet[Deal]) -> QuerySet[Deal]:
    """`deals` annotated with `is_priority` (for the badge in deal lists), in the same query."""
    return deals.annotate(is_priority=Exists(PriorityDeal.objects.filter(deal=OuterRef("pk"))))
