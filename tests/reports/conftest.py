"""A hand-built dataset whose numbers the report tests write down (issue 13)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

import pytest

from approvals.output import final_output
from approvals.services import document_create
from deals.models import DeliveryEvent, Outcome
from deals.services.events import record_delivery
from templates_lib.models import CollateralDocument

from ..factories.accounts import RegionFactory
from ..factories.deals import DealFactory
from ..factories.templates_lib import make_template

WINDOW = {"period_from": "2026-01-01", "period_to": "2026-06-30"}


def day(month: int, dd: int, year: int = 2026) -> datetime.date:
    return datetime.date(year, month, dd)


@pytest.fixture
def at(monkeypatch):
    """Record the next delivery events at noon on a chosen day."""
    field = DeliveryEvent._meta.get_field("occurred_at")

    def set_day(when: datetime.date) -> None:
        moment = datetime.datetime.combine(when, datetime.time(12), tzinfo=timezone.get_current_timezone())
        monkeypatch.setattr(field, "_get_default", lambda: moment, raising=False)  # a cached_property

    return set_day


def deliver(document, *, user, deal, channel="portal_pdf"):
    output = final_output(document, profile="screen", deal=deal)
    return record_delivery(output=output, channel=channel, delivered=b"%PDF-1.7", user=user, deal=deal)


@dataclass
class Dataset:
    templates: dict
    documents: dict
    deals: dict
    regions: dict


@pytest.fixture
def dataset(db, brand_kit, rep, at):
    """Templates A, B, P (used) and N (never used); deals closed in or out of the first half of
    2026 (`WINDOW`):

    d1 won 31 Mar, EUR 12,500, north: A on 1 Mar and B on 2 Mar (two templates; B's document
       is deleted afterwards)      d2 lost 30 Apr, north: A on 1 Apr
    d3 won 31 May, south: nothing  d4 lost 31 May, south: B only on 15 Jun, after it closed
    d5 won 28 Feb, USD 40,000, south: A on 1 Feb
    d6 lost 30 Nov 2025 (outside the window): A
    d7 open: A on 10 Mar (pending) d8 and d9 won 15 Mar, north: P (a 100% rate on two deals)"""
    north, south = RegionFactory(name="North", code="north"), RegionFactory(name="South", code="south")
    templates = {name: make_template(title=f"Template {name}") for name in "ABNP"}
    documents = {
        name: document_create(template=templates[name], owner=rep, values={}, title=f"Doc {name}", check_fit=False)
        for name in "ABP"
    }

    def deal(name, outcome, closed, region, **kwargs):
        return DealFactory(
            name=name, owner=rep, outcome=outcome, close_date=closed, region=region, segment="Shipping", **kwargs
        )

    deals = {
        "d1": deal("d1", Outcome.WON, day(3, 31), north),
        "d2": deal("d2", Outcome.LOST, day(4, 30), north),
        "d3": deal("d3", Outcome.WON, day(5, 31), south),
        "d4": deal("d4", Outcome.LOST, day(5, 31), south),
        "d5": deal("d5", Outcome.WON, day(2, 28), south, amount=Decimal("40000"), currency="USD"),
        "d6": deal("d6", Outcome.LOST, day(11, 30, 2025), north),
        "d7": deal("d7", Outcome.OPEN, None, north),
        "d8": deal("d8", Outcome.WON, day(3, 15), north),
        "d9": deal("d9", Outcome.WON, day(3, 15), north),
    }
    for when, doc, deal_name in [
        (day(3, 1), "A", "d1"),
        (day(3, 2), "B", "d1"),
        (day(4, 1), "A", "d2"),
        (day(6, 15), "B", "d4"),
        (day(2, 1), "A", "d5"),
        (day(10, 1, 2025), "A", "d6"),
        (day(3, 10), "A", "d7"),
        (day(3, 5), "P", "d8"),
        (day(3, 6), "P", "d9"),
    ]:
        at(when)
        deliver(documents[doc], user=rep, deal=deals[deal_name])
    CollateralDocument.objects.filter(pk=documents["B"].pk).update(deleted_at=timezone.now())
    return Dataset(templates=templates, documents=documents, deals=deals, regions={"north": north, "south": south})
