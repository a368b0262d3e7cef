"""The editor: a form generated from the template's editable fields, with a live preview.

Every value goes through templates_lib's validation service; a rejected save re-renders the
editor with everything the user typed and an error on each bad field."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST

from approvals.selectors import documents_visible_to
from approvals.services import ApprovalError, document_save, document_submit
from deals.services.choices import DealNotAvailable, pickable_deal, remember_deal_choice, remembered_deal
from templates_lib.models import ApprovalState
from templates_lib.rendering.html import render_collateral_html
from templates_lib.rendering.profile import Profile
from templates_lib.revisions import template_at_revision
from templates_lib.selectors import documents_editable_by, templates_for_user
from templates_lib.services.documents import (
    DocumentFrozenError,
    DocumentValuesError,
    default_title,
)
from templates_lib.services.validation import document_values_clean
from templates_lib.tokens import TokenContext

from ..editor import (
    UPLOAD_SUFFIX,
    TitleForm,
    deal_options,
    editor_fields,
    error_summary,
    field_groups,
    preview_values,
    submitted_values,
)
from ..forms import SubmitForm
from ..presenters import DocumentApproval, after_save_message, editor_field_rows

STATUS_UNPROCESSABLE = 422
STATUS_CONFLICT = 409
DEAL_FIELD = "deal"


def _render_editor(
    request,
    *,
    template,
    pinned,
    values,
    raw=None,
    errors=None,
    document=None,
    title="",
    status=200,
    frozen_conflict: str = "",
    deal=None,
    submit_note: str = "",
):
    """`frozen_conflict`: why a save was refused because the document is in review; the form
    stays editable with what was typed, and offers to withdraw and save."""
    approval = DocumentApproval(document) if document is not None else None
    fields = editor_fields(template=pinned, values=values, user=request.user, errors=errors, raw=raw, deal=deal)
    is_frozen = bool(approval and approval.is_frozen and not frozen_conflict)
    rows = editor_field_rows(fields, approval)
    shown_rows = [row for row in rows if not row.field.is_locked or row.is_flagged]
    context = {
        "nav": "documents" if document else "library",
        "template": template,
        "pinned": pinned,
        "document": document,
        "approval": approval,
        "is_frozen": is_frozen,
        "frozen_conflict": frozen_conflict,
        "frozen_preview_html": _frozen_preview(document, pinned, deal) if is_frozen else "",
        "deal_options": deal_options(request.user, deal),
        "fields": fields,
        # Locked fields are summarised out of the way; a flagged one (a reviewer's note) stays in view.
        "field_groups": field_groups(shown_rows, fields),
        "locked_rows": [row for row in rows if row.field.is_locked and not row.is_flagged],
        "title": title,
        "errors": errors or {},
        "error_summary": error_summary(fields, errors or {}),
        "submit_note": submit_note,
    }
    return render(request, "portal/pages/editor.html", context, status=status)


def _frozen_preview(document, pinned, deal=None) -> str:
    """While the document is in review the form is read-only, so the preview is the saved content."""
    return render_collateral_html(
        template=pinned,
        values=document.values,
        token_context=TokenContext(user=document.owner, organisation=document.owner.organisation, deal=deal),
        profile=Profile.DIGITAL,
        for_browser=True,
        mark_locked=True,
        title=document.title,
    )


def _uploads(request, pinned) -> dict:
    """Files posted for the template's editable fields, by field key."""
    return {
        tf.key: request.FILES[tf.key + UPLOAD_SUFFIX]
        for tf in pinned.editable_fields()
        if tf.key + UPLOAD_SUFFIX in request.FILES
    }


def _posted_deal(request):
    """The deal chosen in the editor: None for "no specific deal"; DealNotAvailable for an id the
    user may not pick, exactly as for one that does not exist."""
    return pickable_deal(request.user, request.POST.get(DEAL_FIELD, ""))


