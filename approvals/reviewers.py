"""Who reviews for the brand team: internal, active members of the document workflow's review
task groups (Brand managers by default, changeable in Wagtail's Workflows settings), each
limited to their `review_regions` (none: every region). Superusers review everything. Nobody
reviews their own document, unless LASTMILE_ALLOW_SELF_REVIEW is on (one-person brand teams)."""

from django.conf import settings
from django.db.models import Q

from .workflow import review_task


def is_brand_reviewer(user) -> bool:
    """Regions aside. Cached on the user object, as Django caches permissions: the menu, the
    dashboard and the view all ask."""

    cached = getattr(user, "_lastmile_is_brand_reviewer", None)
    if cached is not None:
        return cached
    if not (user.is_authenticated and user.is_active) or user.organisation_id is not None:
        cached = False
    elif user.is_superuser:
        cached = True
    else:
        task = review_task()
        cached = task is not None and task.groups.filter(pk__in=user.groups.values("pk")).exists()
    if user.is_authenticated:
        user._lastmile_is_brand_reviewer = cached
    return cached


def review_region_ids(user) -> list[int]:
    """The regions `user` is limited to ([] for every region); cached on the user object."""
    cached = getattr(user, "_lastmile_review_region_ids", None)
    if cached is None:
        cached = list(user.review_regions.values_list("pk", flat=True))
        user._lastmile_review_region_ids = cached
    return cached


def in_regions(region_ids, prefix: str = "document__owner__") -> Q:
    """Documents (or anything with an owner at `prefix`) whose region is one of `region_ids`:
    a partner's organisation's region, or a member of staff's own."""
    return Q(**{f"{prefix}organisation__isnull": False, f"{prefix}organisation__region__in": region_ids}) | Q(
        **{f"{prefix}organisation__isnull": True, f"{prefix}region__in": region_ids}
    )


def is_self_review(user, document) -> bool:
    """Whether `user` would be reviewing their own submission (only a document's owner submits it)."""
    return document.owner_id == user.pk


def can_review(user, document) -> bool:
    if not is_brand_reviewer(user):
        return False
    if is_self_review(user, document) and not settings.LASTMILE_ALLOW_SELF_REVIEW:
        return False
    regions = review_region_ids(user)
    return not regions or document.owner.effective_region_id in regions
