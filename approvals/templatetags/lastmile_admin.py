"""Tags for Wagtail admin templates Lastmile overrides (a template's usage in the status panel)."""

from django import template
from django.urls import reverse

from templates_lib.models import CollateralTemplate

from ..selectors import documents_made_from_count

register = template.Library()


@register.simple_tag
def template_usage(obj) -> dict | None:
    """For a collateral template: the documents made from it, and where to list them (the audit
    trail's documents, filtered to the template). None for anything else, whose usage is Wagtail's."""
    if not isinstance(obj, CollateralTemplate) or not obj.pk:
        return None
    count = documents_made_from_count(obj)
    return {
        "count": count,
        "label": f"Used to make {count} document{'s' if count != 1 else ''}" if count else "No documents made yet",
        "url": f"{reverse('approvals_admin:audit-documents')}?template={obj.pk}",
    }
