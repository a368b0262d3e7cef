"""CRM sync runs, webhook secrets and deliveries, and write-back activities (ADR 20). Imported at the
end of deals/models.py; the connection's own CRM fields are on Connection."""

from django.db import models
from django.utils import timezone


class SyncTrigger(models.TextChoices):
    SCHEDULE = "schedule", "Schedule"
    MANUAL = "manual", "Sync now"
    COMMAND = "command", "manage.py sync_crm"
    WEBHOOK = "webhook", "Webhook"


class SyncState(models.TextChoices):
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    SKIPPED = "skipped", "Skipped: another sync was running"


class SyncRun(models.Model):
    """One sync of one connection: what it did and, if it failed, why (in plain words)."""

    connection = models.ForeignKey("deals.Connection", on_delete=models.CASCADE, related_name="sync_runs")
    trigger = models.CharField(max_length=10, choices=SyncTrigger.choices)
    state = models.CharField(max_length=10, choices=SyncState.choices, default=SyncState.RUNNING)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    created = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    deleted = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    # Up to 20 reasons a deal was skipped and the stages not mapped yet, for the connection page.
    problems = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["connection", "-started_at"], name="syncrun_connection_recent")]

    def __str__(self) -> str:
        return f"{self.connection} sync at {self.started_at:%Y-%m-%d %H:%M} ({self.get_state_display()})"


class WebhookSecret(models.Model):
    """A shared secret that signs a connection's webhooks (Fernet-sealed). Two may be active at
    once, so a sender can move to a new one before the old one is revoked."""

    connection = models.ForeignKey("deals.Connection", on_delete=models.CASCADE, related_name="webhook_secrets")
    sealed = models.TextField(editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Webhook secret of {self.connection} from {self.created_at:%Y-%m-%d}"


class WebhookDelivery(models.Model):
    """A webhook call accepted: kept so a replay of its delivery id is refused, and so the work it
    asked for runs (and is retried) in the background."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    connection = models.ForeignKey("deals.Connection", on_delete=models.CASCADE, related_name="webhook_deliveries")
    delivery_id = models.CharField(max_length=200)
    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    body = models.TextField(blank=True)
    external_ids = models.JSONField(default=list, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["connection", "delivery_id"], name="webhook_delivery_once"),
        ]

    def __str__(self) -> str:
        return f"Webhook {self.delivery_id[:40]} for {self.connection}"


class WritebackState(models.TextChoices):
    PENDING = "pending", "Waiting to be written"
    WRITTEN = "written", "Written"
    FAILED = "failed", "Gave up"


class Writeback(models.Model):
    """One activity on a CRM deal for one delivery event. One row per event: a retry finds it and,
    once the CRM answered with an id, never writes a second activity."""

    connection = models.ForeignKey("deals.Connection", on_delete=models.CASCADE, related_name="writebacks")
    event = models.OneToOneField("deals.DeliveryEvent", on_delete=models.PROTECT, related_name="writeback")
    state = models.CharField(max_length=10, choices=WritebackState.choices, default=WritebackState.PENDING)
    remote_id = models.CharField(max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    written_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="writeback_due")]

    def __str__(self) -> str:
        return f"Write-back of event {self.event_id} ({self.get_state_display()})"
