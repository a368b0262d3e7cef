"""`manage.py generate_scale_data`: many templates, partner organisations and users, for
benchmarks and load tests (see bench/library.py).

    manage.py generate_scale_data --templates 2000 --organisations 500 --users 20000

Run it after `load_demo`: generated templates reuse, in turn, the published revisions of the demo
templates (every kind), so they list, preview and render like real ones. Everything it adds is
named with the "Scale" prefix ("Scale Organisation 0001", "scale-user-00001", "Scale … 00001");
running it again only adds what is missing, so a second run with larger numbers grows the data.
Rows are bulk inserted; all generated users share one unusable password hash.
"""

import random
import time
import uuid
import zlib

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from taggit.models import Tag
from wagtail.search.backends import get_search_backend

from accounts.models import Organisation, Region, Tier
from accounts.roles import Role, ensure_role_groups
from templates_lib.models import CollateralTemplate, TemplateGroupGrant, TemplateTag

PREFIX = "Scale"
ORGANISATION_NAME = f"{PREFIX} Organisation {{:04d}}"
USERNAME = "scale-user-{:05d}"
BATCH = 1000

TOPICS = [
    "Fleet telematics",
    "Cold-chain logistics",
    "Retail analytics",
    "Warehouse automation",
    "Last-mile delivery",
    "Route optimisation",
    "Customer onboarding",
    "Predictive maintenance",
    "Returns management",
    "Carrier integration",
    "Inventory forecasting",
    "Field service",
    "Sustainability reporting",
    "Port operations",
    "Cross-border shipping",
    "Driver safety",
    "Yard management",
    "Parcel tracking",
    "Procurement insights",
    "Partner enablement",
]
INDUSTRIES = ["retail", "manufacturing", "healthcare", "food and beverage", "automotive", "public sector"]
TAGS = [
    "product",
    "new business",
    "renewal",
    "upsell",
    "technical",
    "executive",
    "customer story",
    "event",
    "partners",
    "pricing",
    "security",
    "integration",
    "sustainability",
    "logistics",
    "retail",
    "manufacturing",
    "healthcare",
    "field marketing",
    "webinar",
    "competitive",
]
FIRST_NAMES = ["Alex", "Sam", "Jordan", "Priya", "Mateo", "Yuki", "Amara", "Lars", "Chloé", "Omar", "Ines", "Kwame"]
LAST_NAMES = ["Novak", "Okafor", "Silva", "Berg", "Haddad", "Kowalski", "Moreau", "Tanaka", "Reyes", "Lindgren"]

# Audience mix of generated templates, by template number modulo 20.
INTERNAL_ONLY = range(0, 8)  # 40 %: every internal user
FOR_TIERS = range(8, 12)  # 20 %: partner tiers (half of them also internal)
FOR_REGIONS = range(12, 14)  # 10 %: internal users of one region
# 14–19 (30 %): shared with named organisations, about three per organisation
SHARES_PER_ORGANISATION = 3


