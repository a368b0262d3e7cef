"""A rep's or partner's customised copy of a template ("document" in the portal)."""

import uuid

from django.conf import settings
from django.db import models


class CustomisationQuerySet(models.QuerySet):
    def alive(self):
        return self.filter(deleted_at__isnull=True)

    def owned_by(self, user):
        return self.alive().filter(owner=user)


class Customisation(models.Model):
    """Owned by one user, pinned to the template revision it was made from.

    `values` holds only what the user chose or wrote, keyed by field key; locked and
    token values are resolved at render time and never stored from input.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="customisations")
    template = models.ForeignKey(
        "templates_lib.CollateralTemplate", on_delete=models.PROTECT, related_name="customisations"
    )
    template_revision = models.ForeignKey("wagtailcore.Revision", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    values = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    objects = CustomisationQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        indexes = [models.Index(fields=["owner", "-updated_at"], name="customisation_owner_recent")]

    def __str__(self) -> str:
        return self.title

    def pinned_template(self):
        """The template as it was in the pinned revision (fields included). Read-only: shared."""
        from ..revisions import template_at_revision

        return template_at_revision(self.template_revision)
