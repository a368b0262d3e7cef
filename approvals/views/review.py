"""The review screen: one round of brand review of one document, with the rendered preview, field
by field what changed, and the decision form. Decided rounds show read-only with their outcome."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from wagtail.admin import messages
from wagtail.admin.auth import permission_denied
from wagtail.models import TaskState

from templates_lib.rendering.cache import open_cached_pdf, render_job_for_document, render_pdf_cached
from templates_lib.rendering.errors import RenderError
from templates_lib.rendering.pages import page_count, page_png
from templates_lib.rendering.profile import Profile
from templates_lib.revisions import template_at_revision

from ..forms import ReviewDecisionForm
from ..models import ReviewOutcome
from ..reviewers import can_review, is_self_review
from ..selectors import review_history, review_round_for, rules_assessment_for
from ..services import ApprovalError, DecisionConflict, promote_wording, review_decide
from .access import reviewer_required
from .presenters import field_reviews
from .queue import document_region

PREVIEW_WIDTH = 1100
DECIDED = {
    ReviewOutcome.APPROVED: "Approved",
    ReviewOutcome.CHANGES_REQUESTED: "Changes requested",
    ReviewOutcome.REJECTED: "Rejected",
}


def _round_or_404(request, task_state_id: int):
    """The round, if the reviewer may see it: outside their regions it does not exist for them."""
    round_ = review_round_for(request.user, task_state_id)
    if round_ is None:
        raise Http404("No such review.")
    return round_


def _submitted_content(round_):
    """The document as it was submitted for this round (its revision), not as it is now."""
    document = round_.document
    if round_.revision_id is None:
        return document
    return document.at_revision(round_.revision)


def _draft_job(submitted):
    return render_job_for_document(submitted, profile=Profile.DIGITAL, watermark=settings.LASTMILE_DRAFT_WATERMARK)


def _preview_pages(round_, submitted) -> tuple[list[str], str]:
    """URLs of the page images of the submitted content, or an explanation when it cannot be
    rendered. The PDF is rendered once and then served from the render cache."""
    try:
        name = render_pdf_cached(_draft_job(submitted))
        with open_cached_pdf(name) as handle:
            count = page_count(handle.read())
    except RenderError as exc:
        return [], f"The preview could not be rendered: {exc}"
    return [reverse("approvals_admin:review-page", args=[round_.pk, page]) for page in range(1, count + 1)], ""


def _round_summary(round_) -> dict:
    if round_.status == TaskState.STATUS_IN_PROGRESS:
        label, tone = "Waiting for review", "primary"
    elif round_.status == TaskState.STATUS_CANCELLED:
        label, tone = "Withdrawn by the requester", "secondary"
    elif round_.automatic:
        label, tone = "Approved automatically", "secondary"
    else:
        label = DECIDED.get(round_.outcome, round_.get_status_display())
        tone = "primary" if round_.outcome == ReviewOutcome.APPROVED else "critical"
    return {"round": round_, "label": label, "tone": tone, "comments": list(round_.field_comments.all())}


def _is_earlier(other, round_) -> bool:
    return (other.started_at, other.pk) < (round_.started_at, round_.pk)


def _previous_round(round_, others):
    """The last earlier round a person decided: what the reviewer saw and said before this one."""
    decided = [other for other in others if _is_earlier(other, round_) and other.outcome and not other.automatic]
    return decided[-1] if decided else None


def _previous_reviewer(previous, user) -> str:
    if previous is None or previous.finished_by is None:
        return ""
    if previous.finished_by_id == user.pk:
        return "You"
    return previous.finished_by.get_full_name() or previous.finished_by.get_username()


def _worth_reviewing(field) -> bool:
    """Shown open: what the rules sent to review, what differs from the template, and on a
    resubmission what changed since or was commented on last time."""
    return field.needs_review or field.changed or field.changed_since_previous or bool(field.previous_comments)


def _promoted_wordings(template) -> dict[str, set[str]]:
    if not template.live_revision_id:
        return {}
    live = template_at_revision(template.live_revision)
    return {tf.key: set(tf.variant_list) for tf in live.field_list()}


def _render_screen(request, round_, form, *, status: int = 200):
    document = round_.document
    submitted = _submitted_content(round_)
    template = submitted.pinned_template()
    is_open = round_.status == TaskState.STATUS_IN_PROGRESS
    may_decide = can_review(request.user, document)  # not on the reviewer's own submission
    if not (is_open and may_decide):
        form = None
    can_promote = (
        may_decide and round_.outcome == ReviewOutcome.APPROVED and not round_.automatic and document.is_approved
    )
    others = review_history(round_)
    previous = _previous_round(round_, others)
    fields = field_reviews(
        template=template,
        values=submitted.values,
        owner=document.owner,
        assessment=rules_assessment_for(round_),
        comments=list(round_.field_comments.all()),
        promoted_wordings=_promoted_wordings(document.template) if can_promote else None,
        can_promote=can_promote,
        previous_values=_submitted_content(previous).values if previous else None,
        previous_comments=list(previous.field_comments.all()) if previous else None,
    )
    pages, preview_error = _preview_pages(round_, submitted)
    context = {
        "round": round_,
        "summary": _round_summary(round_),
        "document": document,
        "template": template,
        "template_url": reverse("wagtailsnippets_templates_lib_collateraltemplate:edit", args=[document.template_id]),
        "requester": document.owner,
        "region": document_region(document),
        "is_open": is_open,
        "can_decide": form is not None,
        "is_own_submission": is_self_review(request.user, document),
        "form": form,
        "fields": fields,
        "previous_round": previous,
        "previous_reviewer": _previous_reviewer(previous, request.user),
        "changed_since_previous": [f for f in fields if f.changed_since_previous],
        "fields_to_review": [f for f in fields if f.needs_review],
        "changed_fields": sorted(
            (f for f in fields if f.is_commentable and _worth_reviewing(f)), key=lambda f: not f.needs_review
        ),
        "unchanged_fields": [f for f in fields if f.is_commentable and not _worth_reviewing(f)],
        "other_fields": [f for f in fields if not f.is_commentable],
        "promotable": [f for f in fields if f.can_promote or f.is_promoted],
        "pages": pages,
        "preview_error": preview_error,
        "pdf_url": reverse("approvals_admin:review-pdf", args=[round_.pk]),
        "history": [_round_summary(other) for other in others if _is_earlier(other, round_)],
        "latest_round_url": next(
            (
                reverse("approvals_admin:review", args=[other.pk])
                for other in reversed(others)
                if not _is_earlier(other, round_)
            ),
            "",
        ),
        "breadcrumbs_items": [
            {"url": reverse("wagtailadmin_home"), "label": "Home"},
            {"url": reverse("approvals_admin:queue"), "label": "Reviews"},
            {"url": "", "label": document.title},
        ],
        "header_title": f"Review: {document.title}",
        "header_icon": "tasks",
    }
    if form is not None:
        for review in fields:
            if review.is_commentable and is_open:
                review.comment_field = form.field_comment(review.key)
    return TemplateResponse(request, "approvals/review/screen.html", context, status=status)


def _decision_form(round_, data=None) -> ReviewDecisionForm:
    template = _submitted_content(round_).pinned_template()
    keys = [tf.key for tf in template.field_list()]
    return ReviewDecisionForm(data, field_keys=keys)


@reviewer_required
def review(request, task_state_id: int):
    """GET shows the round; POST records the reviewer's decision through `review_decide`."""
    round_ = _round_or_404(request, task_state_id)
    if request.method != "POST":
        is_open = round_.status == TaskState.STATUS_IN_PROGRESS
        return _render_screen(request, round_, _decision_form(round_) if is_open else None)

    form = _decision_form(round_, request.POST)
    if form.is_valid():
        try:
            result = review_decide(
                task_state_id=round_.pk,
                reviewer=request.user,
                decision=form.cleaned_data["decision"],
                comment=form.cleaned_data["comment"],
                field_comments=form.field_comments,
            )
        except DecisionConflict as exc:
            messages.error(request, str(exc))
            return redirect("approvals_admin:review", round_.pk)
        except ApprovalError as exc:
            form.add_error(None, str(exc))
        except PermissionDenied:
            return permission_denied(request)
        else:
            outcome = DECIDED.get(result.outcome, result.outcome).lower()
            messages.success(
                request,
                f"“{round_.document.title}”: {outcome}. {round_.document.owner} has been told.",
                buttons=[messages.button(reverse("approvals_admin:review", args=[round_.pk]), "View")],
            )
            return redirect("approvals_admin:queue")
    messages.error(request, "Your decision was not recorded; see the message above the decision buttons.")
    round_.refresh_from_db()
    return _render_screen(request, round_, form, status=422)