class Command(BaseCommand):
    help = "Add many templates, organisations and users (prefixed 'Scale'); only what is missing."

    def add_arguments(self, parser):
        parser.add_argument("--templates", type=int, default=2000)
        parser.add_argument("--organisations", type=int, default=500)
        parser.add_argument("--users", type=int, default=20000)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, templates, organisations, users, seed, **options):
        started = time.perf_counter()
        rng = random.Random(seed)  # noqa: S311 - made-up names, not secrets
        sources = list(
            CollateralTemplate.objects.filter(live=True, live_revision__isnull=False)
            .exclude(title__startswith=f"{PREFIX} ")
            .order_by("title")
        )
        if not sources:
            raise CommandError("No published template to copy: run `manage.py load_demo` first.")
        with transaction.atomic():
            new_organisations = self.organisations(organisations)
            new_users = self.users(users, rng)
            new_templates = self.templates(templates, sources, rng)
            new_grants = self.grants()
            self.index(new_templates)
        self.stdout.write(
            self.style.SUCCESS(
                f"Scale data: added {new_organisations} organisations, {new_users} users, "
                f"{len(new_templates)} templates (search-indexed) and {new_grants} shares "
                f"in {time.perf_counter() - started:.1f} s."
            )
        )

    # Organisations, each with its members group --------------------------------------------

    def organisations(self, count: int) -> int:
        regions = list(Region.objects.order_by("pk"))
        tiers = list(Tier.objects.order_by("rank"))
        existing = set(Organisation.objects.filter(name__startswith=f"{PREFIX} ").values_list("name", flat=True))
        new = []
        for n in range(1, count + 1):
            name = ORGANISATION_NAME.format(n)
            if name in existing:
                continue
            new.append(
                Organisation(
                    public_id=uuid.uuid4(),
                    name=name,
                    region=regions[n % len(regions)] if regions else None,
                    tier=tiers[n % len(tiers)] if tiers else None,
                    is_active=n % 50 != 0,  # 2 % inactive
                    contact_name=f"{name} sales desk",
                    contact_email=f"sales@scale-org-{n:04d}.example",
                    contact_website=f"scale-org-{n:04d}.example",
                )
            )
        groups = Group.objects.bulk_create(
            [Group(name=f"Organisation {organisation.public_id}") for organisation in new], batch_size=BATCH
        )
        for organisation, group in zip(new, groups, strict=True):
            organisation.members_group = group
        Organisation.objects.bulk_create(new, batch_size=BATCH)
        return len(new)

    # Users: a quarter internal reps, the rest partner users of the generated organisations -----

    def users(self, count: int, rng: random.Random) -> int:
        user_model = get_user_model()
        role_groups = {group.name: group for group in Group.objects.filter(name__in=Role.labels)}
        if len(role_groups) < len(Role.labels):
            role_groups = {role.label: group for role, group in ensure_role_groups().items()}
        organisations = list(
            Organisation.objects.filter(name__startswith=f"{PREFIX} ")
            .order_by("name")
            .values_list("pk", "members_group_id")
        )
        regions = list(Region.objects.order_by("pk").values_list("pk", flat=True))
        existing = set(user_model.objects.filter(username__startswith="scale-user-").values_list("username", flat=True))
        password = make_password(None)  # one unusable hash for everybody: no hashing per row
        now = timezone.now()
        new, memberships = [], []
        for n in range(1, count + 1):
            username = USERNAME.format(n)
            if username in existing:
                continue
            partner = organisations and n % 4 != 0
            organisation = organisations[n % len(organisations)] if partner else None
            role = Role.SALES_REP
            if partner:
                role = Role.PARTNER_MANAGER if n % 30 == 1 else Role.PARTNER_USER
            new.append(
                user_model(
                    public_id=uuid.uuid4(),
                    username=username,
                    email=f"{username}@{'partner' if partner else 'northwind'}.scale.example",
                    first_name=rng.choice(FIRST_NAMES),
                    last_name=rng.choice(LAST_NAMES),
                    password=password,
                    date_joined=now,
                    job_title="Partner sales" if partner else "Account executive",
                    organisation_id=organisation[0] if organisation else None,
                    region_id=None if partner or not regions else regions[n % len(regions)],
                )
            )
            memberships.append([role_groups[role.label].pk] + ([organisation[1]] if organisation else []))
        user_model.objects.bulk_create(new, batch_size=BATCH)
        through = user_model.groups.through
        through.objects.bulk_create(
            [
                through(user_id=user.pk, group_id=group_id)
                for user, group_ids in zip(new, memberships, strict=True)
                for group_id in group_ids
                if group_id
            ],
            batch_size=BATCH * 2,
        )
        return len(new)

    # Templates: copies of the demo's published templates, one kind after another ---------------

    def templates(self, count: int, sources: list[CollateralTemplate], rng: random.Random) -> list[int]:
        existing = set(
            CollateralTemplate.objects.filter(title__startswith=f"{PREFIX} ").values_list("title", flat=True)
        )
        tiers = list(Tier.objects.order_by("rank").values_list("pk", flat=True))
        regions = list(Region.objects.order_by("pk").values_list("pk", flat=True))
        tags = self.tags()
        now = timezone.now()
        new, audiences = [], []
        for n in range(1, count + 1):
            source = sources[n % len(sources)]
            topic = TOPICS[zlib.crc32(b"%d" % n) % len(TOPICS)]  # spread over every audience
            title = f"{PREFIX} {topic} {source.get_kind_display().lower()} {n:05d}"
            if title in existing:
                continue
            bucket = n % 20
            internal = bucket in INTERNAL_ONLY or (bucket in FOR_TIERS and n % 2 == 0)
            new.append(
                CollateralTemplate(
                    public_id=uuid.uuid4(),
                    title=title,
                    description=(
                        f"{topic} for {rng.choice(INDUSTRIES)} customers: the business case, "
                        f"three proof points and a call to action. {source.description}"
                    )[:1000],
                    kind=source.kind,
                    layout=source.layout,
                    page_size=source.page_size,
                    orientation=source.orientation,
                    live=True,
                    has_unpublished_changes=False,
                    first_published_at=now,
                    last_published_at=now,
                    live_revision_id=source.live_revision_id,
                    latest_revision_id=source.live_revision_id,
                    audience_internal=internal,
                )
            )
            audiences.append(
                (
                    tiers[n % len(tiers) :][:2] if bucket in FOR_TIERS and tiers else [],
                    [regions[n % len(regions)]] if bucket in FOR_REGIONS and regions else [],
                    rng.sample(tags, k=1 + n % 3),
                )
            )
        CollateralTemplate.objects.bulk_create(new, batch_size=BATCH)
        tier_through = CollateralTemplate.audience_tiers.through
        region_through = CollateralTemplate.audience_regions.through
        pairs = list(zip(new, audiences, strict=True))
        tier_through.objects.bulk_create(
            [tier_through(collateraltemplate_id=t.pk, tier_id=pk) for t, (ts, _, _) in pairs for pk in ts],
            batch_size=BATCH,
        )
        region_through.objects.bulk_create(
            [region_through(collateraltemplate_id=t.pk, region_id=pk) for t, (_, rs, _) in pairs for pk in rs],
            batch_size=BATCH,
        )
        TemplateTag.objects.bulk_create(
            [TemplateTag(content_object_id=t.pk, tag_id=pk) for t, (_, _, tag_ids) in pairs for pk in tag_ids],
            batch_size=BATCH,
        )
        return [t.pk for t in new]

    def tags(self) -> list[int]:

        existing = {tag.name: tag.pk for tag in Tag.objects.filter(name__in=TAGS)}
        slugs = set(Tag.objects.filter(slug__in=[slugify(name) for name in TAGS]).values_list("slug", flat=True))
        missing = [Tag(name=name, slug=slugify(name)) for name in TAGS if name not in existing]
        if any(tag.slug in slugs for tag in missing):  # a tag with another spelling took the slug
            for tag in missing:
                tag.slug = f"{tag.slug}-{uuid.uuid4().hex[:6]}"
        Tag.objects.bulk_create(missing)
        return sorted(set(existing.values()) | {tag.pk for tag in missing})

    # Shares: about three private templates per organisation --------------------------------

    def grants(self) -> int:
        shared = list(
            CollateralTemplate.objects.filter(title__startswith=f"{PREFIX} ", audience_internal=False)
            .exclude(audience_tiers__isnull=False)
            .exclude(audience_regions__isnull=False)
            .order_by("title")
            .values_list("pk", "title")
        )
        # Titles carry the template number last: keep shares stable when the data grows.
        shared = [pk for pk, _ in sorted(shared, key=lambda row: row[1][-5:])]
        groups = list(
            Organisation.objects.filter(name__startswith=f"{PREFIX} ", members_group__isnull=False)
            .order_by("name")
            .values_list("members_group_id", flat=True)
        )
        if not shared or not groups:
            return 0
        permission = Permission.objects.get(content_type__app_label="templates_lib", codename="use_collateraltemplate")
        wanted = {
            (group_id, shared[(SHARES_PER_ORGANISATION * i + k) % len(shared)])
            for i, group_id in enumerate(groups)
            for k in range(SHARES_PER_ORGANISATION)
        }
        have = set(
            TemplateGroupGrant.objects.filter(permission=permission, group_id__in=groups).values_list(
                "group_id", "content_object_id"
            )
        )
        new = [
            TemplateGroupGrant(group_id=group_id, permission=permission, content_object_id=template_id)
            for group_id, template_id in sorted(wanted - have)
        ]
        TemplateGroupGrant.objects.bulk_create(new, batch_size=BATCH)
        return len(new)

    # Search index: bulk_create skips the signals that keep it current -----------------------

    def index(self, ids: list[int]) -> None:

        backend = get_search_backend()
        for start in range(0, len(ids), BATCH):
            chunk = CollateralTemplate.get_indexed_objects().filter(pk__in=ids[start : start + BATCH])
            backend.add_bulk(CollateralTemplate, list(chunk))
