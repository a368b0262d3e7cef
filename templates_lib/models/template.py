"""Collateral templates: a layout plus, for each slot, a field with its lock mode and limits."""

import uuid
from functools import cached_property

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.http import HttpResponse
from django.utils import timezone

from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.models import (
    Collection,
    DraftStateMixin,
    LockableMixin,
    Orderable,
    PreviewableMixin,
    RevisionMixin,
)
from wagtail.search import index

from brand.text import SingleLineCharField
from templates_lib.rendering.errors import RenderError
from templates_lib.rendering.pdf import render_template_preview

from ..field_locks import Formatting, LockMode, is_user_editable
from ..layouts import Kind, Layout, SlotType, get_layout, layout_choices
from ..tokens import token_choices
from .row_fields import RowFieldsMixin

FIELD_KEY = RegexValidator(
    r"^[a-z][a-z0-9_]*$", "Use lower-case letters, digits and underscores, starting with a letter."
)


class PageSize(models.TextChoices):
    A4 = "A4", "A4 (210 × 297 mm)"
    LETTER = "letter", "US Letter (8.5 × 11 in)"


class Orientation(models.TextChoices):
    PORTRAIT = "portrait", "Portrait"
    LANDSCAPE = "landscape", "Landscape"


class TemplateTag(TaggedItemBase):
    content_object = ParentalKey(
        "templates_lib.CollateralTemplate", on_delete=models.CASCADE, related_name="tagged_items"
    )


class CollateralTemplateQuerySet(models.QuerySet):
    """A template's use, against the clock. `expire_at` and `go_live_at` count as soon as their time
    passes, before `publish_scheduled` gets round to (un)publishing the template."""

    def retired(self) -> "CollateralTemplateQuerySet":
        return self.filter(retired_at__isnull=False)

    def expired(self) -> "CollateralTemplateQuerySet":
        """Expired by their schedule and not retired (retirement is reported first)."""
        return self.filter(retired_at__isnull=True).filter(Q(expired=True) | Q(expire_at__lte=timezone.now()))

    def in_use(self) -> "CollateralTemplateQuerySet":
        """Templates new documents may be made from: published, not retired, not expired and not
        scheduled to go live later. The same rule as `CollateralTemplate.is_in_use`."""
        now = timezone.now()
        return (
            self.filter(live=True, expired=False, retired_at__isnull=True)
            .exclude(expire_at__lte=now)
            .exclude(go_live_at__gt=now)
        )


