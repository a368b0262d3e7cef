"""CSV imports of deals: one upload's life from preview to commit or cancel, and saved column
mappings (presets). Imported at the end of deals/models.py so Django finds them (ADR 13)."""

import uuid

from django.conf import settings
from django.db import models

from brand.text import SingleLineCharField


class ImportState(models.TextChoices):
    PREVIEWING = "previewing", "Reading the file"
    PREVIEWED = "previewed", "Ready to import"
    FAILED = "failed", "The file could not be read"
    COMMITTING = "committing", "Importing"
    COMMITTED = "committed", "Imported"
    CANCELLED = "cancelled", "Cancelled"


class DealImport(models.Model):
    """One uploaded file: who brought it, into which connection, what its preview found and what
    its commit did. The file itself is kept privately (outside MEDIA_ROOT) only until the commit or
    the cancel; `stored_name` is then emptied."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="deal_imports")
    created_at = models.DateTimeField(auto_now_add=True)
    connection = models.ForeignKey("deals.Connection", on_delete=models.PROTECT, related_name="imports")
    organisation = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deal_imports",
        help_text="Set for a partner organisation's own import: only its partner managers see it.",
    )
    state = models.CharField(max_length=20, choices=ImportState.choices, default=ImportState.PREVIEWING)
    original_name = SingleLineCharField(max_length=255)
    stored_name = models.CharField(max_length=255, blank=True, editable=False)
    size_bytes = models.PositiveBigIntegerField(default=0)
    preset = models.ForeignKey(
        "deals.ImportPreset", null=True, blank=True, on_delete=models.SET_NULL, related_name="imports"
    )
    mapping = models.JSONField(default=dict, blank=True, help_text="Deal field → column heading.")
    is_salesforce_ids = models.BooleanField(default=False)
    default_currency = models.CharField(max_length=3, blank=True)
    encoding = models.CharField(max_length=20, blank=True)
    delimiter = models.CharField(max_length=4, blank=True)
    number_format = models.CharField(max_length=20, blank=True)
    date_format = models.CharField(max_length=20, blank=True)
    is_formats_confirmed = models.BooleanField(default=False)
    progress_percent = models.PositiveSmallIntegerField(default=0)
    rows_total = models.PositiveIntegerField(default=0)
    rows_created = models.PositiveIntegerField(default=0)
    rows_changed = models.PositiveIntegerField(default=0)
    rows_unchanged = models.PositiveIntegerField(default=0)
    rows_refused = models.PositiveIntegerField(default=0)
    preview = models.JSONField(default=dict, blank=True)
    failure = models.TextField(blank=True, help_text="Why the file could not be read or imported.")
    is_valid_rows_only = models.BooleanField(default=False, help_text="The user chose to import the valid rows.")
    committed_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(default=dict, blank=True, help_text="What the commit did.")

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_state_display()})"

    @property
    def is_open(self) -> bool:
        """Whether the import can still be previewed again, committed or cancelled."""
        return self.state in (ImportState.PREVIEWED, ImportState.FAILED)


class ImportPreset(models.Model):
    """A saved column mapping. Built-in presets (Salesforce reports in English and German, HubSpot,
    Lastmile's own template) are shared; a partner organisation's presets are its own."""

    name = SingleLineCharField(max_length=100)
    mapping = models.JSONField(help_text="Deal field → column heading, or a list of headings to try in turn.")
    is_salesforce_ids = models.BooleanField(default=False, help_text="Turn 15-character ids into 18.")
    is_builtin = models.BooleanField(default=False, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.CASCADE, related_name="deal_import_presets"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-is_builtin", "name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "organisation"], name="import_preset_name_unique_per_organisation"),
        ]

    def __str__(self) -> str:
        return self.name
