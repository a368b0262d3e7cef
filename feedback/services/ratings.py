"""Ratings of templates: whoever downloaded a template may rate it; rating again replaces it."""

from django.db import transaction

from accounts.models import User
from templates_lib.models import CollateralTemplate
from templates_lib.selectors import templates_for_user

from ..models import COMMENT_MAX_CHARS, Rating
from ..selectors.ratings import has_downloaded


class RatingError(Exception):
    """The rating was not saved; the message says why, for the person who tried."""


class RatingAccessError(Exception):
    """The template is not one the user may see (views answer as for a missing template)."""


@transaction.atomic
def rating_set(*, template: CollateralTemplate, user: User, stars: int, comment: str = "") -> Rating:
    """Save `user`'s rating of `template` (1–5 and an optional comment), replacing any earlier one.
    RatingAccessError if the template is not visible to them; RatingError if they never downloaded
    it from the portal or the rating is out of bounds. Nothing is written on an error."""
    if not templates_for_user(user).filter(pk=template.pk).exists():
        raise RatingAccessError
    if not has_downloaded(user, template):
        raise RatingError("You can rate a template once you have downloaded a document made from it.")
    if not isinstance(stars, int) or isinstance(stars, bool) or not 1 <= stars <= 5:
        raise RatingError("Choose from 1 to 5 stars.")
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX_CHARS:
        raise RatingError(f"Keep the comment to {COMMENT_MAX_CHARS:,} characters (it has {len(comment):,}).")
    rating, _ = Rating.objects.update_or_create(
        template=template,
        user=user,
        defaults={"stars": stars, "comment": comment, "organisation_id": user.organisation_id},
    )
    return rating
