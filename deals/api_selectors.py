"""What an API key may read (ADR 19): the whole company's data, or one partner organisation's,
as that organisation's partner manager sees it in the portal. Anything else is a 404."""

from django.db.models import QuerySet

from templates_lib.models import CollateralDocument, CollateralTemplate
from templates_lib.selectors import templates_for_organisation

from .event_selectors import EVENT_RELATED
from .models import ApiKey, Connection, Deal, DeliveryEvent


def deals_for_key(api_key: ApiKey, *, include_deleted: bool = False) -> QuerySet[Deal]:
    deals = Deal.objects.all() if include_deleted else Deal.objects.alive()
    deals = deals.select_related("stage", "owner", "organisation", "region", "connection")
    if api_key.organisation_id is not None:
        deals = deals.filter(organisation_id=api_key.organisation_id)
    return deals


def connections_for_key(api_key: ApiKey) -> QuerySet[Connection]:
    """Connections a key may write deals into: its organisation's own, or (company-wide) those of
    no organisation."""
    return Connection.objects.filter(organisation_id=api_key.organisation_id)


def documents_for_key(api_key: ApiKey) -> QuerySet[CollateralDocument]:
    documents = CollateralDocument.objects.alive().select_related("owner", "template")
    if api_key.organisation_id is not None:
        documents = documents.filter(owner__organisation_id=api_key.organisation_id)
    return documents


def events_for_key(api_key: ApiKey) -> QuerySet[DeliveryEvent]:
    events = DeliveryEvent.objects.select_related(*EVENT_RELATED)
    if api_key.organisation_id is not None:
        events = events.filter(organisation_id=api_key.organisation_id)
    return events


def templates_for_key(api_key: ApiKey) -> QuerySet[CollateralTemplate]:
    if api_key.organisation_id is not None:
        return templates_for_organisation(api_key.organisation)
    return CollateralTemplate.objects.in_use().select_related("live_revision")
