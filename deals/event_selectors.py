"""THROWAWAY STUB on branch deals-portal: the events helper owns this module and replaces it at merge.

Only the two signatures the deal pages call, with the simplest rule that is safe here."""

from django.db.models import QuerySet

from accounts.models import User

from .models import Deal, DeliveryEvent
from .selectors import deals_visible_to


def events_visible_to(user: User) -> QuerySet[DeliveryEvent]:
    return DeliveryEvent.objects.filter(deal__in=deals_visible_to(user, include_deleted=True)).order_by(
        "-occurred_at", "-pk"
    )


def events_for_deal(deal: Deal, user: User) -> QuerySet[DeliveryEvent]:
    return events_visible_to(user).filter(deal=deal).select_related("document", "user")
