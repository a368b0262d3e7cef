"""`{% document_nomination document as nomination %}`: what the owner's document page says about
nominating it as a template (issue 16). Used by portal/partials/nomination_panel.html."""

from django import template
from django.utils.functional import cached_property

from feedback.models import NominationStatus
from feedback.selectors.nominations import nomination_for_document

register = template.Library()

# The approval panel's colours (portal.css) for each status.
STATUS_TONE = {
    NominationStatus.PENDING: "in_review",
    NominationStatus.CONVERTED: "approved",
    NominationStatus.DECLINED: "rejected",
}
STATUS_TEXT = {
    NominationStatus.PENDING: "Nominated as a template. The brand team will decide; you will get a notification.",
    NominationStatus.CONVERTED: "The brand team is making it into a corporate template, credited to you.",
    NominationStatus.DECLINED: "The brand team decided not to make it into a template.",
}


class DocumentNomination:
    def __init__(self, document, viewer):
        self.document = document
        self.viewer = viewer

    @cached_property
    def nomination(self):
        if self.viewer is None or not self.viewer.is_authenticated:
            return None
        return nomination_for_document(document=self.document, user=self.viewer)

    @property
    def is_shown(self) -> bool:
        return self.nomination is not None or self.can_nominate

    @property
    def can_nominate(self) -> bool:
        """The owner of an approved document that is not nominated yet (the service decides again)."""
        return (
            self.nomination is None
            and self.viewer is not None
            and self.document.owner_id == getattr(self.viewer, "pk", None)
            and self.document.is_approved
        )

    @property
    def status(self) -> str:
        return self.nomination.status if self.nomination else ""

    @property
    def tone(self) -> str:
        return STATUS_TONE.get(self.status, "")

    @property
    def status_label(self) -> str:
        return self.nomination.get_status_display() if self.nomination else ""

    @property
    def status_text(self) -> str:
        return STATUS_TEXT.get(self.status, "")

    @property
    def can_withdraw(self) -> bool:
        return self.status == NominationStatus.PENDING

    @property
    def decision_reason(self) -> str:
        return self.nomination.decision_reason if self.status == NominationStatus.DECLINED else ""


@register.simple_tag(takes_context=True)
def document_nomination(context, document) -> DocumentNomination:
    request = context.get("request")
    return DocumentNomination(document, getattr(request, "user", None))
