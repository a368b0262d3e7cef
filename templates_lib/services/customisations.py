"""Writes for customisations (a user's documents). Every value goes through the validation service."""

from typing import Any

from django.db import transaction
from django.utils import timezone

from ..models import CollateralTemplate, Customisation
from ..tokens import TokenContext
from .validation import CleanResult, customisation_values_clean


class CustomisationError(Exception):
    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__("; ".join(f"{key}: {' '.join(messages)}" for key, messages in errors.items()))


class TemplateNotPublishedError(Exception):
    pass


def default_title(template: CollateralTemplate) -> str:
    return f"{template.title} – {timezone.localdate():%d %b %Y}"


@transaction.atomic
def customisation_create(
    *, template: CollateralTemplate, owner, values: dict[str, Any], title: str = "", check_fit: bool = True
) -> Customisation:
    """Create a document from the template's live revision. Raises CustomisationError with
    per-field errors (nothing is written) when a value breaks the template's rules."""
    revision = template.live_revision
    if not template.live or revision is None:
        raise TemplateNotPublishedError(f"{template.title} is not published.")
    pinned = revision.as_object()
    result = _clean(pinned, values, owner, check_fit)
    return Customisation.objects.create(
        owner=owner,
        template=template,
        template_revision=revision,
        title=title or default_title(template),
        values=result.values,
    )


@transaction.atomic
def customisation_update(
    *, customisation: Customisation, values: dict[str, Any], check_fit: bool = True
) -> Customisation:
    """Replace the document's values, validated against its pinned revision."""
    result = _clean(customisation.pinned_template(), values, customisation.owner, check_fit)
    customisation.values = result.values
    customisation.save(update_fields=["values", "updated_at"])
    return customisation


def _clean(template, values, owner, check_fit) -> CleanResult:
    result = customisation_values_clean(
        template=template, submitted=values, token_context=TokenContext(user=owner), check_fit=check_fit
    )
    if not result.is_valid:
        raise CustomisationError(result.errors)
    return result
