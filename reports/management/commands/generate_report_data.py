"""`manage.py generate_report_data`: deals and delivery events at scale for the reports (bench/reports.py).

    manage.py generate_report_data --templates 1000 --deals 100000 --events 1000000 --seed 1

Run it after `load_demo`. Templates, partner organisations and users come from
`generate_scale_data` ("Scale …" rows, demo layouts); each generated template then gets a published
revision of its own, and each user a document of each template in their repertoire (about a dozen
templates a person), with an approved revision. Then, over the last two years:

- deals (about 60 % closed, win rate about 30 %): owner, organisation and region from the owner;
  segments, amounts (mostly EUR, some USD and GBP). The win probability depends on region,
  segment and size, and on the templates used before closing: most templates do nothing, about
  one in seven helps and one in seven hurts, so the report has something to find;
- delivery events: reps download a deal's documents in bursts (often several times the same day),
  share-link views follow downloads, about 20 % of events are for no deal, and some come after the
  deal closed. Events are written with plain multi-row inserts, not `record_delivery`.

Events happen in working hours (08:00–18:00) of TIME_ZONE, so their local day is unambiguous; the
rollups are then rebuilt from all events with one INSERT … SELECT … GROUP BY per rollup table (the
local day computed by the database: AT TIME ZONE on PostgreSQL, Django's own SQLite function
otherwise), which `manage.py check_rollups` confirms. Refuses to run on a database that already has
deals when DEBUG is off, unless --force.
"""

# ruff: noqa: S608 - the rollup SQL is built from model table and column names only, no input

import math
import random
import time
import uuid
import zoneinfo
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries, transaction
from django.utils import timezone

from wagtail.models import Revision

from accounts.models import Organisation
from deals.models import ActivityDay, Channel, Deal, DealUse, DeliveryEvent, Outcome, RevisionDealUse, TemplateDealUse
from templates_lib.models import CollateralDocument, CollateralTemplate
from templates_lib.models.document import ApprovalState

BATCH = 2000
EVENT_BATCH = 10000
DAYS = 730
REPERTOIRE = 12  # templates each person uses
SEGMENTS = [
    "Retail",
    "Manufacturing",
    "Healthcare",
    "Food and beverage",
    "Automotive",
    "Public sector",
    "Logistics",
    "Financial services",
]
CURRENCIES = ["EUR"] * 15 + ["USD"] * 3 + ["GBP"] * 2


