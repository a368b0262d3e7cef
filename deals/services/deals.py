"""Deals people type and change in the portal, and the owners an administrator resolves.

A deal from a CRM or an import (`Deal.is_from_source`) is owned by its source: every field it
brings is read-only here, refused by these services whatever a form sends (ADR 16). Manual deals
are deleted by marking them, never erased, so the events that point at them stay exact.
"""

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import Region, User
from accounts.roles import is_partner_manager

from ..models import Deal, Source, Stage
from ..selectors import deals_editable_by, manages_every_deal, sees_every_deal
from .stages import outcome_for

# What a person may type for a manual deal. The owner is set apart: who may pick it depends on who asks.
DEAL_VALUE_FIELDS = (
    "name",
    "account_name",
    "contact_name",
    "contact_email",
    "amount",
    "currency",
    "stage",
    "close_date",
    "expected_close_date",
    "region",
    "segment",
)
# Everything a CRM or an import brings: read-only in the portal for a deal from a source.
CRM_OWNED_FIELDS = (*DEAL_VALUE_FIELDS, "owner")

DealValue = str | Decimal | date | Stage | Region | None
NULLABLE_FIELDS = frozenset({"amount", "stage", "region", "close_date", "expected_close_date"})


class DealError(Exception):
    """The deal was not written; `errors` maps each field (or "__all__") to messages."""

    def __init__(self, errors: Mapping[str, list[str]]) -> None:
        self.errors = {field: list(messages) for field, messages in errors.items()}
        super().__init__("; ".join(m for messages in self.errors.values() for m in messages))


class DealReadOnlyError(DealError):
    """A change to a field the deal's CRM or import owns."""


class DealAccessError(Exception):
    """The user may not change this deal (views answer as for a missing deal)."""


