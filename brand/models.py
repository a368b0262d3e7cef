"""The brand kit: one per installation, edited by brand managers in Wagtail admin.

Templates take colours, fonts and logos only from here, so a brand refresh changes
every template's next render.
"""

import posixpath
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, RegexValidator
from django.db import models

from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList, TabbedInterface
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.images.models import AbstractImage, AbstractRendition, Image
from wagtail.models import Orderable
from wagtail.search import index

from .storage import PRIVATE_RENDITIONS, private_upload_name
from .text import SingleLineCharField
from .uploads import validate_font_file, validate_icc_profile

HEX_COLOUR = RegexValidator(r"^#[0-9A-Fa-f]{6}\Z", "Enter a colour as #RRGGBB, for example #1F4E8C.")
CMYK_PERCENTAGE = re.compile(r"[0-9]{1,3}(?:\.[0-9]+)?")  # ASCII digits: float() would take any script's


def parse_cmyk(value: str) -> tuple[float, float, float, float]:
    """CMYK written as four percentages separated by commas ("100, 60, 0, 20"), as numbers.
    The one parser of CMYK values: the model field validates with it and the brand snapshot reads
    with it. Raises ValidationError with a message for a person, never ValueError."""
    parts = [part.strip() for part in value.split(",")]
    if len(parts) != 4 or not all(CMYK_PERCENTAGE.fullmatch(part) for part in parts):
        raise ValidationError(
            "Enter CMYK as four percentages separated by commas, for example 100, 60, 0, 20.", code="invalid"
        )
    cyan, magenta, yellow, black = (float(part) for part in parts)
    if max(cyan, magenta, yellow, black) > 100:
        raise ValidationError("Each CMYK percentage must be between 0 and 100.", code="out_of_range")
    return cyan, magenta, yellow, black


def validate_cmyk(value: str) -> None:
    parse_cmyk(value)


FONT_EXTENSIONS = FileExtensionValidator(["ttf", "otf", "woff2"])


class UploadReview(models.TextChoices):
    """Brand review of an image a user uploaded (library images are approved by being in the library)."""

    NOT_AN_UPLOAD = "", "Library image"
    PENDING = "pending", "Waiting for review"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class BrandImage(AbstractImage):
    """Logos, photos and product shots. Collections make up the approved asset library."""

    title = SingleLineCharField(max_length=255, verbose_name="title")
    alt_text = models.CharField(max_length=255, blank=True, help_text="Describes the image for screen readers.")
    review_state = models.CharField(
        max_length=10, choices=UploadReview.choices, default=UploadReview.NOT_AN_UPLOAD, blank=True, editable=False
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    reviewed_at = models.DateTimeField(null=True, blank=True, editable=False)
    review_note = models.CharField(max_length=500, blank=True, editable=False)
    admin_form_fields = (*Image.admin_form_fields, "alt_text")

    search_fields = [*AbstractImage.search_fields, index.SearchField("alt_text")]

    class Meta(AbstractImage.Meta):
        verbose_name = "image"
        verbose_name_plural = "images"
        permissions = [("choose_brandimage", "Can choose image")]
        # The private image view finds a file by its storage name.
        indexes = [models.Index(fields=["file"], name="brand_image_file")]

    @property
    def is_private(self) -> bool:
        """A user's upload or a partner logo, whatever its review state: never served publicly."""
        return self.review_state != UploadReview.NOT_AN_UPLOAD

    def get_upload_to(self, filename: str) -> str:
        """Uploads get a random name under the private prefix (brand.storage); library images
        keep Wagtail's `original_images/<their name>`."""
        if self.is_private:
            return private_upload_name(filename)
        return super().get_upload_to(filename)


class BrandRendition(AbstractRendition):
    image = models.ForeignKey(BrandImage, on_delete=models.CASCADE, related_name="renditions")

    class Meta:
        unique_together = (("image", "filter_spec", "focal_point_key"),)
        indexes = [models.Index(fields=["file"], name="brand_rendition_file")]

    def get_upload_to(self, filename: str) -> str:
        """A private image's renditions are private too. Wagtail names a rendition after its
        image's file (here a random name) and the filter."""
        if self.image.is_private:
            return posixpath.join(PRIVATE_RENDITIONS, self.file.field.storage.get_valid_name(filename))
        return super().get_upload_to(filename)


class ColourRole(models.TextChoices):
    """The roles every layout styles with; each becomes a CSS custom property --brand-<role>."""

    PRIMARY = "primary", "Primary"
    SECONDARY = "secondary", "Secondary"
    ACCENT = "accent", "Accent"
    TEXT = "text", "Body text"
    MUTED = "muted", "Muted text"
    SURFACE = "surface", "Surface (tinted panels)"


class BrandFont(models.Model):
    """A font family with its uploaded files, embedded in every PDF that uses it."""

    family_name = models.CharField(
        max_length=80,
        unique=True,
        validators=[RegexValidator(r"^[A-Za-z0-9 \-]+\Z", "Use letters, digits, spaces and hyphens only.")],
        help_text="The name layouts use for this family, e.g. 'Brand Sans'.",
    )
    regular = models.FileField(upload_to="brand/fonts/", validators=[FONT_EXTENSIONS, validate_font_file])
    bold = models.FileField(upload_to="brand/fonts/", blank=True, validators=[FONT_EXTENSIONS, validate_font_file])
    italic = models.FileField(upload_to="brand/fonts/", blank=True, validators=[FONT_EXTENSIONS, validate_font_file])
    bold_italic = models.FileField(
        upload_to="brand/fonts/", blank=True, validators=[FONT_EXTENSIONS, validate_font_file]
    )
    licence = models.TextField(blank=True, help_text="The font's licence or where it is recorded.")
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        FieldPanel("family_name"),
        FieldRowPanel([FieldPanel("regular"), FieldPanel("bold")]),
        FieldRowPanel([FieldPanel("italic"), FieldPanel("bold_italic")]),
        FieldPanel("licence"),
    ]

    class Meta:
        ordering = ["family_name"]

    def __str__(self) -> str:
        return self.family_name


