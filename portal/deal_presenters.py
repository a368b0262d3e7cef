"""Display-ready deals for the portal's deal pages. Deal data is untrusted text: templates show
it through Django's escaping, never as markup."""

from decimal import Decimal
from functools import cached_property

from django.urls import reverse

from accounts.models import User
from deals.models import Deal, Outcome
from deals.selectors import deals_editable_by


def amount_text(amount: Decimal | None, currency: str) -> str:
    """ "EUR 12,500.00": the exact amount with its currency, or "" without one."""
    if amount is None:
        return ""
    return f"{currency} {amount:,.2f}".strip()


class DealRow:
    def __init__(self, deal: Deal):
        self.deal = deal

    @property
    def public_id(self):
        return self.deal.public_id

    @property
    def name(self) -> str:
        return self.deal.name

    @property
    def account_name(self) -> str:
        return self.deal.account_name

    @property
    def url(self) -> str:
        return reverse("portal:deal-detail", args=[self.deal.public_id])

    @property
    def stage_name(self) -> str:
        return self.deal.stage.name if self.deal.stage_id else "No stage"

    @property
    def outcome(self) -> str:
        return self.deal.outcome

    @property
    def outcome_label(self) -> str:
        return Outcome(self.deal.outcome).label

    @property
    def amount(self) -> str:
        return amount_text(self.deal.amount, self.deal.currency)

    @property
    def owner_name(self) -> str:
        if self.deal.owner_id:
            return str(self.deal.owner)
        return self.deal.unresolved_owner or "Nobody yet"

    @property
    def close_label(self) -> str:
        day = self.deal.close_date or self.deal.expected_close_date
        return day.strftime("%-d %b %Y") if day else ""

    @property
    def source_label(self) -> str:
        return self.deal.get_source_display()

    @property
    def is_from_source(self) -> bool:
        return self.deal.is_from_source

    @property
    def is_priority(self) -> bool:
        """Set by feedback.selectors.priority.with_priority_flag on list queries."""
        return bool(getattr(self.deal, "is_priority", False))


class DealDetail(DealRow):
    """A deal's page: its fields, who may do what, the documents made for it and its events."""

    def __init__(self, deal: Deal, *, viewer: User, documents, events):
        super().__init__(deal)
        self.viewer = viewer
        self.documents = documents
        self.events = events

    @cached_property
    def can_edit(self) -> bool:
        return deals_editable_by(self.viewer, include_deleted=True).filter(pk=self.deal.pk).exists()

    @property
    def can_change_fields(self) -> bool:
        return self.can_edit and not self.deal.is_from_source and not self.is_deleted

    @property
    def can_delete(self) -> bool:
        return self.can_edit and not self.deal.is_from_source and not self.is_deleted

    @property
    def can_restore(self) -> bool:
        return self.can_edit and not self.deal.is_from_source and self.is_deleted

    @property
    def is_deleted(self) -> bool:
        return self.deal.deleted_at is not None

    @property
    def read_only_notice(self) -> str:
        if not self.deal.is_from_source:
            return ""
        return (
            f"This deal comes from {self.source_label}, which owns its fields: they are read-only here. "
            f"Change them in {self.source_label} and they update at the next import or sync."
        )

    @property
    def has_unresolved_owner(self) -> bool:
        return bool(self.deal.unresolved_owner) and self.deal.owner_id is None

    @property
    def fields(self) -> list[tuple[str, str]]:
        deal = self.deal
        rows = [
            ("Account", deal.account_name),
            ("Contact", deal.contact_name),
            ("Contact email", deal.contact_email),
            ("Amount", self.amount),
            ("Stage", self.stage_name),
            ("Outcome", self.outcome_label),
            ("Expected close", deal.expected_close_date.strftime("%-d %b %Y") if deal.expected_close_date else ""),
            ("Closed", deal.close_date.strftime("%-d %b %Y") if deal.close_date else ""),
            ("Owner", self.owner_name),
            ("Partner organisation", deal.organisation.name if deal.organisation_id else ""),
            ("Region", deal.region.name if deal.region_id else ""),
            ("Segment", deal.segment),
            ("Source", self.source_label),
        ]
        if deal.external_id:
            rows.append(("Id in source", deal.external_id))
        return [(label, value) for label, value in rows if value]

    @property
    def edit_url(self) -> str:
        return reverse("portal:deal-edit", args=[self.deal.public_id])

    @property
    def delete_url(self) -> str:
        return reverse("portal:deal-delete", args=[self.deal.public_id])

    @property
    def restore_url(self) -> str:
        return reverse("portal:deal-restore", args=[self.deal.public_id])


class DealEventRow:
    def __init__(self, event):
        self.event = event

    @property
    def occurred_at(self):
        return self.event.occurred_at

    @property
    def channel_label(self) -> str:
        return self.event.get_channel_display()

    @property
    def document_title(self) -> str:
        return self.event.document.title

    @property
    def user_name(self) -> str:
        """Who received it: the signed-in user, or the share link's recipient."""
        if self.event.user_id:
            return str(self.event.user)
        if self.event.share_link_id:
            return f"{self.event.share_link.recipient_name} (share link)"
        return ""
