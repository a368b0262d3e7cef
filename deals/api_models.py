"""API keys and the stored answers of idempotent POSTs (ADR 19). Imported at the end of
deals/models.py.

A key is shown once, when it is made; only its SHA-256 is kept (a key is 256 random bits, so a
fast hash is enough: nothing is guessable to brute-force). The prefix names the key in lists and
logs and finds its row; the rest is compared in constant time."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from brand.text import SingleLineCharField


class ApiAccess(models.TextChoices):
    READ = "read", "Read"
    READ_WRITE = "read_write", "Read and write"


class ApiKeyQuerySet(models.QuerySet):
    def usable(self):
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


class ApiKey(models.Model):
    """A credential for `/api/v1/`: the whole company's data, or one partner organisation's."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = SingleLineCharField(max_length=100, help_text="What the key is for, e.g. “Data warehouse”.")
    prefix = models.CharField(max_length=16, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="api_keys",
        help_text="Limit the key to one partner organisation's data. Empty: the whole company's.",
    )
    access = models.CharField(max_length=10, choices=ApiAccess.choices, default=ApiAccess.READ)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Empty: the key does not expire.")
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API key"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def can_write(self) -> bool:
        return self.access == ApiAccess.READ_WRITE

    @property
    def status(self) -> str:
        if self.revoked_at:
            return "Revoked"
        if self.expires_at and self.expires_at <= timezone.now():
            return "Expired"
        return "Active"


class IdempotencyState(models.TextChoices):
    RUNNING = "running", "Running"
    DONE = "done", "Done"


class IdempotentRequest(models.Model):
    """One `Idempotency-Key` a key used on a POST: the request's fingerprint and, once done, the
    response to repeat. Kept for `LASTMILE_API_IDEMPOTENCY_HOURS` (24)."""

    api_key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of the method, path and body.")
    state = models.CharField(max_length=10, choices=IdempotencyState.choices, default=IdempotencyState.RUNNING)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["api_key", "key"], name="idempotent_request_once_per_key")]

    def __str__(self) -> str:
        return f"{self.key} ({self.state})"
