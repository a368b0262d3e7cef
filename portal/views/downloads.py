"""Downloads, served from the render cache. Final PDFs and PNGs are the document's approved content
(approvals.output.final_output, the one way to final output); drafts are the latest content,
watermarked. Multi-page documents that take more than about a second render in the background
while the page shows progress."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from approvals.audit import audit_document
from approvals.output import FinalOutput, OutputRefused, draft_render_job, final_output
from approvals.selectors import documents_visible_to
from approvals.tasks import render_final_pdf
from templates_lib.rendering.cache import RenderJob, cached_pdf_name, open_cached_pdf, render_pdf_cached
from templates_lib.rendering.errors import RenderError
from templates_lib.rendering.pages import page_png
from templates_lib.rendering.profile import Profile
from templates_lib.services.lifecycle import usable_replacement

from ..presenters import RenderProgress

SESSION_KEY = "render-tasks"
PNG_WIDTH = 1600


def _document(request, public_id):
    """Downloads are open to everyone who may see the document, not only its owner."""
    return get_object_or_404(documents_visible_to(request.user), public_id=public_id)


def _profile(request) -> str:
    return Profile.DIGITAL if request.GET.get("profile") == Profile.DIGITAL else Profile.PRINT


def _filename(document, suffix: str) -> str:
    return f"{slugify(document.title) or 'document'}{suffix}"


def _final_filename(output: FinalOutput, extension: str) -> str:
    """An older approved version says so in its name, as the page that offers it does."""
    return _filename(output.document, ("" if output.is_latest else "-last-approved") + f".{extension}")


def renders_in_background(document) -> bool:
    """Multi-page layouts (the brochure) take more than about a second to render."""
    layout = document.pinned_template().layout_spec
    return layout.section is not None or (layout.fixed_pages or 1) > 2


def _refused(request, document, reason: str):
    """Output refused, with the reason, a draft preview and, for a retired template, the way to
    its replacement."""
    template = document.template
    withdrawn = bool(template.withdrawal_reason)
    context = {
        "document": document,
        "reason": reason,
        "withdrawn": withdrawn,
        "replacement": usable_replacement(template) if withdrawn else None,
    }
    return render(request, "portal/pages/download_refused.html", context, status=403)


def _render_failed(request, document, error: RenderError):
    return render(request, "portal/pages/render_failed.html", {"document": document, "error": error}, status=422)


def _pdf_response(request, document, job: RenderJob, filename: str):
    try:
        name = render_pdf_cached(job)
    except RenderError as exc:
        return _render_failed(request, document, exc)
    response = FileResponse(
        open_cached_pdf(name), as_attachment=True, filename=filename, content_type="application/pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _png_response(request, document, job: RenderJob, filename: str):
    try:
        name = render_pdf_cached(job)
    except RenderError as exc:
        return _render_failed(request, document, exc)
    try:
        with open_cached_pdf(name) as handle:
            png = page_png(handle.read(), page=0, width=PNG_WIDTH)
    except RenderError as exc:
        return _render_failed(request, document, exc)
    response = HttpResponse(png, content_type="image/png")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def document_final_pdf(request, public_id):
    """The document's final PDF: its approved content, from the render cache (rendered first if
    needed). While a newer edit waits for review, this is the last approved version."""
    document = _document(request, public_id)
    profile = _profile(request)
    try:
        output = final_output(document, profile=profile)
    except OutputRefused as refused:
        return _refused(request, document, refused.reason)
    response = _pdf_response(request, document, output.job, _final_filename(output, "pdf"))
    if response.status_code == 200:
        audit_document(
            document,
            "lastmile.document.downloaded",
            user=request.user,
            profile=profile,
            approved_revision=output.revision_id,
            is_latest=output.is_latest,
        )
    return response


@login_required
@require_GET
def document_final_png(request, public_id):
    """Page 1 of the final (approved) document as a PNG, for email and social posts."""
    document = _document(request, public_id)
    try:
        output = final_output(document, profile=Profile.DIGITAL)
    except OutputRefused as refused:
        return _refused(request, document, refused.reason)
    return _png_response(request, document, output.job, _final_filename(output, "png"))


@login_required
@require_GET
def document_draft_pdf(request, public_id):
    """A preview PDF of the latest content, watermarked as a draft on every page."""
    document = _document(request, public_id)
    try:
        job = draft_render_job(document)
    except OutputRefused as refused:
        return _refused(request, document, refused.reason)
    return _pdf_response(request, document, job, _filename(document, ".draft.pdf"))


@login_required
@require_GET
def document_draft_png(request, public_id):
    """Page 1 of the latest content as a PNG, watermarked as a draft."""
    document = _document(request, public_id)
    try:
        job = draft_render_job(document)
    except OutputRefused as refused:
        return _refused(request, document, refused.reason)
    return _png_response(request, document, job, _filename(document, ".draft.png"))


def _pdf_url(document, profile: str) -> str:
    return reverse("portal:document-pdf", args=[document.public_id]) + f"?profile={profile}"


@login_required
@require_GET
def document_download(request, public_id):
    """Start a final download: straight to the file when it is cached or quick to make; otherwise
    queue the render and show progress."""
    document = _document(request, public_id)
    profile = _profile(request)
    try:
        output = final_output(document, profile=profile)
    except OutputRefused as refused:
        return _refused(request, document, refused.reason)
    if cached_pdf_name(output.job) or not renders_in_background(output.content):
        return redirect(_pdf_url(document, profile))
    result = render_final_pdf.enqueue(document.pk, profile)
    request.session.setdefault(SESSION_KEY, {})[f"{document.public_id}:{profile}"] = result.id
    request.session.modified = True
    context = {"document": document, "profile": profile, "pdf_url": _pdf_url(document, profile), "output": output}
    return render(request, "portal/pages/preparing.html", context)


@login_required
@require_GET
def document_render_status(request, public_id):
    document = _document(request, public_id)
    profile = _profile(request)
    pdf_url = _pdf_url(document, profile)
    try:
        output = final_output(document, profile=profile)
    except OutputRefused:
        return render(request, "portal/partials/render_status.html", {"state": "failed", "document": document})
    if cached_pdf_name(output.job):
        return render(request, "portal/partials/render_status.html", {"state": "ready", "pdf_url": pdf_url})
    result_id = request.session.get(SESSION_KEY, {}).get(f"{document.public_id}:{profile}")
    progress = RenderProgress.of(result_id, document=document, profile=profile)
    return render(
        request,
        "portal/partials/render_status.html",
        {"state": progress.state, "progress": progress, "pdf_url": pdf_url, "document": document},
    )
