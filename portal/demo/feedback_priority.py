"""Demo priority deals: two of Dana's open deals on the list the analyst keeps after the weekly
meeting, and one of Brightpath's marked by their partner manager, each with what was agreed.
Marked through the service, so the owners get their notifications; a deal already on the list
is left alone, so loading the demo again changes nothing."""

from deals.models import Deal
from feedback.models import PriorityDeal
from feedback.services.priority import priority_mark

NOTES = [
    "Agreed Monday: case study and datasheet before the technical demo.",
    "Procurement review next week — send the pricing one-pager.",
]
PARTNER_NOTE = "Joint pitch with Northwind: brochure plus our case study."


def load_priority_deals(users: dict) -> None:
    rep, analyst, manager = users.get("rep"), users.get("analyst"), users.get("partnermanager")
    if PriorityDeal.objects.exists() or rep is None or analyst is None:
        return
    internal = Deal.objects.open().filter(owner=rep, organisation__isnull=True).order_by("name", "pk")
    for deal, note in zip(internal, NOTES, strict=False):
        priority_mark(deal=deal, by=analyst, note=note)
    if manager is not None and manager.organisation_id:
        partner = Deal.objects.open().filter(organisation_id=manager.organisation_id).order_by("name", "pk").first()
        if partner is not None:
            priority_mark(deal=partner, by=manager, note=PARTNER_NOTE)
