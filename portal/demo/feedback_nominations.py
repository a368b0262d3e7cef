"""Demo nominations (issue 16): one of Dana's approved documents and one of Brightpath's put
forward as candidate templates, waiting for the brand team. Made through the service; nothing
is added when any nomination exists, so loading the demo again changes nothing."""

from feedback.models import TemplateNomination
from feedback.services.nominations import nomination_create
from templates_lib.models import ApprovalState, CollateralDocument

REASONS = {
    "rep": "Used it for three Nordic shipping prospects this quarter; two signed. The shorter benefits list works.",
    "partner": "Our Iberian customers read Spanish first: this version got us two meetings in a week.",
}


def load_nominations(users: dict) -> None:
    if TemplateNomination.objects.exists():
        return
    for username, reason in REASONS.items():
        owner = users.get(username)
        if owner is None:
            continue
        document = (
            CollateralDocument.objects.owned_by(owner)
            .filter(approval_state=ApprovalState.APPROVED, live_revision__isnull=False)
            .order_by("title", "pk")
            .first()
        )
        if document is not None:
            nomination_create(document=document, user=owner, reason=reason)