@register_setting(icon="palette")
class BrandKit(ClusterableModel, BaseGenericSetting):
    brand_name = SingleLineCharField(max_length=120, default="Your company")
    tagline = models.CharField(max_length=160, blank=True)

    heading_font = models.ForeignKey(BrandFont, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    body_font = models.ForeignKey(BrandFont, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    primary_logo = models.ForeignKey(BrandImage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    monochrome_logo = models.ForeignKey(
        BrandImage,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Single-colour logo for dark backgrounds.",
    )

    legal_footer = models.TextField(
        blank=True, help_text="Printed at the foot of every document; nobody outside brand management can change it."
    )
    contact_name = SingleLineCharField(max_length=120, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    contact_website = models.CharField(max_length=200, blank=True)
    contact_address = models.TextField(blank=True)

    print_icc_profile = models.FileField(
        upload_to="brand/icc/",
        blank=True,
        validators=[FileExtensionValidator(["icc", "icm"]), validate_icc_profile],
        help_text="Your printer's CMYK ICC profile. Without one, print PDFs use sRGB.",
    )

    updated_at = models.DateTimeField(auto_now=True)

    identity_panels = [
        FieldPanel("brand_name"),
        FieldPanel("tagline"),
        MultiFieldPanel([FieldPanel("primary_logo"), FieldPanel("monochrome_logo")], heading="Logos"),
        InlinePanel("colours", heading="Colour palette", label="Colour", min_num=1),
        MultiFieldPanel([FieldPanel("heading_font"), FieldPanel("body_font")], heading="Typography"),
    ]
    copy_panels = [
        FieldPanel("legal_footer"),
        MultiFieldPanel(
            [
                FieldPanel("contact_name"),
                FieldRowPanel([FieldPanel("contact_email"), FieldPanel("contact_phone")]),
                FieldPanel("contact_website"),
                FieldPanel("contact_address"),
            ],
            heading="Default contact details",
        ),
    ]
    print_panels = [FieldPanel("print_icc_profile")]
    edit_handler = TabbedInterface(
        [
            ObjectList(identity_panels, heading="Identity"),
            ObjectList(copy_panels, heading="Legal and contact"),
            ObjectList(print_panels, heading="Print"),
        ]
    )  # Its form, brand.forms.BrandKitForm, is set in brand/wagtail_hooks.py: models sit below admin forms.

    class Meta:
        verbose_name = "brand kit"

    def __str__(self) -> str:
        return self.brand_name


class BrandColour(Orderable):
    brand_kit = ParentalKey(BrandKit, on_delete=models.CASCADE, related_name="colours")
    role = models.CharField(max_length=20, choices=ColourRole.choices)
    name = models.CharField(max_length=60, help_text="What the brand book calls it, e.g. 'Harbour Blue'.")
    hex = models.CharField("hex", max_length=7, validators=[HEX_COLOUR])
    cmyk = models.CharField(
        "CMYK",
        max_length=40,
        blank=True,
        validators=[validate_cmyk],
        help_text="Used in print PDFs: 100, 60, 0, 20. Computed from the hex with the printer's profile "
        "(Print tab) each time you save, unless set by hand.",
    )
    cmyk_set_by_hand = models.BooleanField(
        "CMYK set by hand",
        default=False,
        help_text="Keep the CMYK above when the hex changes (a value from the brand book or the printer).",
    )

    panels = [
        FieldRowPanel([FieldPanel("role"), FieldPanel("name")]),
        FieldPanel("hex"),
        FieldRowPanel([FieldPanel("cmyk"), FieldPanel("cmyk_set_by_hand")]),
    ]

    class Meta(Orderable.Meta):
        constraints = [models.UniqueConstraint(fields=["brand_kit", "role"], name="brand_colour_role_unique")]

    def __str__(self) -> str:
        return f"{self.name} ({self.hex})"