class CollateralTemplate(
    RowFieldsMixin, DraftStateMixin, LockableMixin, RevisionMixin, PreviewableMixin, index.Indexed, ClusterableModel
):
    """What a brand manager publishes: a layout, page format and an ordered set of fields.

    Reps always work from a published revision; a document is pinned to the revision
    it was made from (`CollateralDocument.template_revision`).
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = SingleLineCharField(max_length=160)
    description = models.TextField(blank=True, help_text="Shown to reps in the template library.")
    kind = models.CharField(max_length=20, choices=Kind.choices, editable=False)
    layout = models.CharField(max_length=40, choices=layout_choices)
    page_size = models.CharField(max_length=10, choices=PageSize.choices, default=PageSize.A4)
    orientation = models.CharField(max_length=10, choices=Orientation.choices, default=Orientation.PORTRAIT)
    print_bleed = models.BooleanField(
        default=False, help_text="Add 3 mm bleed and crop marks to print PDFs (for professional printing)."
    )
    keywords = models.CharField(max_length=255, blank=True, help_text="PDF keywords, comma separated.")
    tags = ClusterTaggableManager(through=TemplateTag, blank=True)
    audience_internal = models.BooleanField(
        "all internal users", default=True, help_text="Every sales rep and internal user may use it."
    )
    audience_regions = ParentalManyToManyField(
        "accounts.Region", blank=True, related_name="+", help_text="Internal users in these regions may use it."
    )
    audience_tiers = ParentalManyToManyField(
        "accounts.Tier", blank=True, related_name="+", help_text="Partner organisations of these tiers may use it."
    )
    retired_at = models.DateTimeField(null=True, blank=True, editable=False)
    retired_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    replacement = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replaces",
        editable=False,
        help_text="The template users should move to once this one is retired.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    search_fields = [
        index.SearchField("title", boost=3),
        index.SearchField("description"),
        index.AutocompleteField("title"),
        index.FilterField("kind"),
        index.FilterField("layout"),
        index.FilterField("live"),
        index.RelatedFields("tags", [index.SearchField("name")]),
    ]

    objects = CollateralTemplateQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name = "collateral template"
        permissions = [("use_collateraltemplate", "Can personalise and download this template")]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        super().clean()
        if self.layout:
            self.kind = get_layout(self.layout).kind

    def save(self, *args, **kwargs):
        if self.layout and not self.kind:
            self.kind = get_layout(self.layout).kind
        super().save(*args, **kwargs)

    # Retirement belongs to the template, not to a version of it: publishing an older or a
    # scheduled revision must not bring a retired template back.
    ROW_FIELDS = ("retired_at", "retired_by_id", "replacement_id")

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None

    @property
    def is_expired(self) -> bool:
        """Expired by its schedule, whether or not `publish_scheduled` has run since."""
        return self.expired or (self.expire_at is not None and self.expire_at <= timezone.now())

    @property
    def is_scheduled(self) -> bool:
        """Published with a go-live time that has not come yet."""
        return self.go_live_at is not None and self.go_live_at > timezone.now()

    @property
    def not_in_use_reason(self) -> str:
        """Why no new document may be made from it now: "retired", "expired", "not published" or
        "not live yet" ("" when it is in use; the same rule as `CollateralTemplateQuerySet.in_use`)."""
        if self.withdrawal_reason:
            return self.withdrawal_reason
        if not self.live or self.live_revision_id is None:
            return "not published"
        if self.is_scheduled:
            return "not live yet"
        return ""

    @property
    def is_in_use(self) -> bool:
        return not self.not_in_use_reason

    @property
    def withdrawal_reason(self) -> str:
        """Why documents made from this template can no longer be downloaded ("" when they can)."""
        if self.is_retired:
            return "retired"
        if self.is_expired:
            return "expired"
        return ""

    @property
    def layout_spec(self) -> Layout:
        return get_layout(self.layout)

    def field_list(self) -> list["TemplateField"]:
        """Fields in template order; works on a live object and on a revision's object."""
        return sorted(self.fields.all(), key=lambda f: (f.sort_order or 0, f.pk or 0))

    def editable_fields(self) -> list["TemplateField"]:
        return [f for f in self.field_list() if f.is_user_editable]

    @property
    def section_count(self) -> int:
        layout = self.layout_spec
        if layout.section is None:
            return 0
        sections = [f.section for f in self.field_list() if layout.has_slot(f.slot) and layout.slot(f.slot).in_section]
        return max(sections, default=layout.section.min_count)

    # Previews in Wagtail admin: the default content, as HTML and as PDF.
    preview_modes = [("html", "Page (HTML)"), ("pdf", "Print PDF")]
    default_preview_size = "desktop"

    def serve_preview(self, request, mode_name):
        try:
            output = render_template_preview(template=self, as_pdf=mode_name == "pdf")
        except RenderError as exc:
            return HttpResponse(f"The preview could not be rendered: {exc}", content_type="text/plain", status=422)
        if mode_name == "pdf":
            response = HttpResponse(output, content_type="application/pdf")
            response["Content-Disposition"] = 'inline; filename="preview.pdf"'
            return response
        return HttpResponse(output, content_type="text/html; charset=utf-8")


