"""Who gets into the brand team's review screens, and the counts every screen shows."""

from wagtail.admin.auth import permission_denied, user_passes_test

from ..selectors import QueueCounts, is_brand_reviewer, queue_counts

reviewer_required = user_passes_test(is_brand_reviewer)
"""Brand reviewers only; others get Wagtail's "permission denied" (a message on the dashboard)."""


class ReviewerRequiredMixin:
    def dispatch(self, request, *args, **kwargs):
        if not is_brand_reviewer(request.user):
            return permission_denied(request)
        return super().dispatch(request, *args, **kwargs)


def counts_for(request) -> QueueCounts:
    """The queue counts, once per request (the menu, the dashboard and the tabs all show them)."""
    counts = getattr(request, "_lastmile_queue_counts", None)
    if counts is None:
        counts = request._lastmile_queue_counts = queue_counts(request.user)
    return counts
