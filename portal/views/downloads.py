"""Final downloads, served from the render cache. Multi-page documents that take more than about
a second render in the background while the page shows progress."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from approvals.audit import audit_document
from approvals.selectors import documents_visible_to
from approvals.services import final_download_refusal
from templates_lib.rendering.cache import cached_pdf_name, open_cached_pdf, render_job_for_document, render_pdf_cached
from templates_lib.rendering.engine import RenderError, pdf_page_png
from templates_lib.rendering.profile import Profile
from templates_lib.services.lifecycle import usable_replacement
from templates_lib.tasks import render_document_pdf

SESSION_KEY = "render-tasks"


def _document(request, public_id):
    """Downloads are open to everyone who may see the document, not only its owner."""
    return get_object_or_404(documents_visible_to(request.user), public_id=public_id)


def _profile(request) -> str:
    return Profile.DIGITAL if request.GET.get("profile") == Profile.DIGITAL else Profile.PRINT


def _filename(document, extension: str) -> str:
    return f"{slugify(document.title) or 'document'}.{extension}"


def renders_in_background(document) -> bool:
    """Multi-page layouts (the brochure) take more than about a second to render."""
    layout = document.pinned_template().layout_spec
    return layout.section is not None or (layout.fixed_pages or 1) > 2


def _refused(request, document, reason: str):
    """Final output is refused with the reason, a draft preview and, for a retired template,
    the way to its replacement."""
    template = document.template
    replacement = usable_replacement(template) if template.withdrawal_reason else None
    context = {
        "document": document,
        "reason": reason,
        "withdrawn": bool(template.withdrawal_reason),
        "replacement": replacement,
    }
    return render(request, "portal/pages/download_refused.html", context, status=403)


def _pdf_response(request, document, job, filename: str):
    try:
        name = render_pdf_cached(job)
    except RenderError as exc:
        return render(request, "portal/pages/render_failed.html", {"document": document, "error": exc}, status=422)
    response = FileResponse(
        open_cached_pdf(name), as_attachment=True, filename=filename, content_type="application/pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def document_final_pdf(request, public_id):
    """The document's final PDF, served from the render cache (rendered first if needed). Only
    approved content of a template still in use leaves the portal as a final PDF."""
    document = _document(request, public_id)
    reason = final_download_refusal(document)
    if reason:
        return _refused(request, document, reason)
    profile = _profile(request)
    response = _pdf_response(
        request, document, render_job_for_document(document, profile=profile), _filename(document, "pdf")
    )
    if response.status_code == 200:
        audit_document(document, "lastmile.document.downloaded", user=request.user, profile=profile)
    return response


@login_required
@require_GET
def document_draft_pdf(request, public_id):
    """A preview PDF of the current content, watermarked as a draft on every page."""
    document = _document(request, public_id)
    if document.template.withdrawal_reason:
        return _refused(request, document, final_download_refusal(document))
    job = render_job_for_document(document, profile=Profile.DIGITAL, watermark=settings.LASTMILE_DRAFT_WATERMARK)
    return _pdf_response(request, document, job, _filename(document, "draft.pdf"))


@login_required
@require_GET
def document_download(request, public_id):
    """Start a download: straight to the file when it is cached or quick to make; otherwise queue
    the render and show progress."""
    document = _document(request, public_id)
    reason = final_download_refusal(document)
    if reason:
        return _refused(request, document, reason)
    profile = _profile(request)
    pdf_url = reverse("portal:document-pdf", args=[document.public_id]) + f"?profile={profile}"
    job = render_job_for_document(document, profile=profile)
    if cached_pdf_name(job) or not renders_in_background(document):
        return redirect(pdf_url)
    result = render_document_pdf.enqueue(document.pk, profile)
    request.session.setdefault(SESSION_KEY, {})[f"{document.public_id}:{profile}"] = result.id
    request.session.modified = True
    return render(
        request, "portal/pages/preparing.html", {"document": document, "profile": profile, "pdf_url": pdf_url}
    )


@login_required
@require_GET
def document_render_status(request, public_id):
    document = _document(request, public_id)
    profile = _profile(request)
    pdf_url = reverse("portal:document-pdf", args=[document.public_id]) + f"?profile={profile}"
    if cached_pdf_name(render_job_for_document(document, profile=profile)):
        return render(request, "portal/partials/render_status.html", {"state": "ready", "pdf_url": pdf_url})
    result_id = request.session.get(SESSION_KEY, {}).get(f"{document.public_id}:{profile}")
    state = "working"
    if result_id:
        try:
            result = render_document_pdf.get_result(result_id)
            state = {"FAILED": "failed"}.get(str(result.status).split(".")[-1], "working")
        except Exception:
            state = "failed"
    return render(
        request, "portal/partials/render_status.html", {"state": state, "pdf_url": pdf_url, "document": document}
    )


@login_required
@require_GET
def document_png(request, public_id):
    """Page 1 as a PNG, for email and social posts; watermarked as a draft until approved."""
    document = _document(request, public_id)
    if document.template.withdrawal_reason:
        return _refused(request, document, final_download_refusal(document))
    watermark = settings.LASTMILE_DRAFT_WATERMARK if final_download_refusal(document) else ""
    try:
        name = render_pdf_cached(render_job_for_document(document, profile=Profile.DIGITAL, watermark=watermark))
    except RenderError as exc:
        return render(request, "portal/pages/render_failed.html", {"document": document, "error": exc}, status=422)
    with open_cached_pdf(name) as handle:
        png = pdf_page_png(handle.read(), page=0, width=1600)
    response = HttpResponse(png, content_type="image/png")
    response["Content-Disposition"] = f'attachment; filename="{_filename(document, "png")}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