@reviewer_required
@require_POST
def promote(request, task_state_id: int):
    """Add an approved free-text value as a pre-approved wording of its template field."""
    round_ = _round_or_404(request, task_state_id)
    field_key = request.POST.get("field", "")
    try:
        revision = promote_wording(document=round_.document, field_key=field_key, reviewer=request.user)
    except ApprovalError as exc:
        messages.error(request, f"Not promoted: {exc}")
    except PermissionDenied:
        return permission_denied(request)
    else:
        field_label = next((f.label for f in revision.as_object().field_list() if f.key == field_key), field_key)
        messages.success(
            request,
            f"{field_label}: the wording is now pre-approved in “{round_.document.template.title}” (a new template "
            "revision was published). The next document using it is approved without review.",
        )
    return redirect("approvals_admin:review", round_.pk)


@reviewer_required
@require_GET
def review_page(request, task_state_id: int, page: int):
    """One page of the submitted content as a PNG, watermarked as a draft."""
    round_ = _round_or_404(request, task_state_id)
    if page < 1:
        raise Http404("No such page.")
    try:
        name = render_pdf_cached(_draft_job(_submitted_content(round_)))
    except RenderError as exc:
        raise Http404("The preview could not be rendered.") from exc
    with open_cached_pdf(name) as handle:
        try:
            png = page_png(handle.read(), page=page - 1, width=PREVIEW_WIDTH)
        except IndexError:
            raise Http404("No such page.") from None
        except RenderError as exc:
            raise Http404("The preview could not be rendered.") from exc
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@reviewer_required
@require_GET
def review_pdf(request, task_state_id: int):
    """The submitted content as a draft PDF (watermarked on every page), opened in the browser."""
    round_ = _round_or_404(request, task_state_id)
    try:
        name = render_pdf_cached(_draft_job(_submitted_content(round_)))
    except RenderError as exc:
        raise Http404("The preview could not be rendered.") from exc
    response = FileResponse(open_cached_pdf(name), content_type="application/pdf", filename="draft.pdf")
    response["X-Content-Type-Options"] = "nosniff"
    return response
