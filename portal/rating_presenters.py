"""What a template's page shows of its ratings: the average with its n for everyone who sees the
template, and the rating form for whoever downloaded it (their earlier rating filled in)."""

from dataclasses import dataclass

from feedback.forms import RatingForm
from feedback.models import Rating
from feedback.selectors.ratings import RatingSummary, has_downloaded, rating_get, rating_summary


@dataclass(frozen=True)
class RatingPanel:
    summary: RatingSummary
    can_rate: bool
    own: Rating | None
    form: RatingForm | None


def rating_panel(user, template, *, form: RatingForm | None = None) -> RatingPanel:
    can_rate = has_downloaded(user, template)
    own = rating_get(user, template) if can_rate else None
    if can_rate and form is None:
        form = RatingForm(initial={"stars": own.stars, "comment": own.comment} if own else None)
    return RatingPanel(summary=rating_summary(template), can_rate=can_rate, own=own, form=form)
