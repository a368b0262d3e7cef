"""Deals, the company's stage vocabulary, and what left the portal for which deal.

A deal is an opportunity from the CRM (or typed by a rep), keyed by (connection, external id). Its
outcome comes from the company's stage vocabulary through a per-connection mapping, never from
guessing at a stage label. An event records that final output left the portal; events are
append-only (ADR 12).
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel

from brand.text import SingleLineCharField

from .currencies import currency_problem


class Source(models.TextChoices):
    """How a deal reached the portal."""

    MANUAL = "manual", "Typed in the portal"
    CSV = "csv", "CSV import"
    SALESFORCE = "salesforce", "Salesforce"
    HUBSPOT = "hubspot", "HubSpot"
    API = "api", "API"


class Outcome(models.TextChoices):
    OPEN = "open", "Open"
    WON = "won", "Won"
    LOST = "lost", "Lost"


class Connection(ClusterableModel):
    """Where deals with external ids come from: one CRM account, or one stream of CSV imports.

    External ids are unique per connection, so a Salesforce report imported as CSV and a later
    Salesforce API sync meet on the same deal when they share a connection. A partner
    organisation's own imports go to a connection of that organisation. Credentials, the sync
    cursor and write-back arrive with the CRM issue."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = SingleLineCharField(max_length=100, unique=True)
    kind = models.CharField(
        max_length=20,
        choices=[(s.value, s.label) for s in Source if s != Source.MANUAL],
        help_text="The system this connection's deals and external ids come from.",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deal_connections",
        help_text="Set for a partner organisation's own imports: every deal it brings belongs to it.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    # CRM sync and write-back (ADR 20). Credentials are Fernet-sealed JSON (deals.credentials),
    # never shown after saving; `sync_state` holds the sync's cursors (opaque to everything else).
    credentials_sealed = models.TextField(blank=True, editable=False)
    remote_account_id = models.CharField(
        "CRM account id",
        max_length=64,
        blank=True,
        help_text="The Salesforce organisation id or HubSpot portal id; filled in by “Test connection”.",
    )
    sync_enabled = models.BooleanField(
        default=False, help_text="Poll the CRM for changed and deleted deals on the worker's schedule."
    )
    sync_scope = models.CharField(
        max_length=500,
        blank=True,
        help_text="Salesforce record type names or HubSpot pipeline ids to sync, comma-separated. Empty: all.",
    )
    sync_state = models.JSONField(default=dict, blank=True, editable=False)
    # Held by the sync that is running (renewed page by page): a second sync at once skips.
    sync_lease_until = models.DateTimeField(null=True, blank=True, editable=False)
    writeback_enabled = models.BooleanField(
        "write-back",
        default=False,
        help_text="Record each final download and first share view as an activity on the CRM deal.",
    )
    writeback_subject = SingleLineCharField("activity subject prefix", max_length=60, default="Lastmile:", blank=True)
    last_sync_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_success_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_error = models.TextField(blank=True, editable=False)
    last_error_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def has_credentials(self) -> bool:
        return bool(self.credentials_sealed)


class Stage(models.Model):
    """One step of the company's sales process: the shared definition of open, qualified, won, lost."""

    name = SingleLineCharField(max_length=80, unique=True)
    sort_order = models.PositiveSmallIntegerField(default=0, help_text="Earlier stages have lower numbers.")
    category = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.OPEN)
    is_qualified = models.BooleanField(
        "qualified", default=False, help_text="Deals at this stage count as qualified opportunities."
    )

    class Meta:
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class StageMapping(models.Model):
    """What one connection calls a stage (its label or its id), and which company stage that is."""

    connection = ParentalKey(Connection, on_delete=models.CASCADE, related_name="stage_mappings")
    value = models.CharField(max_length=255, help_text="The stage label or id exactly as the source sends it.")
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="mappings")

    class Meta:
        ordering = ["connection", "value"]
        constraints = [
            models.UniqueConstraint(fields=["connection", "value"], name="stage_mapping_value_unique_per_connection")
        ]

    def __str__(self) -> str:
        return f"{self.value} → {self.stage}"


