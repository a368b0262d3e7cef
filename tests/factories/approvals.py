"""The approval loop for tests: a template whose subheadline the brand team reviews, and
documents at each step of the loop (needing approval, in review, decided).

Documents made here skip copy-fit (`check_fit=False`): laying a document out with WeasyPrint
costs 150-250 ms and these set-ups are about approval, not about text fitting its space. A test
about copy-fit calls the service itself, keeps copy-fit on and is marked slow.
"""

from wagtail.models import TaskState

from approvals.models import BrandReviewTaskState
from approvals.services import Decision, document_create, document_submit, review_decide
from templates_lib.models import CollateralDocument, CollateralTemplate

from .templates_lib import changed_fields, make_template

REVIEWED_TEMPLATE_TITLE = "Reviewed one-pager"
OWN_WORDS = "Our own words"  # new text in the reviewed subheadline: needs approval
TEMPLATE_WORDS = "Forecasts you can defend."  # the subheadline's default text: approved by the rules


def reviewed_fields(hero_image=None) -> list[dict]:
    """The default one-pager fields, with the subheadline reviewed by the brand team."""
    return changed_fields({"subheadline": {"needs_review": True}}, hero_image=hero_image)


def make_reviewed_template(*, title: str = REVIEWED_TEMPLATE_TITLE, **attrs) -> CollateralTemplate:
    """A published one-pager whose subheadline the brand team reviews."""
    return make_template(title=title, fields=reviewed_fields(), **attrs)


def make_document(template, owner, *, values: dict | None = None, title: str = "") -> CollateralDocument:
    """A document made through the approval services (so it goes through the rules), without copy-fit."""
    return document_create(template=template, owner=owner, values=values or {}, title=title, check_fit=False)


def document_needing_approval(template, owner, *, text: str = OWN_WORDS, title: str = "") -> CollateralDocument:
    """A document with new text in the reviewed subheadline: it waits for its owner to submit it."""
    return make_document(template, owner, values={"subheadline": text}, title=title)


def document_in_review(
    template, owner, *, text: str = OWN_WORDS, title: str = "", note: str = ""
) -> CollateralDocument:
    """A document with new reviewed text, submitted by its owner: it waits in the review queue."""
    document = document_needing_approval(template, owner, text=text, title=title)
    document_submit(document, user=owner, note=note)
    document.refresh_from_db()
    return document


def pending_round(document) -> BrandReviewTaskState:
    """The round of review the document waits in."""
    return BrandReviewTaskState.objects.get(document=document, status=TaskState.STATUS_IN_PROGRESS)


def round_in_review(template, owner, *, text: str = OWN_WORDS, title: str = "", note: str = "") -> BrandReviewTaskState:
    """The round of review of a freshly submitted document (see `document_in_review`)."""
    return pending_round(document_in_review(template, owner, text=text, title=title, note=note))


def decide(document, reviewer, decision: str, **kwargs) -> BrandReviewTaskState:
    """Decide the round the document waits in (kwargs: comment, field_comments); the document
    is re-read, the decided round returned."""
    round_ = pending_round(document)
    review_decide(task_state_id=round_.pk, reviewer=reviewer, decision=decision, **kwargs)
    document.refresh_from_db()
    round_.refresh_from_db()
    return round_


def submit_and_approve(document, reviewer, *, note: str = "") -> BrandReviewTaskState:
    """The owner submits the document and `reviewer` approves it."""
    document_submit(document, user=document.owner, note=note)
    return decide(document, reviewer, Decision.APPROVE)
