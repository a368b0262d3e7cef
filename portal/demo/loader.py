"""`manage.py load_demo`: a fictional brand, templates for every kind and lock mode, one user
per role and a few documents. Safe to run again: it updates what it created."""

import io
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.db import transaction

from wagtail.images import get_image_model
from wagtail.models import Collection

from accounts.models import Organisation, Region, Tier
from accounts.roles import Role, ensure_role_groups
from accounts.services import organisation_ensure_group, organisation_member_add
from approvals.services import document_create, document_submit
from brand.models import BrandColour, BrandFont, BrandKit
from brand.services import root_collection
from templates_lib.models import CollateralDocument, CollateralTemplate, TemplateField
from templates_lib.selectors import templates_for_user
from templates_lib.services.audience import template_share
from templates_lib.services.publishing import template_publish

from . import images
from .deals import load_deals
from .feedback_nominations import load_nominations
from .feedback_priority import load_priority_deals
from .feedback_requests import load_feedback_requests
from .report_history import load_report_history
from .templates_data import DEMO_TEMPLATES
from .weekly_record import load_weekly_records

DEMO_PASSWORD = "lastmile-demo"  # noqa: S105 - printed to the person running the demo
PALETTE = {
    "primary": ("Harbour Navy", "#1B2F4E", "100, 78, 30, 35"),
    "secondary": ("Signal Blue", "#1F6FB2", "90, 50, 0, 5"),
    "accent": ("Beacon Orange", "#F08A24", "0, 55, 90, 0"),
    "text": ("Ink", "#1C2230", "75, 65, 45, 80"),
    "muted": ("Slate", "#5B6576", "45, 30, 20, 45"),
    "surface": ("Mist", "#EEF3F8", "6, 2, 0, 2"),
}
FONT_FILES = {
    "Lato": (
        "/usr/share/fonts/truetype/lato/",
        "Lato-Regular.ttf",
        "Lato-Bold.ttf",
        "Lato-Italic.ttf",
        "Lato-BoldItalic.ttf",
    ),
    "Yrsa": ("/usr/share/fonts/truetype/fonts-yrsa-rasa/", "Yrsa-Regular.ttf", "Yrsa-Bold.ttf", "", ""),
}
OFL = "SIL Open Font License 1.1 — installed from Debian's {package} package; see /usr/share/doc/{package}/copyright."


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: Role
    job_title: str
    phone: str


DEMO_USERS = [
    DemoUser("rep", "Dana", "Whitfield", Role.SALES_REP, "Senior Account Executive", "+44 20 7946 0102"),
    DemoUser("partner", "Ravi", "Menon", Role.PARTNER_USER, "Partner Sales Lead", "+49 30 901820"),
    DemoUser("partnermanager", "Lena", "Vogel", Role.PARTNER_MANAGER, "Partner Manager", "+49 30 901821"),
    DemoUser("brand", "Sofia", "Lindqvist", Role.BRAND_MANAGER, "Brand Manager", "+44 20 7946 0150"),
    DemoUser("analyst", "Marcus", "Bell", Role.MARKETING_ANALYST, "Marketing Analyst", "+44 20 7946 0177"),
    DemoUser("admin", "Aiko", "Tanaka", Role.ADMINISTRATOR, "Platform Administrator", "+44 20 7946 0199"),
]


def _collection(name: str) -> Collection:
    root = root_collection()
    existing = root.get_children().filter(name=name).first()
    return existing or root.add_child(name=name)


def _image(title: str, data: bytes, filename: str, collection: Collection, alt: str = ""):
    image_model = get_image_model()
    image = image_model.objects.filter(title=title).first()
    if image is None:
        image = image_model(
            title=title, collection=collection, alt_text=alt or title, file=ImageFile(io.BytesIO(data), name=filename)
        )
        image.save()
    return image


def _font(family: str) -> BrandFont:
    folder, regular, bold, italic, bold_italic = FONT_FILES[family]
    if not Path(folder, regular).exists():
        raise FileNotFoundError(
            f"{folder}{regular} is missing: install Debian's fonts-lato and fonts-yrsa-rasa packages (the README's set-up does)."
        )
    font = BrandFont.objects.filter(family_name=family).first()
    if font is not None:
        return font
    package = "fonts-lato" if family == "Lato" else "fonts-yrsa-rasa"
    font = BrandFont(family_name=family, licence=OFL.format(package=package))
    for attr, name in (("regular", regular), ("bold", bold), ("italic", italic), ("bold_italic", bold_italic)):
        if name:
            getattr(font, attr).save(name, ContentFile(Path(folder, name).read_bytes()), save=False)
    font.save()
    return font