class Command(BaseCommand):
    help = "Generate templates, documents, deals and delivery events for the reports, then their rollups."

    def add_arguments(self, parser):
        parser.add_argument("--templates", type=int, default=1000)
        parser.add_argument("--deals", type=int, default=100_000)
        parser.add_argument("--events", type=int, default=1_000_000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off and deals present.")

    def handle(self, *args, templates, deals, events, seed, force, **options):
        if not settings.DEBUG and not force and Deal.objects.exists():
            raise CommandError(
                "This database already has deals and DEBUG is off: generated report data would mix with "
                "real data. Use a throwaway database, or --force if you really mean it."
            )
        if templates < 1 or deals < 1 or events < 1:
            raise CommandError("--templates, --deals and --events must be positive.")
        self.rng = random.Random(seed)  # noqa: S311 - made-up data, not secrets
        self.tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        self.today = timezone.localdate()
        self.postgres = connection.vendor == "postgresql"
        started = time.perf_counter()
        users = max(20, deals // 50)
        with self.phase(f"templates, organisations, users (generate_scale_data, {users} users)"):
            call_command(
                "generate_scale_data",
                templates=templates,
                organisations=max(5, users // 10),
                users=users,
                seed=seed,
                stdout=self.stdout,
            )
        with transaction.atomic():
            with self.phase("template revisions"):
                template_rows = self.template_revisions(templates)
            with self.phase("people and documents"):
                people = self.people(users)
                documents = self.documents(people, template_rows)
            with self.phase(f"{deals} deals"):
                deal_rows, pairs = self.deals(deals, people, template_rows)
            with self.phase(f"{events} delivery events"):
                written = self.events(events, deal_rows, pairs, people, documents)
            with self.phase("rollups (INSERT … SELECT … GROUP BY)"):
                rows = rebuild_rollups_in_sql()
        self.stdout.write(
            self.style.SUCCESS(
                f"Report data: {len(template_rows)} templates, {len(documents)} documents, {len(deal_rows)} deals, "
                f"{written} events, {rows} rollup rows in {time.perf_counter() - started:.1f} s."
            )
        )

    # Progress ----------------------------------------------------------------------------------

    def phase(self, label: str):
        command = self

        class Phase:
            def __enter__(self):
                self.started = time.perf_counter()
                command.stdout.write(f"… {label}")
                command.stdout.flush()

            def __exit__(self, *exc):
                reset_queries()
                if exc[0] is None:
                    command.stdout.write(f"  {label}: {time.perf_counter() - self.started:.1f} s")

        return Phase()

    # Templates: a published revision of their own --------------------------------------------

    def template_revisions(self, count: int) -> list[dict]:
        """The first `count` generated templates, each with its own live revision (a copy of the demo
        template revision it was made from); [{id, revision_id, lift}]."""
        chosen = list(CollateralTemplate.objects.filter(title__startswith="Scale ").order_by("pk")[:count])
        if len(chosen) < count:
            raise CommandError(f"Only {len(chosen)} generated templates: generate_scale_data made too few.")
        content_type = ContentType.objects.get_for_model(CollateralTemplate)
        sources = {r.pk: r for r in Revision.objects.filter(pk__in={t.live_revision_id for t in chosen})}
        missing = [t for t in chosen if sources[t.live_revision_id].object_id != str(t.pk)]
        now = timezone.now()
        revisions = [
            Revision(
                content_type=content_type,
                base_content_type=content_type,
                object_id=str(t.pk),
                created_at=now,
                object_str=t.title[:255],
                content={**sources[t.live_revision_id].content, "pk": t.pk, "title": t.title},
                approved_go_live_at=None,
            )
            for t in missing
        ]
        Revision.objects.bulk_create(revisions, batch_size=BATCH)
        for template, revision in zip(missing, revisions, strict=True):
            template.live_revision_id = template.latest_revision_id = revision.pk
        CollateralTemplate.objects.bulk_update(missing, ["live_revision", "latest_revision"], batch_size=BATCH)
        rows = []
        for template in chosen:
            effect = self.rng.random()
            if effect < 0.15:
                lift = self.rng.uniform(0.08, 0.20)  # helps
            elif effect < 0.30:
                lift = -self.rng.uniform(0.05, 0.12)  # hurts
            else:
                lift = self.rng.gauss(0, 0.015)
            rows.append({"id": template.pk, "revision_id": template.live_revision_id, "lift": lift})
        return rows

    # People: generated users, with their organisation and effective region ---------------------

    def people(self, count: int) -> list[dict]:
        regions = dict(Organisation.objects.values_list("pk", "region_id"))
        rows = (
            get_user_model()
            .objects.filter(username__startswith="scale-user-")
            .order_by("username")
            .values_list("pk", "organisation_id", "region_id")[:count]
        )
        people = [
            {"id": pk, "organisation_id": org, "region_id": regions.get(org) if org else region}
            for pk, org, region in rows
        ]
        if not people:
            raise CommandError("No generated users: generate_scale_data made none.")
        return people

    def documents(self, people: list[dict], templates: list[dict]) -> dict[tuple[int, int], tuple[int, int]]:
        """A document per person and template of their repertoire: {(user, template): (document, revision)}."""
        existing = {
            (owner, template): (pk, live_revision)
            for pk, owner, template, live_revision in CollateralDocument.objects.filter(
                title__startswith="Report document ", live_revision__isnull=False
            ).values_list("pk", "owner_id", "template_id", "live_revision_id")
        }
        wanted = []
        for person in people:
            picks = self.rng.sample(templates, k=min(REPERTOIRE, len(templates)))
            person["repertoire"] = [t["id"] for t in picks]
            wanted += [(person["id"], t) for t in picks if (person["id"], t["id"]) not in existing]
        content_type = ContentType.objects.get_for_model(CollateralDocument)
        now = timezone.now()
        new = [
            CollateralDocument(
                public_id=uuid.UUID(int=self.rng.getrandbits(128), version=4),
                owner_id=owner,
                template_id=template["id"],
                template_revision_id=template["revision_id"],
                title=f"Report document {owner}-{template['id']}",
                values={},
                approval_state=ApprovalState.APPROVED,
                live=True,
                has_unpublished_changes=False,
                first_published_at=now,
                last_published_at=now,
            )
            for owner, template in wanted
        ]
        CollateralDocument.objects.bulk_create(new, batch_size=BATCH)
        revisions = [
            Revision(
                content_type=content_type,
                base_content_type=content_type,
                object_id=str(document.pk),
                created_at=now,
                user_id=document.owner_id,
                object_str=document.title,
                content={"pk": document.pk, "title": document.title, "values": {}},
            )
            for document in new
        ]
        Revision.objects.bulk_create(revisions, batch_size=BATCH)
        for document, revision in zip(new, revisions, strict=True):
            document.live_revision_id = document.latest_revision_id = revision.pk
            existing[(document.owner_id, document.template_id)] = (document.pk, revision.pk)
        CollateralDocument.objects.bulk_update(new, ["live_revision", "latest_revision"], batch_size=BATCH)
        return existing

    # Deals: outcomes depend on the templates used before closing -------------------------------

    def deals(self, count: int, people: list[dict], templates: list[dict]):
        rng = self.rng
        lift = {t["id"]: t["lift"] for t in templates}
        region_ids = sorted({p["region_id"] for p in people if p["region_id"]})
        region_effect = {r: rng.uniform(-0.04, 0.04) for r in region_ids}
        segment_effect = {s: rng.uniform(-0.05, 0.05) for s in SEGMENTS}
        deals, plans, pairs = [], [], []
        for n in range(count):
            person = rng.choice(people)
            created = self.today - timedelta(days=rng.randrange(DAYS))
            duration = rng.randint(14, 180)
            close = created + timedelta(days=duration)
            closed = close < self.today and rng.random() < 0.69
            amount = Decimal(round(math.exp(rng.gauss(10.3, 1.1)), -2)).quantize(Decimal("0.01"))
            segment = rng.choice(SEGMENTS)
            # Templates used: none for a quarter of the deals, else one to three of the owner's.
            used = []
            if rng.random() < 0.75:
                used = rng.sample(person["repertoire"], k=min(len(person["repertoire"]), rng.choice((1, 1, 2, 2, 3))))
            # About one pair in ten starts only after the deal closed: it does not count as used.
            late = {t for t in used if closed and rng.random() < 0.1}
            p_win = 0.22 + region_effect.get(person["region_id"], 0) + segment_effect[segment]
            p_win += 0.05 if amount <= 10000 else (-0.06 if amount > 250000 else 0)
            counted = [lift[t] for t in used if t not in late]
            if counted:
                p_win += 0.03 + max(counted) + 0.3 * sum(sorted(counted)[:-1])
            outcome = Outcome.OPEN
            if closed:
                outcome = Outcome.WON if rng.random() < min(0.9, max(0.02, p_win)) else Outcome.LOST
            deals.append(
                Deal(
                    public_id=uuid.UUID(int=rng.getrandbits(128), version=4),
                    name=f"Report deal {n:06d}",
                    account_name=f"Account {rng.randrange(count // 3 + 1):05d}",
                    amount=amount,
                    currency=rng.choice(CURRENCIES),
                    outcome=outcome,
                    close_date=close if closed else None,
                    expected_close_date=close,
                    owner_id=person["id"],
                    organisation_id=person["organisation_id"],
                    region_id=person["region_id"],
                    segment=segment,
                    remote_created_at=datetime(created.year, created.month, created.day, 9, tzinfo=UTC),
                )
            )
            plans.append((person, created, close if closed else None, used, late))
        for start in range(0, len(deals), BATCH):
            Deal.objects.bulk_create(deals[start : start + BATCH])
            reset_queries()
        rows = []
        for deal, (person, created, close, used, late) in zip(deals, plans, strict=True):
            rows.append({"id": deal.pk, "person": person, "created": created, "close": close})
            pairs += [(len(rows) - 1, template, template in late) for template in used]
        self.stdout.write(
            f"  {sum(1 for d in deals if d.outcome != Outcome.OPEN)} closed, "
            f"{sum(1 for d in deals if d.outcome == Outcome.WON)} won, {len(pairs)} deal–template pairs"
        )
        return rows, pairs

    # Delivery events ---------------------------------------------------------------------------

    def moment(self, day: date, seconds: int):
        """`seconds` after local midnight of `day` (in working hours), as the database stores it."""
        local = datetime(day.year, day.month, day.day, tzinfo=self.tz) + timedelta(seconds=seconds)
        utc = local.astimezone(UTC)
        return utc if self.postgres else utc.replace(tzinfo=None).isoformat(sep=" ")

    def burst_events(self, count: int, start: date, person: dict, template: int, documents: dict, deal_id):
        """`count` events of one person and document: bursts of downloads, share views after them."""
        rng = self.rng
        document, document_revision = documents[(person["id"], template)]
        base = (document, document_revision, template, self.revision_of[template], deal_id)
        yesterday = self.today - timedelta(days=1)
        day = min(start, yesterday)
        emitted = 0
        while emitted < count:
            seconds = rng.randint(8 * 3600, 16 * 3600)
            for _ in range(min(count - emitted, 1 + (rng.random() < 0.5) + (rng.random() < 0.3))):
                channel = Channel.PORTAL_PNG if rng.random() < 0.1 else Channel.PORTAL_PDF
                yield (*base, person["id"], channel, self.moment(day, seconds))
                seconds = min(seconds + rng.randint(60, 1800), 18 * 3600 - 1)
                emitted += 1
            views = min(count - emitted, rng.choice((0, 0, 1, 1, 2, 3)))
            for _ in range(views):
                view_day = min(day + timedelta(days=rng.choice((0, 0, 1, 2, 5))), yesterday)
                channel = Channel.SHARE_DOWNLOAD if rng.random() < 0.1 else Channel.SHARE_VIEW
                yield (*base, None, channel, self.moment(view_day, rng.randint(8 * 3600, 18 * 3600 - 1)))
                emitted += 1
            day = min(day + timedelta(days=1 + int(rng.expovariate(1 / 10))), yesterday)

    def events(self, count: int, deals: list[dict], pairs: list, people: list[dict], documents: dict) -> int:
        rng = self.rng
        templates = CollateralTemplate.objects.filter(pk__in={t for _, t in documents})
        self.revision_of = dict(templates.values_list("pk", "live_revision_id"))
        with_deal = round(count * 0.8) if pairs else 0
        weights = [1 + rng.expovariate(1 / 5) for _ in pairs]
        scale = with_deal / sum(weights) if pairs else 0
        counts = [max(1, round(w * scale)) for w in weights]
        difference = with_deal - sum(counts)
        while difference:
            i = rng.randrange(len(counts))
            if difference > 0:
                counts[i] += 1
                difference -= 1
            elif counts[i] > 1:
                counts[i] -= 1
                difference += 1

        def generate():
            for (deal_index, template, late), n in zip(pairs, counts, strict=True):
                deal = deals[deal_index]
                end = deal["close"] or self.today
                if late:
                    start = deal["close"] + timedelta(days=rng.randint(1, 60))
                else:
                    start = deal["created"] + timedelta(days=rng.randrange(max(1, (end - deal["created"]).days)))
                yield from self.burst_events(n, start, deal["person"], template, documents, deal["id"])
            produced = with_deal
            while produced < count:  # no deal: templates tried out, general mailings
                person = rng.choice(people)
                n = min(count - produced, rng.randint(1, 4))
                start = self.today - timedelta(days=rng.randrange(DAYS))
                template = rng.choice(person["repertoire"])
                yield from self.burst_events(n, start, person, template, documents, None)
                produced += n

        table = connection.ops.quote_name(DeliveryEvent._meta.db_table)
        columns = [
            "public_id",
            "document_id",
            "document_revision_id",
            "template_id",
            "template_revision_id",
            "deal_id",
            "user_id",
            "channel",
            "occurred_at",
            "organisation_id",
            "region_id",
            "share_link_id",
            "profile",
            "render_key",
            "sha256",
            "renderer_version",
            "render",
            "detail",
        ]
        sql = (
            f"INSERT INTO {table} ({', '.join(connection.ops.quote_name(c) for c in columns)}) "
            f"VALUES ({', '.join(['%s'] * len(columns))})"
        )
        people_by_id = {p["id"]: p for p in people}
        owner_of = {document: owner for (owner, _), (document, _) in documents.items()}
        written, batch, started = 0, [], time.perf_counter()
        for document, document_revision, template, revision, deal_id, user_id, channel, at in generate():
            public_id = uuid.UUID(int=rng.getrandbits(128), version=4)
            # A share-link event has no user: the link's creator, the document's owner, is accountable.
            person = people_by_id.get(user_id or owner_of[document])
            digest = f"{rng.getrandbits(256):064x}"
            batch.append(
                (
                    public_id if self.postgres else public_id.hex,
                    document,
                    document_revision,
                    template,
                    revision,
                    deal_id,
                    user_id,
                    channel,
                    at,
                    person["organisation_id"] if person else None,
                    person["region_id"] if person else None,
                    None,
                    "digital",
                    digest,
                    digest,
                    "bench",
                    '{"profile": "digital"}',
                    "{}",
                )
            )
            if len(batch) >= EVENT_BATCH:
                written += self.insert(sql, batch)
                batch = []
                if written % 100_000 == 0:
                    rate = written / (time.perf_counter() - started)
                    self.stdout.write(f"  {written} events ({rate:,.0f}/s)")
                    self.stdout.flush()
        if batch:
            written += self.insert(sql, batch)
        return written

    def insert(self, sql: str, batch: list[tuple]) -> int:
        with connection.cursor() as cursor:
            cursor.executemany(sql, batch)
        reset_queries()
        return len(batch)


# Rollups from all events, in the database ---------------------------------------------------------


def local_day_sql() -> tuple[str, list]:
    """SQL for the local calendar day (settings.TIME_ZONE) of `occurred_at`, as Django's TruncDate
    computes it, and its parameters."""
    if connection.vendor == "postgresql":
        return "CAST((occurred_at AT TIME ZONE %s) AS date)", [settings.TIME_ZONE]
    if connection.vendor == "sqlite":
        if settings.TIME_ZONE == "UTC":
            return "date(occurred_at)", []
        return "django_datetime_cast_date(occurred_at, %s, 'UTC')", [settings.TIME_ZONE]
    raise CommandError(f"Rollups in SQL are written for SQLite and PostgreSQL, not {connection.vendor}.")


def rebuild_rollups_in_sql() -> int:
    """Delete the rollups and write them again from every event: what `rebuild_rollups` does, as one
    INSERT … SELECT … GROUP BY per table. Returns the number of rollup rows."""
    quote = connection.ops.quote_name
    events = quote(DeliveryEvent._meta.db_table)
    day, day_params = local_day_sql()
    view = f"'{Channel.SHARE_VIEW.value}'"
    text = "TEXT"
    source = (
        f"(SELECT {day} AS day, occurred_at, channel, template_id, template_revision_id, user_id, "
        f"organisation_id, region_id, deal_id FROM {events}) e"
    )

    def as_text(column: str) -> str:
        return f"CAST(COALESCE({column}, 0) AS {text})"

    key = " || ':' || ".join(
        [f"CAST(day AS {text})", as_text("template_revision_id")]
        + [as_text(c) for c in ("user_id", "organisation_id", "region_id", "deal_id")]
    )
    statements = [
        (
            ActivityDay,
            "key, day, template_id, template_revision_id, user_id, organisation_id, region_id, deal_id, downloads, views",
            f"SELECT {key}, day, template_id, template_revision_id, user_id, organisation_id, region_id, deal_id, "
            f"SUM(CASE WHEN channel = {view} THEN 0 ELSE 1 END), SUM(CASE WHEN channel = {view} THEN 1 ELSE 0 END) "
            f"FROM {source} GROUP BY day, template_id, template_revision_id, user_id, organisation_id, region_id, "
            "deal_id",
        ),
        (
            TemplateDealUse,
            "template_id, deal_id, first_used_on, first_used_at, last_used_at, deliveries",
            f"SELECT template_id, deal_id, MIN(day), MIN(occurred_at), MAX(occurred_at), COUNT(*) FROM {source} "
            "WHERE deal_id IS NOT NULL GROUP BY template_id, deal_id",
        ),
        (
            RevisionDealUse,
            "template_revision_id, template_id, deal_id, first_used_on, deliveries",
            f"SELECT template_revision_id, template_id, deal_id, MIN(day), COUNT(*) FROM {source} "
            "WHERE deal_id IS NOT NULL GROUP BY template_revision_id, template_id, deal_id",
        ),
        (
            DealUse,
            "deal_id, first_used_on, deliveries",
            f"SELECT deal_id, MIN(day), COUNT(*) FROM {source} WHERE deal_id IS NOT NULL GROUP BY deal_id",
        ),
    ]
    total = 0
    with transaction.atomic(), connection.cursor() as cursor:
        for model, _, _ in statements:
            cursor.execute(f"DELETE FROM {quote(model._meta.db_table)}")
        for model, columns, select in statements:
            names = ", ".join(quote(c.strip()) for c in columns.split(","))
            cursor.execute(f"INSERT INTO {quote(model._meta.db_table)} ({names}) {select}", day_params)
            total += cursor.rowcount
    return total
