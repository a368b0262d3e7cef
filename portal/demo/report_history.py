"""A year of demo deal history for the marketing reports: about two hundred deals from the demo's
Salesforce report (CSV) connection, most of them closed over the last twelve months, and the final
downloads and share-link views of the demo's approved documents that went to them.

The figures are made to look like a real company's year: some templates used far more than others,
three with enough closed deals to judge, two used only now and then ("too few to judge"), and one
published template nobody ever delivered ("unused content"). Deals that used the datasheet or the
case study before closing win more often; that is association built into the demo, not an effect.

Seeded, so every load makes the same history relative to today. Delivery events are append-only,
so nothing is updated: when the history's deals exist the history is left alone. No PDF is
rendered: the events are written as `record_delivery` would write them, then the rollups are
rebuilt from the events."""

import datetime
import hashlib
import math
import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from deals.models import Channel, Connection, Deal, DeliveryEvent, ShareLink, Source, Stage
from deals.services.rollups import rebuild_rollups
from deals.services.stages import outcome_for
from templates_lib.models import CollateralDocument
from templates_lib.rendering.html import RENDERER_VERSION
from templates_lib.rendering.profile import Profile

from .deals import SALESFORCE_LABELS

CONNECTION_NAME = "Salesforce report (CSV)"
EXTERNAL_ID_PREFIX = "demo-history-"
SEED = 2026
DEAL_COUNT = 200
HISTORY_DAYS = 364  # events and close dates stay within the last twelve months

ONEPAGER = "Product one-pager"
DATASHEET = "Forecast product datasheet"
CASE_STUDY = "Brightpath Partners case study"
FLYER = "Forecast Forward breakfast flyer"
BROCHURE = "Platform brochure 2026"
# "Partner one-pager (US Letter)" is left without a delivery: the unused-content report's example.

# Which templates each owner reaches for (weights), and how much a deal that used one before
# closing is more likely to be won (added to the base win rate).
REP_TEMPLATES = {ONEPAGER: 0.50, DATASHEET: 0.36, CASE_STUDY: 0.10, BROCHURE: 0.10, FLYER: 0.30}
PARTNER_TEMPLATES = {DATASHEET: 0.55, CASE_STUDY: 0.45}
WIN_LIFT = {ONEPAGER: 0.06, DATASHEET: 0.16, CASE_STUDY: 0.14, BROCHURE: 0.02, FLYER: 0.04}
BASE_WIN_RATE = 0.24

OWNERS = [("rep", 0.62), ("partner", 0.30), ("partnermanager", 0.08)]
USES_PORTAL = {"rep": 0.62, "partner": 0.58, "partnermanager": 0.0}
SEGMENTS = [
    ("Manufacturing", 0.22),
    ("Retail", 0.20),
    ("Financial services", 0.18),
    ("Logistics", 0.18),
    ("Healthcare", 0.12),
    ("Public sector", 0.10),
]
REP_REGIONS = [("emea", 0.72), ("na", 0.18), ("apac", 0.10)]
OPEN_STAGES = ["Prospecting", "Qualification", "Proposal", "Negotiation"]

ACCOUNT_STEMS = [
    "Aurora", "Baltic", "Cobalt", "Delta", "Elbe", "Falcon", "Granite", "Helios", "Isar", "Juniper",
    "Kraken", "Linden", "Meridian", "Nordlys", "Orchid", "Pioneer", "Quarry", "Riviera", "Sable",
    "Tamar", "Umbra", "Vantage", "Westwind", "Yarrow", "Zephyr",
]  # fmt: skip
ACCOUNT_KINDS = [
    "Logistics", "Foods", "Health", "Energy", "Retail Group", "Bank", "Textiles", "Shipping",
    "Pharma", "Components", "Insurance", "Freight",
]  # fmt: skip
OFFERS = [
    "fleet analytics", "forecasting", "renewal", "pipeline dashboards", "expansion", "pilot",
    "revenue reporting", "sales planning", "partner portal", "territory analytics",
]  # fmt: skip
FIRST_NAMES = [
    "Anna", "Bruno", "Clara", "David", "Elif", "Felix", "Greta", "Hugo", "Ines", "Jan", "Katja",
    "Luca", "Maja", "Nils", "Olga", "Pablo", "Rosa", "Sven", "Tara", "Viktor",
]  # fmt: skip
LAST_NAMES = [
    "Andersen", "Berger", "Costa", "Dubois", "Eriksen", "Fischer", "García", "Hansen", "Ivanova",
    "Jansen", "Kowalski", "Larsen", "Moreau", "Novak", "Oliveira", "Peters", "Rossi", "Schmidt",
]  # fmt: skip


@dataclass
class _Use:
    """One template delivered for one deal: the document, and the days it went out."""

    document: CollateralDocument
    days: list[datetime.date] = field(default_factory=list)
    share_days: list[datetime.date] = field(default_factory=list)


def _pick(rng: random.Random, weighted: Sequence[tuple[str, float]]) -> str:
    names, weights = zip(*weighted, strict=True)
    return rng.choices(names, weights=weights)[0]