def _save(request, *, template, pinned, document=None):
    raw = submitted_values(pinned, request.POST)
    title = request.POST.get("title", "")
    title_form = TitleForm(request.POST)
    deal = remembered_deal(document, request.user) if document is not None else None
    try:
        if DEAL_FIELD in request.POST:
            try:
                deal = _posted_deal(request)
            except DealNotAvailable as exc:
                raise DocumentValuesError({DEAL_FIELD: [str(exc)]}) from None
        if not title_form.is_valid():
            # Every problem at once: the fields' own errors too, not only the missing name.
            checked = document_values_clean(
                template=pinned,
                submitted=raw,
                token_context=TokenContext(user=request.user, deal=deal),
                check_fit=False,
            )
            raise DocumentValuesError({**checked.errors, "title": title_form.errors["title"]})
        result = document_save(
            user=request.user,
            template=template,
            document=document,
            values=raw,
            title=title_form.cleaned_data["title"],
            uploads=_uploads(request, pinned),
            withdraw_first=request.POST.get("withdraw_and_save") == "1",
        )
    except DocumentValuesError as exc:
        errors = exc.errors
    except DocumentFrozenError as exc:
        return _render_editor(
            request,
            template=template,
            pinned=pinned,
            values=document.values,
            raw=raw,
            document=document,
            title=title,
            status=STATUS_CONFLICT,
            frozen_conflict=str(exc),
            deal=deal,
        )
    else:
        if DEAL_FIELD in request.POST:
            remember_deal_choice(result.document, deal, user=request.user)
        if result.withdrawn:
            messages.info(request, "Withdrawn from review.")
        if request.POST.get("then_submit") == "1" and document is not None:
            return _submit_after_save(request, result.document)
        level, text = after_save_message(result.document, created=result.created, changed=result.changed)
        getattr(messages, level)(request, text)
        return redirect("portal:document-edit", result.document.public_id)
    return _render_editor(
        request,
        template=template,
        pinned=pinned,
        values=document.values if document else {},
        raw=raw,
        errors=errors,
        document=document,
        title=title,
        status=STATUS_UNPROCESSABLE,
        deal=deal,
        submit_note=request.POST.get("submit_note", "")[: SubmitForm.NOTE_MAX_CHARS],
    )


def _submit_after_save(request, document):
    """ "Save and submit": the edit just saved is the version sent for review."""
    form = SubmitForm({"note": request.POST.get("submit_note", "")})
    try:
        if not form.is_valid():
            raise ApprovalError(" ".join(form.errors["note"]))
        state = document_submit(document, user=request.user, note=form.cleaned_data["note"])
    except ApprovalError as exc:
        messages.info(request, "Your changes are saved.")
        messages.error(request, f"Not submitted: {exc}")
    else:
        if state == ApprovalState.APPROVED:
            messages.success(request, "Saved and approved automatically: everything in it is within the brand rules.")
        else:
            messages.success(
                request,
                "Saved and sent to the brand team for review. You will get a notification when they have decided.",
            )
    return redirect("portal:document-edit", document.public_id)


@login_required
def template_personalise(request, public_id):
    template = get_object_or_404(templates_for_user(request.user), public_id=public_id)
    pinned = template_at_revision(template.live_revision)
    if request.method == "POST":
        return _save(request, template=template, pinned=pinned)
    return _render_editor(request, template=template, pinned=pinned, values={}, title=default_title(template))


@login_required
def document_edit(request, public_id):
    """The owner edits; colleagues it is shared with, their partner manager and analysts see it read-only."""
    document = documents_editable_by(request.user).filter(public_id=public_id).first()
    if document is None:
        if request.method != "GET":
            raise Http404
        return _document_read_only(request, public_id)
    pinned = document.pinned_template()
    if request.method == "POST":
        return _save(request, template=document.template, pinned=pinned, document=document)
    return _render_editor(
        request,
        template=document.template,
        pinned=pinned,
        values=document.values,
        document=document,
        title=document.title,
        deal=remembered_deal(document, request.user),
    )


def _document_read_only(request, public_id):
    document = get_object_or_404(documents_visible_to(request.user), public_id=public_id)
    html = render_collateral_html(
        template=document.pinned_template(),
        values=document.values,
        token_context=TokenContext(user=document.owner, organisation=document.owner.organisation),
        profile=Profile.DIGITAL,
        for_browser=True,
        title=document.title,
    )
    return render(
        request,
        "portal/pages/document_view.html",
        {"document": document, "approval": DocumentApproval(document), "html": html, "nav": "documents"},
    )


def _preview(request, pinned, *, check_fit: bool):
    try:
        deal = _posted_deal(request)
    except DealNotAvailable:
        raise Http404 from None
    submitted = submitted_values(pinned, request.POST)
    token_context = TokenContext(user=request.user, deal=deal)
    result = document_values_clean(
        template=pinned, submitted=submitted, token_context=token_context, check_fit=check_fit
    )
    fields = editor_fields(
        template=pinned,
        values=result.values,
        user=request.user,
        errors=result.errors,
        raw=submitted,
        with_images=False,
        deal=deal,
    )
    if check_fit:
        return HttpResponse(render_to_string("portal/partials/fit_errors.html", {"fields": fields}))
    html = render_collateral_html(
        template=pinned,
        values=preview_values(pinned, submitted, result),
        token_context=token_context,
        profile=Profile.DIGITAL,
        for_browser=True,
        mark_locked=True,
    )
    return HttpResponse(render_to_string("portal/partials/preview.html", {"html": html, "fields": fields}))


@login_required
@require_POST
def template_preview(request, public_id):
    template = get_object_or_404(templates_for_user(request.user), public_id=public_id)
    return _preview(request, template_at_revision(template.live_revision), check_fit=request.GET.get("fit") == "1")


@login_required
@require_POST
def document_preview(request, public_id):
    document = get_object_or_404(documents_editable_by(request.user), public_id=public_id)
    return _preview(request, document.pinned_template(), check_fit=request.GET.get("fit") == "1")
