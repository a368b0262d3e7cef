"""Reads for nominations: the brand team's list, and one document's nomination for its author."""

from django.db.models import QuerySet

from accounts.models import User
from templates_lib.models import CollateralDocument

from ..models import TemplateNomination


def nominations_for_brand_team() -> QuerySet[TemplateNomination]:
    """Every nomination with what the brand team's list shows (document, author, organisation,
    decision, draft), newest first."""
    return TemplateNomination.objects.select_related(
        "document",
        "document__template",
        "nominated_by",
        "nominated_by__organisation",
        "decided_by",
        "draft_template",
    )


def nomination_for_document(*, document: CollateralDocument, user: User) -> TemplateNomination | None:
    """The nomination of `document` when `user` owns it (None otherwise, or when there is none)."""
    if document.owner_id != user.pk:
        return None
    return TemplateNomination.objects.select_related("draft_template", "decided_by").filter(document=document).first()


def nomination_for_template(template_id: int) -> TemplateNomination | None:
    """The converted nomination a draft template was made from, if any."""
    return (
        TemplateNomination.objects.select_related("document", "nominated_by", "nominated_by__organisation")
        .filter(draft_template_id=template_id)
        .first()
    )