def can_create_deals(user: User) -> bool:
    """Reps, partners, and internal users who manage deals. Read-only viewers of every deal
    (analysts) do not type deals."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return manages_every_deal(user) or not sees_every_deal(user)


def owner_choices(user: User) -> QuerySet[User]:
    """Whom `user` may make a deal's owner: their organisation's active members for a partner
    manager, anyone active for an internal deal manager; nobody else picks (the deal is theirs)."""
    if user.organisation_id is not None and is_partner_manager(user):
        return User.objects.filter(organisation_id=user.organisation_id, is_active=True)
    if manages_every_deal(user):
        return User.objects.filter(is_active=True)
    return User.objects.none()


def _owner_for(*, by: User, owner: User | None) -> User:
    if owner is None or owner.pk == by.pk:
        return by
    if not owner_choices(by).filter(pk=owner.pk).exists():
        raise DealError({"owner": ["Pick an owner from your own organisation."]})
    return owner


def _normalised_value(field: str, value: Any) -> Any:
    if field == "currency":
        return (value or "").strip().upper()
    if value is None and field not in NULLABLE_FIELDS:
        return ""
    return value


def _apply(deal: Deal, values: Mapping[str, DealValue]) -> None:
    unknown = set(values) - set(DEAL_VALUE_FIELDS)
    if unknown:
        raise DealError({"__all__": [f"Unknown deal field: {', '.join(sorted(unknown))}."]})
    for field, value in values.items():
        setattr(deal, field, _normalised_value(field, value))
    deal.outcome = outcome_for(deal.stage)


def _validated(deal: Deal) -> None:
    try:
        deal.full_clean(exclude=["connection", "external_id", "created_by"])
    except ValidationError as exc:
        raise DealError(exc.message_dict) from None


@transaction.atomic
def deal_create(*, by: User, values: Mapping[str, DealValue], owner: User | None = None) -> Deal:
    """A deal typed in the portal. A partner's deal belongs to their organisation; it is owned by
    whoever created it unless a partner manager (within the organisation) or a deal manager
    picks another owner."""
    if not can_create_deals(by):
        raise DealAccessError("You may not add deals.")
    owner = _owner_for(by=by, owner=owner)
    deal = Deal(source=Source.MANUAL, created_by=by, owner=owner, organisation_id=owner.organisation_id)
    if by.organisation_id is not None:
        deal.organisation_id = by.organisation_id
    _apply(deal, values)
    _validated(deal)
    deal.save()
    return deal


def _current(deal: Deal, field: str) -> Any:
    return getattr(deal, f"{field}_id") if field in ("stage", "region", "owner") else getattr(deal, field)


def _normalised(field: str, value: Any) -> Any:
    """A value as compared with what the deal holds (related objects by primary key)."""
    if field in ("stage", "region", "owner"):
        return getattr(value, "pk", value)
    value = _normalised_value(field, value)
    return Decimal(value) if field == "amount" and value is not None else value


def changed_crm_fields(deal: Deal, values: Mapping[str, Any]) -> list[str]:
    """The CRM-owned fields whose value `values` would change, in field order."""
    return [
        field
        for field in CRM_OWNED_FIELDS
        if field in values and _normalised(field, values[field]) != _normalised(field, _current(deal, field))
    ]


@transaction.atomic
def deal_update(*, deal: Deal, by: User, values: Mapping[str, DealValue], owner: User | None = None) -> Deal:
    """Change a manual deal's fields (and its owner, for those who may pick one). A deal from a
    source refuses any change to what its source owns (DealReadOnlyError), nothing written."""
    deal = _locked_editable(deal, by)
    requested = dict(values)
    if owner is not None:
        requested["owner"] = owner
    if deal.is_from_source:
        if changed := changed_crm_fields(deal, requested):
            names = ", ".join(Deal._meta.get_field(f).verbose_name for f in changed)
            message = f"{deal.get_source_display()} owns this deal's fields; change them there ({names})."
            raise DealReadOnlyError({field: [message] for field in changed} | {"__all__": [message]})
        return deal
    if owner is not None and owner.pk != deal.owner_id:
        owner = _owner_for(by=by, owner=owner)
        if deal.organisation_id is not None and owner.organisation_id != deal.organisation_id:
            raise DealError({"owner": [f"The owner must belong to {deal.organisation}."]})
        deal.owner = owner
        deal.organisation_id = owner.organisation_id
    _apply(deal, values)
    _validated(deal)
    deal.save()
    return deal


def _locked_editable(deal: Deal, by: User) -> Deal:
    locked = deals_editable_by(by, include_deleted=True).select_for_update(of=("self",)).filter(pk=deal.pk).first()
    if locked is None:
        raise DealAccessError("You may not change this deal.")
    return locked


@transaction.atomic
def deal_delete(*, deal: Deal, by: User) -> Deal:
    """Mark a manual deal deleted: it leaves lists and pickers; its events still point at it."""
    deal = _locked_editable(deal, by)
    if deal.is_from_source:
        raise DealReadOnlyError({"__all__": [f"{deal.get_source_display()} owns this deal: delete it there."]})
    if deal.deleted_at is None:
        deal.deleted_at = timezone.now()
        deal.save(update_fields=["deleted_at", "updated_at"])
    return deal


@transaction.atomic
def deal_restore(*, deal: Deal, by: User) -> Deal:
    """Undo `deal_delete` for a manual deal."""
    deal = _locked_editable(deal, by)
    if deal.is_from_source:
        raise DealReadOnlyError({"__all__": [f"{deal.get_source_display()} owns this deal."]})
    if deal.deleted_at is not None:
        deal.deleted_at = None
        deal.save(update_fields=["deleted_at", "updated_at"])
    return deal


@transaction.atomic
def deal_owner_resolve(*, deal: Deal, owner: User, by: User) -> Deal:
    """An administrator names the portal user behind an owner the source gave only by email (or
    name). The owner must belong to the deal's organisation (or, for an internal deal, to none),
    so the deal stays visible to exactly the people it was visible to."""
    if not manages_every_deal(by):
        raise DealAccessError("Only people who manage deals resolve owners.")
    deal = Deal.objects.select_for_update(of=("self",)).get(pk=deal.pk)
    if not deal.unresolved_owner:
        raise DealError({"owner": ["This deal's owner is already resolved."]})
    if not owner.is_active:
        raise DealError({"owner": ["Pick an active user."]})
    if owner.organisation_id != deal.organisation_id:
        where = deal.organisation.name if deal.organisation_id else "the company (an internal user)"
        raise DealError({"owner": [f"The owner must belong to {where}."]})
    deal.owner = owner
    deal.unresolved_owner = ""
    deal.save(update_fields=["owner", "unresolved_owner", "updated_at"])
    return deal