def _hex(rng: random.Random) -> str:
    return f"{rng.getrandbits(256):064x}"


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _at(rng: random.Random, day: datetime.date) -> datetime.datetime:
    """A moment in office hours on `day`, in the portal's time zone."""
    moment = datetime.datetime.combine(day, datetime.time(rng.randint(8, 17), rng.randint(0, 59), rng.randint(0, 59)))
    return timezone.make_aware(moment)


def _days_between(rng: random.Random, first: datetime.date, last: datetime.date, n: int) -> list[datetime.date]:
    span = max((last - first).days, 0)
    return sorted(first + datetime.timedelta(days=rng.randint(0, span)) for _ in range(n))


def _amount(rng: random.Random) -> Decimal:
    value = min(max(rng.lognormvariate(math.log(32000), 0.75), 4000), 400000)
    return Decimal(round(value / 500) * 500).quantize(Decimal("0.01"))


def _account_names(rng: random.Random) -> list[str]:
    names = [f"{stem} {kind}" for stem in ACCOUNT_STEMS for kind in ACCOUNT_KINDS]
    rng.shuffle(names)
    return names


def history_exists() -> bool:
    return Deal.objects.filter(connection__name=CONNECTION_NAME, external_id__startswith=EXTERNAL_ID_PREFIX).exists()


def load_report_history(users: dict, organisations: dict, *, today: datetime.date | None = None) -> dict[str, int]:
    """Write the year's deals, share links and delivery events once, then rebuild the rollups.
    Returns what was written (all zero when the history was already there)."""
    if history_exists():
        return {"deals": 0, "events": 0, "share_links": 0}
    today = today or timezone.localdate()
    rng = random.Random(SEED)
    connection = Connection.objects.get(name=CONNECTION_NAME)
    stages = {stage.name: stage for stage in Stage.objects.all()}
    labels = {stage: label for label, stage in SALESFORCE_LABELS.items()}
    regions = organisations["regions"]
    documents = {
        (document.owner_id, document.template.title): document
        for document in CollateralDocument.objects.filter(
            owner__in=[users["rep"], users["partner"]], live=True, live_revision__isnull=False, deleted_at__isnull=True
        )
        .select_related("template", "owner__organisation")
        .order_by("pk")
    }
    yesterday = today - datetime.timedelta(days=1)
    earliest = today - datetime.timedelta(days=HISTORY_DAYS)
    flyer_event = (today - datetime.timedelta(days=150), today - datetime.timedelta(days=128))
    brochure_until = today - datetime.timedelta(days=200)
    accounts = _account_names(rng)

    deals: list[Deal] = []
    plans: list[list[_Use]] = []
    for number in range(1, DEAL_COUNT + 1):
        username = _pick(rng, OWNERS)
        owner = users[username]
        account = accounts[number - 1]
        contact_first, contact_last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        is_open = rng.random() < 0.14
        cycle = rng.randint(25, 150)
        if is_open:
            stage = stages[rng.choice(OPEN_STAGES)]
            expected = today + datetime.timedelta(days=rng.randint(10, 120))
            close = None
            started = max(today - datetime.timedelta(days=rng.randint(20, 100)), earliest)
            active_until = yesterday
        else:
            close = today - datetime.timedelta(days=rng.randint(1, HISTORY_DAYS - 5))
            expected = close + datetime.timedelta(days=rng.randint(-20, 20))
            started = max(close - datetime.timedelta(days=cycle), earliest)
            active_until = max(close - datetime.timedelta(days=1), started)

        uses: list[_Use] = []
        late_only = False
        if rng.random() < USES_PORTAL[username]:
            preferences = dict(PARTNER_TEMPLATES if owner.organisation_id else REP_TEMPLATES)
            # A few deals only got their documents after closing (onboarding packs): "no template".
            late_only = close is not None and close < yesterday and rng.random() < 0.05
            if late_only:
                preferences.pop(FLYER, None)
            if started > brochure_until:
                preferences.pop(BROCHURE, None)
            if not (started <= flyer_event[1] and active_until >= flyer_event[0]):
                preferences.pop(FLYER, None)
            preferences = {t: w for t, w in preferences.items() if (owner.pk, t) in documents}
            count = min(rng.choices([1, 2, 3], weights=[0.6, 0.32, 0.08])[0], len(preferences))
            chosen: list[str] = []
            while len(chosen) < count:
                title = _pick(rng, [(t, w) for t, w in preferences.items() if t not in chosen])
                chosen.append(title)
            for title in chosen:
                first, last = started, active_until
                if late_only:
                    first, last = (
                        close + datetime.timedelta(days=1),
                        min(close + datetime.timedelta(days=40), yesterday),
                    )
                if title == FLYER:
                    first, last = max(first, flyer_event[0]), min(last, flyer_event[1])
                use = _Use(documents[(owner.pk, title)])
                use.days = _days_between(rng, first, last, rng.choices([1, 2, 3], weights=[0.55, 0.3, 0.15])[0])
                if rng.random() < 0.45:
                    use.share_days = _days_between(rng, use.days[0], last, rng.randint(1, 5))
                uses.append(use)
            # Some documents go out again after the deal closed (a reference for the next buyer).
            if uses and close is not None and not late_only and close < yesterday and rng.random() < 0.1:
                after = close + datetime.timedelta(days=rng.randint(1, 30))
                uses[0].days.append(min(after, yesterday))

        if not is_open:
            lift = 0.0 if late_only else sum(WIN_LIFT.get(use.document.template.title, 0) for use in uses)
            won = rng.random() < min(BASE_WIN_RATE + lift, 0.72)
            stage = stages["Closed Won" if won else "Closed Lost"]

        region = owner.organisation.region if owner.organisation_id else regions[_pick(rng, REP_REGIONS)]
        euro = region.code == "emea" and rng.random() < 0.9
        created = _at(rng, max(started - datetime.timedelta(days=rng.randint(0, 20)), earliest))
        deals.append(
            Deal(
                public_id=_uuid(rng),
                source=Source.CSV,
                connection=connection,
                external_id=f"{EXTERNAL_ID_PREFIX}{number:03d}",
                name=f"{account} — {rng.choice(OFFERS)}",
                account_name=account,
                contact_name=f"{contact_first} {contact_last}",
                contact_email=f"{contact_first.lower()}@{account.split()[0].lower()}.example",
                amount=_amount(rng),
                currency="EUR" if euro else "USD",
                stage=stage,
                source_stage=labels[stage.name],
                outcome=outcome_for(stage),
                close_date=close,
                expected_close_date=expected,
                owner=owner,
                organisation=owner.organisation,
                region=region,
                segment=_pick(rng, SEGMENTS),
                remote_created_at=created,
                remote_modified_at=_at(rng, close or yesterday),
            )
        )
        plans.append(uses)

    Deal.objects.bulk_create(deals)
    # Created and updated as the CRM says, so today's portal deals stay first in the lists.
    for deal in deals:
        deal.created_at, deal.updated_at = deal.remote_created_at, deal.remote_modified_at
    Deal.objects.bulk_update(deals, ["created_at", "updated_at"])

    events, links = _events(rng, deals, plans)
    return {"deals": len(deals), "events": len(events), "share_links": len(links), "rollup_rows": rebuild_rollups()}


