"""Demo deals: the company's stage vocabulary, a CSV connection that maps a Salesforce report's
stage labels to it, and a few deals for the demo rep and the partner users, one of them with an
owner the portal does not know yet (for the administrator to resolve). Idempotent."""

import datetime
from decimal import Decimal

from django.utils import timezone

from deals.models import Connection, Deal, Outcome, Source, Stage, StageMapping
from deals.services.stages import outcome_for

COMPANY_STAGES = [
    # name, order, category, qualified
    ("Prospecting", 10, Outcome.OPEN, False),
    ("Qualification", 20, Outcome.OPEN, True),
    ("Proposal", 30, Outcome.OPEN, True),
    ("Negotiation", 40, Outcome.OPEN, True),
    ("Closed Won", 90, Outcome.WON, True),
    ("Closed Lost", 91, Outcome.LOST, False),
]
# What the Salesforce report calls each company stage.
SALESFORCE_LABELS = {
    "Prospecting": "Prospecting",
    "Needs Analysis": "Qualification",
    "Proposal/Price Quote": "Proposal",
    "Negotiation/Review": "Negotiation",
    "Closed Won": "Closed Won",
    "Closed Lost": "Closed Lost",
}

MANUAL_DEALS = [
    # owner, name, account, contact, email, amount, currency, stage, days to close
    (
        "rep",
        "Fjord Maritime — fleet analytics",
        "Fjord Maritime AS",
        "Ingrid Solberg",
        "ingrid@fjord.example",
        "48000.00",
        "EUR",
        "Proposal",
        45,
    ),
    (
        "rep",
        "Kestrel Foods — pilot",
        "Kestrel Foods Ltd",
        "Owen Price",
        "owen@kestrel.example",
        "12500.00",
        "GBP",
        "Qualification",
        80,
    ),
    (
        "rep",
        "Alder Health — renewal",
        "Alder Health",
        "Priya Nair",
        "priya@alder.example",
        "30500.00",
        "GBP",
        "Closed Won",
        -12,
    ),
    (
        "partner",
        "Stadtwerke Nord — dashboards",
        "Stadtwerke Nord GmbH",
        "Jonas Keller",
        "j.keller@swn.example",
        "22000.00",
        "EUR",
        "Negotiation",
        30,
    ),
    (
        "partnermanager",
        "Rhein Logistik — forecasting",
        "Rhein Logistik AG",
        "Mara Wolf",
        "mara@rhein.example",
        "64000.00",
        "EUR",
        "Prospecting",
        120,
    ),
]


def load_stages() -> dict[str, Stage]:
    stages = {}
    for name, order, category, qualified in COMPANY_STAGES:
        stages[name], _ = Stage.objects.update_or_create(
            name=name, defaults={"sort_order": order, "category": category, "is_qualified": qualified}
        )
    return stages


def load_connection(stages: dict[str, Stage]) -> Connection:
    connection, _ = Connection.objects.get_or_create(name="Salesforce report (CSV)", defaults={"kind": Source.CSV})
    for label, stage_name in SALESFORCE_LABELS.items():
        StageMapping.objects.update_or_create(
            connection=connection, value=label, defaults={"stage": stages[stage_name]}
        )
    return connection


def load_deals(users: dict, organisations: dict) -> list[Deal]:
    stages = load_stages()
    connection = load_connection(stages)
    today = timezone.localdate()
    deals = []
    for username, name, account, contact, email, amount, currency, stage_name, days in MANUAL_DEALS:
        owner = users[username]
        stage = stages[stage_name]
        outcome = outcome_for(stage)
        day = today + datetime.timedelta(days=days)
        deal, _ = Deal.objects.update_or_create(
            source=Source.MANUAL,
            name=name,
            owner=owner,
            defaults={
                "account_name": account,
                "contact_name": contact,
                "contact_email": email,
                "amount": Decimal(amount),
                "currency": currency,
                "stage": stage,
                "outcome": outcome,
                "expected_close_date": day,
                "close_date": day if outcome != Outcome.OPEN else None,
                "organisation": owner.organisation,
                "region": owner.organisation.region if owner.organisation_id else owner.region,
                "created_by": owner,
            },
        )
        deals.append(deal)
    imported = [
        (
            "0065g00000AbCdEAAV",
            "Northwind Retail — store analytics",
            "Northwind Retail",
            users["rep"],
            "",
            "Negotiation/Review",
        ),
        (
            "0065g00000AbCdFAAV",
            "Harbour Bank — risk reporting",
            "Harbour Bank plc",
            None,
            "j.doe@former-rep.example",
            "Needs Analysis",
        ),
    ]
    for external_id, name, account, owner, unresolved, label in imported:
        stage = stages[SALESFORCE_LABELS[label]]
        deal, _ = Deal.objects.update_or_create(
            connection=connection,
            external_id=external_id,
            defaults={
                "source": Source.CSV,
                "name": name,
                "account_name": account,
                "amount": Decimal("91000.00"),
                "currency": "USD",
                "stage": stage,
                "source_stage": label,
                "outcome": outcome_for(stage),
                "expected_close_date": today + datetime.timedelta(days=60),
                "owner": owner,
                "unresolved_owner": unresolved if owner is None else "",
                "segment": "Financial services" if "Bank" in name else "Retail",
            },
        )
        deals.append(deal)
    return deals