class DealQuerySet(models.QuerySet):
    def alive(self):
        return self.filter(deleted_at__isnull=True)

    def open(self):
        return self.alive().filter(outcome=Outcome.OPEN)


class Deal(models.Model):
    """An opportunity a document can be made for and delivered to.

    Fields that came from a CRM or an import are owned by that source: the portal shows them
    read-only. A deal removed at its source is marked deleted, never erased, so the events that
    point at it stay exact."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.MANUAL)
    connection = models.ForeignKey(Connection, null=True, blank=True, on_delete=models.PROTECT, related_name="deals")
    external_id = models.CharField(max_length=64, blank=True, help_text="The deal's id in its source.")
    name = SingleLineCharField(max_length=255)
    account_name = SingleLineCharField(max_length=255, blank=True)
    contact_name = SingleLineCharField(max_length=255, blank=True)
    contact_email = models.EmailField(blank=True)
    amount = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True, help_text="ISO 4217, e.g. EUR.")
    stage = models.ForeignKey(Stage, null=True, blank=True, on_delete=models.PROTECT, related_name="deals")
    source_stage = models.CharField(
        max_length=255, blank=True, editable=False, help_text="The stage as the source named it."
    )
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.OPEN, editable=False)
    close_date = models.DateField(null=True, blank=True, help_text="When the deal was won or lost.")
    expected_close_date = models.DateField(null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="deals"
    )
    unresolved_owner = models.CharField(
        max_length=254,
        blank=True,
        help_text="The owner as the source named them (an email or a name) while no portal user matches.",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="deals"
    )
    region = models.ForeignKey(
        "accounts.Region", null=True, blank=True, on_delete=models.SET_NULL, related_name="deals"
    )
    segment = SingleLineCharField(max_length=120, blank=True, help_text="Industry or type, in your own words.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    remote_created_at = models.DateTimeField(null=True, blank=True)
    remote_modified_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    objects = DealQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        permissions = [("manage_deals", "Can see and manage every internal and partner deal")]
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "external_id"],
                condition=Q(connection__isnull=False),
                name="deal_external_id_unique_per_connection",
            ),
            models.CheckConstraint(
                condition=Q(connection__isnull=True) | ~Q(external_id=""),
                name="deal_from_a_connection_has_an_external_id",
            ),
        ]
        indexes = [
            models.Index(fields=["owner", "outcome"], name="deal_owner_outcome"),
            models.Index(fields=["organisation", "outcome"], name="deal_organisation_outcome"),
            # Reports select closed deals by their close date (ADR 17).
            models.Index(fields=["outcome", "close_date"], name="deal_outcome_close_date"),
            # Template recommendations find the deals like one deal (reports.selectors.recommendations):
            # matched on the first four columns, the rest read from the index alone.
            models.Index(
                fields=[
                    "segment",
                    "region",
                    "currency",
                    "amount",
                    "outcome",
                    "close_date",
                    "organisation",
                    "deleted_at",
                ],
                name="deal_similarity",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.currency and (problem := currency_problem(self.currency)):
            raise ValidationError({"currency": problem})
        if self.amount is not None and not self.currency:
            raise ValidationError({"currency": "Give the currency of the amount."})

    @property
    def is_from_source(self) -> bool:
        """Whether a CRM or an import owns this deal's fields (the portal shows them read-only)."""
        return self.source != Source.MANUAL

    @property
    def close_quarter(self) -> str:
        """ "Q3 2026" from the close date, or the expected close date while the deal is open."""
        day = self.close_date or self.expected_close_date
        return f"Q{(day.month - 1) // 3 + 1} {day.year}" if day else ""


class DocumentDealChoice(models.Model):
    """The deal a document was last made or downloaded for, offered first next time. A document
    can serve several deals: each event says which one it went to."""

    document = models.OneToOneField(
        "templates_lib.CollateralDocument", on_delete=models.CASCADE, related_name="deal_choice"
    )
    deal = models.ForeignKey(Deal, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    chosen_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    chosen_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.document} → {self.deal or 'no specific deal'}"