def load_brand() -> tuple[BrandKit, dict]:
    logos = _collection("Logos")
    heroes = _collection("Hero images")
    illustrations = _collection("Illustrations")
    _collection("User uploads")
    p, s, a = PALETTE["primary"][1], PALETTE["secondary"][1], PALETTE["accent"][1]
    assets = {
        "logo": _image("Northwind logo", images.logo("Northwind", "Analytics", p, a), "northwind-logo.png", logos),
        "logo-mono": _image(
            "Northwind logo (mono)",
            images.logo("Northwind", "Analytics", p, a, mono=True),
            "northwind-logo-mono.png",
            logos,
        ),
        "partner-logo": _image(
            "Brightpath Partners logo",
            images.logo("Brightpath", "Partners", "#2E7D5B", "#F2B134"),
            "brightpath-logo.png",
            logos,
        ),
        "skyline-dusk": _image(
            "City at dusk",
            images.skyline(p, a, seed=7),
            "skyline-dusk.jpg",
            heroes,
            "City towers at dusk with lit windows",
        ),
        "skyline-day": _image(
            "City by day",
            images.skyline(p, a, seed=11, dusk=False),
            "skyline-day.jpg",
            heroes,
            "City towers under a clear sky",
        ),
        "waves": _image("Brand waves", images.pattern(p, s, a, seed=3), "waves.jpg", heroes, "Abstract brand waves"),
        "chart": _image(
            "Win-rate chart",
            images.chart(p, s, a),
            "win-rate-chart.png",
            illustrations,
            "Bar chart: win rate rising each quarter",
        ),
    }
    kit = BrandKit.load()
    kit.brand_name = "Northwind Analytics"
    kit.tagline = "Revenue intelligence for B2B sales teams"
    kit.heading_font = _font("Yrsa")
    kit.body_font = _font("Lato")
    kit.primary_logo = assets["logo"]
    kit.monochrome_logo = assets["logo-mono"]
    kit.legal_footer = (
        "© 2026 Northwind Analytics Ltd. All rights reserved. Northwind and the Northwind logo are trademarks of "
        "Northwind Analytics Ltd., registered in England and Wales (No. 01234567), 10 Example Street, London EC1A 1AA. "
        "Figures are based on a 2026 survey of 312 customers and are indicative only; individual results vary. Prices "
        "exclude VAT and are subject to change without notice. This document does not constitute an offer or a contract."
    )
    kit.contact_name = "Northwind Sales"
    kit.contact_email = "sales@northwind.example"
    kit.contact_phone = "+44 20 7946 0000"
    kit.contact_website = "northwind.example/demo"
    kit.contact_address = "10 Example Street, London EC1A 1AA"
    kit.save()
    for order, (role, (name, hex_value, cmyk)) in enumerate(PALETTE.items()):
        BrandColour.objects.update_or_create(
            brand_kit=kit, role=role, defaults={"name": name, "hex": hex_value, "cmyk": cmyk, "sort_order": order}
        )
    return kit, assets


PARTNER_ROLES = (Role.PARTNER_USER, Role.PARTNER_MANAGER)
REGIONS = [("EMEA", "emea"), ("North America", "na"), ("Asia Pacific", "apac")]


TIERS = [("Registered", 10), ("Silver", 20), ("Gold", 30), ("Platinum", 40)]


def load_organisations(assets: dict) -> dict[str, Organisation]:
    regions = {code: Region.objects.get_or_create(code=code, defaults={"name": name})[0] for name, code in REGIONS}
    for name, rank in TIERS:
        Tier.objects.get_or_create(name=name, defaults={"rank": rank})
    brightpath, _ = Organisation.objects.get_or_create(
        name="Brightpath Partners",
        defaults={
            "region": regions["emea"],
            "tier": Tier.objects.get(name="Gold"),
            "logo": assets["partner-logo"],
            "is_logo_approved": False,
            "contact_name": "Brightpath Partners sales desk",
            "contact_email": "sales@brightpath.example",
            "contact_phone": "+49 30 901820",
            "contact_website": "brightpath.example",
        },
    )
    harbourline, _ = Organisation.objects.get_or_create(
        name="Harbourline Resellers", defaults={"region": regions["na"], "tier": Tier.objects.get(name="Silver")}
    )
    for organisation in (brightpath, harbourline):
        organisation_ensure_group(organisation=organisation)
    return {"Brightpath Partners": brightpath, "Harbourline Resellers": harbourline, "regions": regions}


