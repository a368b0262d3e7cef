"""Factories for the field's feedback (ratings, requests, nominations, priority deals)."""


# --- Nominations (issue 16) -------------------------------------------------------------------


def make_nomination(document, *, reason: str = "It wins deals in the north."):
    """A pending nomination of `document` by its owner, made through the service."""
    from feedback.services.nominations import nomination_create

    return nomination_create(document=document, user=document.owner, reason=reason)


# --- Priority deals (issue 16) ----------------------------------------------------------------


def make_priority_deal(deal, *, marked_by=None, note: str = ""):
    """`deal` on the priority list, as a row (no notification, no permission check)."""
    from feedback.models import PriorityDeal

    return PriorityDeal.objects.create(
        deal=deal, region_id=deal.region_id, note=note, marked_by=marked_by or deal.owner
    )


# --- Ratings and template requests (issue 16) -------------------------------------------------


def record_download(template, user, *, channel: str = "portal_pdf", deal=None):
    """A final download of a document `user` made from `template`, recorded as the portal records
    one (the bytes are made up: nothing is rendered)."""
    from approvals.output import final_output
    from approvals.services import document_create
    from deals.services.events import record_delivery

    document = document_create(template=template, owner=user, values={}, title="Downloaded", check_fit=False)
    output = final_output(document, profile="print", deal=deal)
    return record_delivery(output=output, channel=channel, delivered=b"%PDF-1.7 delivered", user=user, deal=deal)


def make_request(requested_by, *, title: str = "Case study for shipping", deal=None, **kwargs):
    """An open template request by `requested_by` (with their own support row), made through the service."""
    from feedback.services.requests import template_request_create

    values = {"kind": "new", "purpose": "For Nordic shipping prospects.", "urgency": "this_month"} | kwargs
    return template_request_create(by=requested_by, title=title, deal=deal, **values)
