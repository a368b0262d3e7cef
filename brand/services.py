"""Reads the brand kit into an immutable snapshot that the renderer styles from."""

import hashlib
import io
import json
import logging
from dataclasses import asdict, dataclass, field
from functools import cached_property

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.images import ImageFile

from wagtail.models import Collection

from .models import BrandFont, BrandImage, BrandKit, ColourRole, UploadReview, parse_cmyk
from .uploads import clean_uploaded_image

logger = logging.getLogger(__name__)

FALLBACK_COLOURS = {
    ColourRole.PRIMARY: "#1F3A5F",
    ColourRole.SECONDARY: "#2C7BB6",
    ColourRole.ACCENT: "#F28C28",
    ColourRole.TEXT: "#1C2230",
    ColourRole.MUTED: "#5B6576",
    ColourRole.SURFACE: "#EEF3F8",
}


@dataclass(frozen=True)
class BrandColourValue:
    role: str
    name: str
    hex: str
    cmyk: tuple[float, float, float, float] | None


@dataclass(frozen=True)
class BrandFontFiles:
    family_name: str
    regular: str
    bold: str = ""
    italic: str = ""
    bold_italic: str = ""


@dataclass(frozen=True)
class BrandLogo:
    image_id: int
    file_name: str
    alt: str
    width: int
    height: int


@dataclass(frozen=True)
class BrandSnapshot:
    """Everything a render takes from the brand kit; `version` changes with any edit."""

    brand_name: str
    tagline: str
    colours: tuple[BrandColourValue, ...]
    heading_font: BrandFontFiles | None
    body_font: BrandFontFiles | None
    primary_logo: BrandLogo | None
    monochrome_logo: BrandLogo | None
    legal_footer: str
    contact: dict = field(default_factory=dict)
    icc_profile: str = ""

    @cached_property  # a snapshot never changes; every render key and event reads its version
    def version(self) -> str:
        payload = json.dumps(asdict(self), sort_keys=True, default=str)
        return hashlib.sha256(payload.encode()).hexdigest()[:16]

    def colour(self, role: str) -> BrandColourValue:
        for colour in self.colours:
            if colour.role == role:
                return colour
        raise KeyError(role)


def _cmyk(value: str) -> tuple[float, float, float, float] | None:
    """A stored CMYK value as numbers; None when there is none, or when a value stored before
    validation was this strict does not parse (the colour then prints from its hex value)."""
    if not value.strip():
        return None
    try:
        return parse_cmyk(value)
    except ValidationError:
        logger.warning("Brand colour CMYK %r is not four percentages; print PDFs use its hex value.", value)
        return None


def _font(font: BrandFont | None) -> BrandFontFiles | None:
    if font is None:
        return None
    return BrandFontFiles(
        family_name=font.family_name,
        regular=font.regular.name,
        bold=font.bold.name or "",
        italic=font.italic.name or "",
        bold_italic=font.bold_italic.name or "",
    )


def _logo(image: BrandImage | None) -> BrandLogo | None:
    if image is None:
        return None
    return BrandLogo(
        image_id=image.pk,
        file_name=image.file.name,
        alt=image.alt_text or image.title,
        width=image.width,
        height=image.height,
    )


def brand_snapshot() -> BrandSnapshot:
    """The current brand kit, with every colour role filled (fallbacks for missing roles)."""
    kit = (
        BrandKit.objects.select_related("heading_font", "body_font", "primary_logo", "monochrome_logo")
        .prefetch_related("colours")
        .first()
    )
    if kit is None:
        kit = BrandKit()
        stored_colours = []
    else:
        stored_colours = list(kit.colours.all())
    by_role = {colour.role: colour for colour in stored_colours}
    colours = []
    for role in ColourRole:
        stored = by_role.get(role.value)
        if stored is not None:
            colours.append(BrandColourValue(role.value, stored.name, stored.hex.upper(), _cmyk(stored.cmyk)))
        else:
            colours.append(BrandColourValue(role.value, role.label, FALLBACK_COLOURS[role], None))
    return BrandSnapshot(
        brand_name=kit.brand_name,
        tagline=kit.tagline,
        colours=tuple(colours),
        heading_font=_font(kit.heading_font),
        body_font=_font(kit.body_font),
        primary_logo=_logo(kit.primary_logo),
        monochrome_logo=_logo(kit.monochrome_logo),
        legal_footer=kit.legal_footer,
        contact={
            "name": kit.contact_name,
            "email": kit.contact_email,
            "phone": kit.contact_phone,
            "website": kit.contact_website,
            "address": kit.contact_address,
        },
        icc_profile=kit.print_icc_profile.name or "",
    )


def user_image_upload(*, user: AbstractBaseUser, file: File, title: str = "") -> BrandImage:
    """Store an image a user uploaded for an image field: checked, re-encoded without metadata,
    owned by the user, in the uploads collection (never in the approved library), under a random
    private storage name (BrandImage.get_upload_to); what the client called the file is only ever
    the image's title. Raises django.core.exceptions.ValidationError with a readable message;
    stores nothing then."""

    clean = clean_uploaded_image(file)
    root = root_collection()
    uploads = root.get_children().filter(name=settings.LASTMILE_UPLOAD_COLLECTION).first()
    if uploads is None:
        uploads = root.add_child(name=settings.LASTMILE_UPLOAD_COLLECTION)
    stem = (getattr(file, "name", "") or "upload").rsplit("/", 1)[-1].rsplit(".", 1)[0][:60] or "upload"
    image = BrandImage(
        title=title or stem,
        collection=uploads,
        uploaded_by_user=user,
        review_state=UploadReview.PENDING,
        file=ImageFile(io.BytesIO(clean.content), name=f"upload.{clean.extension}"),
    )
    image.save()
    return image


def root_collection() -> Collection:
    """Wagtail's root collection, recreated if a flushed database lost it (migrations create it)."""

    return Collection.get_first_root_node() or Collection.add_root(name="Root")
