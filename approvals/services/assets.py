"""Review of uploaded images and partner logos."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from accounts.links import team_page
from accounts.models import Organisation, User
from accounts.roles import Role
from brand.models import BrandImage, UploadReview

from ..audit import audit
from ..models import NotificationKind
from ..notifications import notify
from ..reviewers import is_brand_reviewer, review_region_ids
from .common import ApprovalError, DecisionConflict


def _require_brand_reviewer(user: User) -> None:
    if not is_brand_reviewer(user):
        raise PermissionDenied


def _require_region(user: User, region_id: int | None) -> None:
    regions = review_region_ids(user)
    if regions and region_id not in regions:
        raise PermissionDenied


@transaction.atomic
def image_review(*, image: BrandImage, reviewer: User, approve: bool, note: str = "", check: bool = True) -> None:
    """Approve or turn down an uploaded image. Approved uploads pass the rules in any document."""
    if check:
        _require_brand_reviewer(reviewer)
        _require_region(reviewer, getattr(image.uploaded_by_user, "effective_region_id", None))
    image = type(image).objects.select_for_update().get(pk=image.pk)
    if image.review_state != UploadReview.PENDING:
        raise DecisionConflict("This image was already reviewed.")
    if not approve and not note.strip():
        raise ApprovalError("Say why the image is turned down.")
    image.review_state = UploadReview.APPROVED if approve else UploadReview.REJECTED
    image.reviewed_by = reviewer
    image.reviewed_at = timezone.now()
    image.review_note = note.strip()[:500]
    image.save(update_fields=["review_state", "reviewed_by", "reviewed_at", "review_note"])
    audit(image, "lastmile.image.approved" if approve else "lastmile.image.rejected", user=reviewer, note=note)
    notify(
        [image.uploaded_by_user],
        kind=NotificationKind.IMAGE,
        title=f"Your image “{image.title}” was {'approved' if approve else 'turned down'}",
        body=note,
    )


@transaction.atomic
def logo_review(
    *, organisation: Organisation, reviewer: User, approve: bool, note: str = "", check: bool = True
) -> None:
    """Approve or turn down a partner organisation's logo. Until approved, documents show the
    organisation's name in its place."""
    if check:
        _require_brand_reviewer(reviewer)
        _require_region(reviewer, organisation.region_id)
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if not organisation.logo_id or organisation.is_logo_approved:
        raise DecisionConflict("This logo was already reviewed.")
    if not approve and not note.strip():
        raise ApprovalError("Say why the logo is turned down.")
    organisation.is_logo_approved = approve
    organisation.logo_review_note = "" if approve else note.strip()[:500]
    logo = organisation.logo
    if not approve:
        organisation.logo = None
    organisation.save(update_fields=["is_logo_approved", "logo_review_note", "logo"])
    if logo.review_state == UploadReview.PENDING:
        logo.review_state = UploadReview.APPROVED if approve else UploadReview.REJECTED
        logo.reviewed_by = reviewer
        logo.reviewed_at = timezone.now()
        logo.save(update_fields=["review_state", "reviewed_by", "reviewed_at"])
    audit(organisation, "lastmile.logo.approved" if approve else "lastmile.logo.rejected", user=reviewer, note=note)
    notify(
        get_user_model().objects.filter(organisation=organisation, groups__name=Role.PARTNER_MANAGER.label),
        kind=NotificationKind.LOGO,
        title=f"Your organisation's logo was {'approved' if approve else 'turned down'}",
        body=note or ("Documents now show your logo." if approve else ""),
        url=team_page(),
    )