class Channel(models.TextChoices):
    PORTAL_PDF = "portal_pdf", "Portal PDF"
    PORTAL_PNG = "portal_png", "Portal PNG"
    SHARE_VIEW = "share_view", "Share link view"
    SHARE_DOWNLOAD = "share_download", "Share link download"
    API = "api", "API"


class ShareLink(models.Model):
    """A revocable, expiring link for a prospect to view (or download) an approved document without
    signing in. Only a hash of its token is stored."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    document = models.ForeignKey(
        "templates_lib.CollateralDocument", on_delete=models.PROTECT, related_name="share_links"
    )
    deal = models.ForeignKey(Deal, null=True, blank=True, on_delete=models.PROTECT, related_name="share_links")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="share_links")
    recipient_name = SingleLineCharField(max_length=200)
    recipient_email = models.EmailField(blank=True)
    allow_download = models.BooleanField(default=False)
    notify_opens = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    first_opened_at = models.DateTimeField(null=True, blank=True)
    opens_summarised_until = models.DateTimeField(
        null=True, blank=True, help_text="Opens up to this time are in a summary sent to the owner."
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.document} for {self.recipient_name}"


class ShareRateCounter(models.Model):
    """Requests counted for a share-link rate limit in the current fixed window: one row per client
    address or link, bumped by a single upsert per request (deals/services/share_throttle.py)."""

    counter_key = models.CharField(max_length=80, primary_key=True)
    slot = models.BigIntegerField(help_text="The window this count belongs to (Unix time // window length).")
    hits = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.counter_key}: {self.hits} in window {self.slot}"


class DeliveryEvent(models.Model):
    """Final output left the portal: what, from which approved revision, for which deal, by whom,
    through which channel, and the SHA-256 of the bytes delivered. Append-only in the database.

    `render` keeps what a re-render needs beyond the revisions (profile, resolved token values,
    brand kit, layout and renderer versions), so `verify_delivery` can prove what was received."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    channel = models.CharField(max_length=20, choices=Channel.choices)
    document = models.ForeignKey(
        "templates_lib.CollateralDocument", on_delete=models.PROTECT, related_name="delivery_events"
    )
    document_revision = models.ForeignKey(
        "wagtailcore.Revision", on_delete=models.PROTECT, related_name="+", help_text="The approved revision."
    )
    template = models.ForeignKey("templates_lib.CollateralTemplate", on_delete=models.PROTECT, related_name="+")
    template_revision = models.ForeignKey("wagtailcore.Revision", on_delete=models.PROTECT, related_name="+")
    deal = models.ForeignKey(Deal, null=True, blank=True, on_delete=models.PROTECT, related_name="events")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="delivery_events"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey("accounts.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    share_link = models.ForeignKey(ShareLink, null=True, blank=True, on_delete=models.PROTECT, related_name="events")
    profile = models.CharField(max_length=10)
    render_key = models.CharField(max_length=64)
    sha256 = models.CharField(max_length=64)
    renderer_version = models.CharField(max_length=20)
    render = models.JSONField(default=dict)
    detail = models.JSONField(default=dict, blank=True, help_text="Channel details, e.g. pages seen.")

    # Events point at documents and templates, but nothing should be found "in use" through an
    # event, and indexing each one would cost every download a query and a queued task.
    wagtail_reference_index_ignore = True

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        indexes = [
            models.Index(fields=["deal", "-occurred_at"], name="event_deal_recent"),
            models.Index(fields=["template", "-occurred_at"], name="event_template_recent"),
            models.Index(fields=["document", "-occurred_at"], name="event_document_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} of {self.document_id} at {self.occurred_at:%Y-%m-%d %H:%M}"


from .crm_models import SyncRun, SyncState, SyncTrigger, WebhookDelivery, WebhookSecret, Writeback, WritebackState  # noqa: E402,F401,I001 (ADR 20)
from .api_models import ApiAccess, ApiKey, IdempotencyState, IdempotentRequest  # noqa: E402,F401 (the REST API, ADR 19)
from .import_models import DealImport, ImportPreset, ImportState  # noqa: E402,F401 (CSV imports, ADR 13)
from .rollup_models import ActivityDay, DealUse, RevisionDealUse, TemplateDealUse  # noqa: E402,F401 (ADR 17)