class TemplateField(Orderable):
    """One slot of the layout as the brand manager configured it."""

    template = ParentalKey(CollateralTemplate, on_delete=models.CASCADE, related_name="fields")
    key = models.CharField(
        max_length=60,
        validators=[FIELD_KEY],
        help_text="Stable identifier; keep it when you change the field, so documents carry over.",
    )
    label = models.CharField(max_length=120)
    help_text = models.CharField(max_length=255, blank=True)
    slot = models.CharField(max_length=60, help_text="The slot of the layout this field fills.")
    section = models.PositiveSmallIntegerField(
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text="For slots in a repeatable section: which section (1, 2, …).",
    )
    lock_mode = models.CharField(max_length=10, choices=LockMode.choices, default=LockMode.LOCKED)

    default_text = models.TextField(
        blank=True, help_text="Content shown as designed (locked) or as the starting value."
    )
    default_image = models.ForeignKey(
        settings.WAGTAILIMAGES_IMAGE_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    variants = models.TextField(
        blank=True,
        help_text=(
            "Choice fields: the variants users pick from. Reviewed free-text fields: wordings approved "
            "in advance (no review needed). Separate them with a blank line."
        ),
    )
    collection = models.ForeignKey(
        Collection,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Image choice and image fields: the approved collection users pick from.",
    )
    allow_upload = models.BooleanField(
        default=False, help_text="Image fields: users may upload their own (always reviewed)."
    )
    token_source = models.CharField(max_length=60, blank=True, choices=token_choices)

    max_chars = models.PositiveIntegerField(null=True, blank=True, validators=[MinValueValidator(1)])
    max_lines = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MinValueValidator(1)])
    is_required = models.BooleanField(default=False)
    allow_bold = models.BooleanField(default=False)
    allow_italic = models.BooleanField(default=False)
    allow_lists = models.BooleanField(default=False)
    allow_links = models.BooleanField(default=False)
    needs_review = models.BooleanField(
        default=False, help_text="Free text here goes to brand review before a final PDF."
    )

    panels = [
        FieldRowPanel([FieldPanel("key"), FieldPanel("label")]),
        FieldRowPanel([FieldPanel("slot"), FieldPanel("section"), FieldPanel("lock_mode")]),
        FieldPanel("help_text"),
        FieldRowPanel([FieldPanel("default_text"), FieldPanel("default_image")]),
        FieldPanel("variants"),
        FieldRowPanel([FieldPanel("collection"), FieldPanel("allow_upload")]),
        FieldPanel("token_source"),
        FieldRowPanel([FieldPanel("max_chars"), FieldPanel("max_lines"), FieldPanel("is_required")], heading="Limits"),
        FieldRowPanel(
            [
                FieldPanel("allow_bold"),
                FieldPanel("allow_italic"),
                FieldPanel("allow_lists"),
                FieldPanel("allow_links"),
            ],
            heading="Allowed formatting",
        ),
        FieldPanel("needs_review"),
    ]

    class Meta(Orderable.Meta):
        constraints = [models.UniqueConstraint(fields=["template", "key"], name="template_field_key_unique")]

    def __str__(self) -> str:
        return f"{self.label} ({self.key})"

    @property
    def slot_type(self) -> SlotType:
        return self.template.layout_spec.slot(self.slot).type

    @property
    def is_user_editable(self) -> bool:
        return is_user_editable(self.lock_mode)

    @property
    def formatting(self) -> list[str]:
        return [
            option
            for option, allowed in (
                (Formatting.BOLD, self.allow_bold),
                (Formatting.ITALIC, self.allow_italic),
                (Formatting.LISTS, self.allow_lists),
                (Formatting.LINKS, self.allow_links),
            )
            if allowed
        ]

    @cached_property
    def variant_list(self) -> list[str]:
        """Text variants, one per blank-line separated paragraph."""
        blocks = self.variants.replace("\r\n", "\n").split("\n\n")
        return [block.strip() for block in blocks if block.strip()]