def load_users(assets: dict, organisations: dict | None = None) -> dict[str, object]:
    ensure_role_groups()
    user_model = get_user_model()
    users = {}
    for index, spec in enumerate(DEMO_USERS):
        user, created = user_model.objects.get_or_create(
            username=spec.username,
            defaults={
                "email": f"{spec.username}@{'brightpath' if spec.role in PARTNER_ROLES else 'northwind'}.example"
            },
        )
        user.first_name, user.last_name = spec.first_name, spec.last_name
        user.job_title, user.phone = spec.job_title, spec.phone
        user.is_superuser = spec.role == Role.ADMINISTRATOR
        user.is_staff = spec.role == Role.ADMINISTRATOR
        if user.photo_id is None:
            user.photo = _image(
                f"Portrait of {spec.first_name}",
                images.portrait(PALETTE["secondary"][1], seed=index),
                f"portrait-{spec.username}.jpg",
                _collection("People"),
            )
        if created:
            user.set_password(DEMO_PASSWORD)
        user.save()
        user.groups.set([Group.objects.get(name=spec.role.label)])
        if organisations and spec.role in (Role.PARTNER_USER, Role.PARTNER_MANAGER):
            organisation_member_add(organisation=organisations["Brightpath Partners"], user=user)
        elif organisations and user.region_id is None:
            user.region = organisations["regions"]["emea"]
            user.save(update_fields=["region"])
        users[spec.username] = user
    return users


def load_templates(assets: dict, publisher, organisations: dict | None = None) -> list[CollateralTemplate]:
    templates = []
    gold = Tier.objects.get(name="Gold")
    for spec in DEMO_TEMPLATES:
        template = CollateralTemplate.objects.filter(title=spec["title"]).first()
        if template is not None:
            templates.append(template)
            continue
        template = CollateralTemplate(
            title=spec["title"],
            description=spec["description"],
            layout=spec["layout"],
            page_size=spec.get("page_size", "A4"),
            orientation=spec.get("orientation", "portrait"),
            print_bleed=spec.get("print_bleed", False),
            keywords=spec.get("keywords", ""),
        )
        template.tags.add(*spec.get("tags", []))
        if spec.get("partner_tiers"):
            template.audience_tiers = [gold]
        template.fields = [_field(order, field_spec, assets) for order, field_spec in enumerate(spec["fields"])]
        template.save()
        template.save_revision(user=publisher)
        # Checked by tests/portal/test_load_demo.py; the publishing gate renders, which needs no
        # transaction around it, and the demo loads in one.
        template_publish(template=template, user=publisher, check=False)
        template.refresh_from_db()
        for name in spec.get("shared_with", []):
            if organisations:
                template_share(template=template, organisation=organisations[name])
        templates.append(template)
    return templates


def _field(order: int, spec: dict, assets: dict) -> TemplateField:
    spec = dict(spec)
    image_key = spec.pop("image", None)
    collection_name = spec.pop("collection", None)
    field = TemplateField(sort_order=order, **spec)
    if image_key:
        field.default_image = assets[image_key]
    if collection_name:
        field.collection = _collection(collection_name)
    return field


def load_documents(users: dict, templates: list[CollateralTemplate]) -> None:
    """A document per template the user may use: the rep's for Fjord Maritime, the partner's for Iberia."""
    for owner, customer in ((users["rep"], "Fjord Maritime"), (users["partner"], "Iberia Textiles")):
        for template in templates_for_user(owner):
            title = f"{template.title} – {customer}"
            if CollateralDocument.objects.filter(owner=owner, title=title).exists():
                continue
            document_create(template=template, owner=owner, title=title, values={}, check_fit=False)
    load_review_examples(users, templates)


TAILORED_STORY = (
    "<p><strong>Fjord Maritime</strong> runs 40 vessels on three continents, and its sales team forecasts "
    "charters from spreadsheets. Northwind Analytics brings CRM, bookings and telemetry into one revenue "
    "picture the fleet managers trust.</p>"
)


def load_review_examples(users: dict, templates: list[CollateralTemplate]) -> None:
    """Work for the approval loop: one of the rep's documents with its own story, waiting for brand
    review, and one not yet submitted."""

    onepager = next(t for t in templates if t.title == "Product one-pager")
    rep = users["rep"]
    examples = (
        ("Product one-pager – Fjord Maritime (tailored)", "Tailored story for the Fjord Maritime pitch on Friday."),
        ("Product one-pager – Fjord Maritime (draft story)", None),
    )
    for title, note in examples:
        if CollateralDocument.objects.filter(owner=rep, title=title).exists():
            continue
        document = document_create(
            template=onepager, owner=rep, title=title, values={"body": TAILORED_STORY}, check_fit=False
        )
        if note is not None:
            document_submit(document, user=rep, note=note)


@transaction.atomic
def load_demo() -> dict[str, object]:
    _, assets = load_brand()
    organisations = load_organisations(assets)
    users = load_users(assets, organisations)
    templates = load_templates(assets, publisher=users["brand"], organisations=organisations)
    load_documents(users, templates)
    load_deals(users, organisations)
    load_report_history(users, organisations)
    load_priority_deals(users)
    load_feedback_requests(users)
    load_nominations(users)
    load_weekly_records(users)
    return {"users": users, "templates": templates}
