"""Reads for the requester: a document's rounds of brand review, in the order they happened.

One round is one `BrandReviewTaskState`: the submission of one revision to brand review, and
what became of it (approved, changes requested, rejected, withdrawn, or still waiting). Rounds
the rules approved on their own are marked `automatic`."""

from dataclasses import dataclass, field
from datetime import datetime

from wagtail.models import TaskState

from .models import BrandReviewTaskState, ReviewOutcome


@dataclass(frozen=True)
class RoundComment:
    field_key: str
    field_label: str
    text: str


@dataclass
class ReviewRound:
    number: int  # counts the rounds a person reviewed; 0 for automatic approvals
    submitted_at: datetime
    note: str
    status: str
    outcome: str
    automatic: bool
    reviewer_name: str
    decided_at: datetime | None
    comment: str
    field_comments: list[RoundComment] = field(default_factory=list)

    @property
    def is_pending(self) -> bool:
        return self.status == TaskState.STATUS_IN_PROGRESS

    @property
    def is_withdrawn(self) -> bool:
        return self.status == TaskState.STATUS_CANCELLED

    @property
    def sent_back(self) -> bool:
        """The reviewer asked for changes or rejected it: the requester has something to act on."""
        return self.outcome in (ReviewOutcome.CHANGES_REQUESTED, ReviewOutcome.REJECTED)

    @property
    def outcome_label(self) -> str:
        if self.is_pending:
            return "Waiting for review"
        if self.is_withdrawn:
            return "Withdrawn"
        if self.automatic:
            return "Approved automatically"
        if self.outcome:
            return ReviewOutcome(self.outcome).label
        return dict(TaskState.STATUS_CHOICES).get(self.status, self.status)

    def comments_by_field(self) -> dict[str, list[str]]:
        by_field: dict[str, list[str]] = {}
        for comment in self.field_comments:
            by_field.setdefault(comment.field_key, []).append(comment.text)
        return by_field


def _name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def review_rounds(document, *, include_automatic: bool = False) -> list[ReviewRound]:
    """Every round of review of `document`, oldest first, with the reviewer's decision, comment
    and field comments. Automatic approvals (nothing needed a person) are left out unless
    asked for. Two queries, however many rounds."""
    states = (
        BrandReviewTaskState.objects.filter(document=document)
        .select_related("finished_by")
        .prefetch_related("field_comments")
        .order_by("started_at", "pk")
    )
    if not include_automatic:
        states = states.filter(automatic=False)
    rounds = []
    number = 0
    for state in states:
        if not state.automatic:
            number += 1
        rounds.append(
            ReviewRound(
                number=0 if state.automatic else number,
                submitted_at=state.started_at,
                note=state.note,
                status=state.status,
                outcome=state.outcome,
                automatic=state.automatic,
                reviewer_name=_name(state.finished_by) if state.outcome and not state.automatic else "",
                decided_at=state.finished_at,
                comment=state.comment,
                field_comments=[
                    RoundComment(field_key=c.field_key, field_label=c.field_label, text=c.text)
                    for c in state.field_comments.all()
                ],
            )
        )
    return rounds
