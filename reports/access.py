"""Who reads reports: brand managers, marketing analysts and administrators. Reps and partners
reach none (404); a brand manager limited to review regions sees only those regions."""

from accounts.models import User
from approvals.reviewers import review_region_ids
from templates_lib.selectors import is_signed_in_member

VIEW_REPORTS_PERMISSION = "reports.view_reports"


def may_see_reports(user: User) -> bool:
    """Internal staff with the permission, and superusers; members of a partner organisation never."""
    if not is_signed_in_member(user) or user.organisation_id is not None:
        return False
    return user.is_superuser or user.has_perm(VIEW_REPORTS_PERMISSION)


def report_region_ids(user: User) -> list[int]:
    """The regions `user`'s reports are limited to; [] for every region."""
    return [] if user.is_superuser else review_region_ids(user)
