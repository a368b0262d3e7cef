"""Factories for the field's feedback (ratings, requests, nominations, priority deals)."""


# --- Priority deals (issue 16) ----------------------------------------------------------------


def make_priority_deal(deal, *, marked_by=None, note: str = ""):
    """`deal` on the priority list, as a row (no notification, no permission check)."""
    from feedback.models import PriorityDeal

    return PriorityDeal.objects.create(
        deal=deal, region_id=deal.region_id, note=note, marked_by=marked_by or deal.owner
    )