def _events(
    rng: random.Random, deals: list[Deal], plans: list[list[_Use]]
) -> tuple[list[DeliveryEvent], list[ShareLink]]:
    """Each use's portal downloads, and the share link its owner sent the deal's contact with the
    contact's opens of it (share views: no signed-in user, the link's creator accountable)."""
    events: list[DeliveryEvent] = []
    shared: list[tuple[ShareLink, _Use, Deal, list[datetime.datetime]]] = []

    def event(use: _Use, deal: Deal, channel: str, at: datetime.datetime, link: ShareLink | None) -> DeliveryEvent:
        document, owner = use.document, use.document.owner
        return DeliveryEvent(
            public_id=_uuid(rng),
            occurred_at=at,
            channel=channel,
            document=document,
            document_revision_id=document.live_revision_id,
            template_id=document.template_id,
            template_revision_id=document.template_revision_id,
            deal=deal,
            user=None if link is not None else owner,
            organisation_id=owner.organisation_id,
            region_id=owner.effective_region_id,
            share_link=link,
            profile=Profile.DIGITAL,
            render_key=_hex(rng),
            sha256=_hex(rng),
            renderer_version=RENDERER_VERSION,
            render={},
            detail={},
        )

    for deal, uses in zip(deals, plans, strict=True):
        for use in uses:
            downloads = [_at(rng, day) for day in use.days]
            events += [event(use, deal, Channel.PORTAL_PDF, at, None) for at in downloads]
            if not use.share_days:
                continue
            shared_at = downloads[0] + datetime.timedelta(minutes=rng.randint(5, 90))
            opens = sorted(max(_at(rng, day), shared_at + datetime.timedelta(hours=1)) for day in use.share_days)
            link = ShareLink(
                public_id=_uuid(rng),
                token_hash=hashlib.sha256(_hex(rng).encode()).hexdigest(),
                document=use.document,
                deal=deal,
                created_by=use.document.owner,
                recipient_name=deal.contact_name,
                recipient_email=deal.contact_email,
                expires_at=shared_at + datetime.timedelta(days=30),
                first_opened_at=opens[0],
                # Summarised already: the demo must not send a year of "opened again" notifications.
                opens_summarised_until=opens[-1],
            )
            shared.append((link, use, deal, shared_at, opens))

    links = [link for link, *_ in shared]
    ShareLink.objects.bulk_create(links)
    # Created when it was sent (bulk_create stamps now on the automatic field).
    for link, _use, _deal, shared_at, _opens in shared:
        link.created_at = shared_at
    ShareLink.objects.bulk_update(links, ["created_at"])
    for link, use, deal, _shared_at, opens in shared:
        events += [event(use, deal, Channel.SHARE_VIEW, at, link) for at in opens]
    DeliveryEvent.objects.bulk_create(events, batch_size=1000)
    return events, links
