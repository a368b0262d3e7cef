"""Display-ready share links for the document page and the share-links page."""

from django.urls import reverse
from django.utils.functional import cached_property

from approvals.output import final_output_refusal
from deals.models import ShareLink
from deals.services.choices import remembered_deal
from deals.services.share_links import (
    ShareLinkStatus,
    default_expiry_days,
    share_link_status,
    share_links_for_document,
)

from .share_link_forms import ShareLinkForm

STATUS_LABELS = {
    ShareLinkStatus.ACTIVE: "Active",
    ShareLinkStatus.EXPIRED: "Expired",
    ShareLinkStatus.REVOKED: "Revoked",
}


class ShareLinkRow:
    def __init__(self, link: ShareLink):
        self.link = link
        self.status = share_link_status(link)
        self.status_label = STATUS_LABELS[self.status]
        self.is_active = self.status == ShareLinkStatus.ACTIVE
        self.opens = getattr(link, "open_count", 0)
        self.first_opened_at = link.first_opened_at
        self.last_opened_at = getattr(link, "last_opened_at", None)
        self.deal_name = link.deal.name if link.deal_id else ""
        self.access_label = "View and download" if link.allow_download else "View only"
        document_id = link.document.public_id
        self.revoke_url = reverse("portal:document-share-link-revoke", args=[document_id, link.public_id])
        self.notifications_url = reverse("portal:document-share-link-notifications", args=[document_id, link.public_id])

    @property
    def opens_label(self) -> str:
        return "Not opened yet" if not self.opens else f"{self.opens} open{'' if self.opens == 1 else 's'}"


class DocumentShareLinks:
    """A document's share links as its owner sees them (nobody else sees any)."""

    def __init__(self, document, viewer):
        self.document = document
        self.viewer = viewer
        self.url = reverse("portal:document-share-links", args=[document.public_id])

    @cached_property
    def rows(self) -> list[ShareLinkRow]:
        return [
            ShareLinkRow(link)
            for link in share_links_for_document(self.document, self.viewer).select_related("document")
        ]

    @cached_property
    def refusal(self) -> str:
        """Why no link can be made now ("" when one can): the document is not approved, or its
        template was retired."""
        return final_output_refusal(self.document)

    @property
    def can_share(self) -> bool:
        return not self.refusal

    @cached_property
    def form(self) -> ShareLinkForm:
        """A blank form, with the deal the document was last made or downloaded for."""
        deal = remembered_deal(self.document, self.viewer)
        initial = {"expires_in_days": default_expiry_days(), "deal": str(deal.public_id) if deal else ""}
        return ShareLinkForm(user=self.viewer, initial=initial)
