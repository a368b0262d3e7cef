"""Downloads, served from the render cache. Final PDFs and PNGs are the document's approved content
(approvals.output.final_output, the one way to final output); drafts are the latest content,
watermarked. Multi-page documents that take more than about a second render in the background
while the page shows progress.

Two PDFs, named for what they are for (DOWNLOAD_NAMES): the PDF for email and screen (the digital
profile) by default, the PDF for print with `?profile=print`.

A final download asks which deal it is for (or "no specific deal"), remembers the answer per
document and carries it as `?deal=<public_id>` or `?deal=none` on the final PDF/PNG URLs and the
background render, so the cached file is the one made for that deal. Every final PDF and PNG is a
delivery event, written before the bytes are sent; if it cannot be written nothing is sent."""

import io

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from approvals.audit import audit_document
from approvals.output import FinalOutput, OutputRefused, draft_render_job, final_output, final_output_refusal
from approvals.selectors import documents_visible_to
from approvals.tasks import render_final_pdf
from deals.models import Channel, Deal
from deals.selectors import deals_for_picker
from deals.services.choices import DealNotAvailable, pickable_deal, remember_deal_choice, remembered_deal
from deals.services.events import DeliveryNotRecorded, record_delivery
from templates_lib.rendering.cache import RenderJob, cached_pdf_name, open_cached_pdf, render_pdf_cached
from templates_lib.rendering.errors import RenderError
from templates_lib.rendering.pages import page_png
from templates_lib.rendering.profile import Profile
from templates_lib.services.lifecycle import usable_replacement

from ..presenters import DOWNLOAD_NAMES, RenderProgress

SESSION_KEY = "render-tasks"
PNG_WIDTH = 1600
NO_DEAL = "none"
PICKER_SIZE = 50


def _document(request, public_id):
    """Downloads are open to everyone who may see the document, not only its owner."""
    return get_object_or_404(documents_visible_to(request.user), public_id=public_id)


def _profile(request) -> str:
    return Profile.PRINT if request.GET.get("profile") == Profile.PRINT else Profile.DIGITAL


def _filename(document, suffix: str) -> str:
    return f"{slugify(document.title) or 'document'}{suffix}"


def _final_filename(output: FinalOutput, extension: str, *, profile: str = Profile.DIGITAL) -> str:
    """An older approved version says so in its name, as the page that offers it does; the PDF for
    print says it is for print, so the two never overwrite each other in a downloads folder."""
    suffix = ("" if output.is_latest else "-last-approved") + ("-print" if profile == Profile.PRINT else "")
    return _filename(output.document, f"{suffix}.{extension}")


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


def _deal_key(deal: Deal | None) -> str:
    return str(deal.public_id) if deal is not None else NO_DEAL


def _requested_deal(request, document) -> Deal | None:
    """The deal named by `?deal=` (`none`: no specific deal); without one, the remembered deal.
    Raises DealNotAvailable for a deal the user may not pick, exactly as for a missing one."""
    asked = request.GET.get("deal")
    if asked is None:
        return remembered_deal(document, request.user)
    if asked == NO_DEAL:
        return None
    return pickable_deal(request.user, asked)


def _not_recorded(request, document, error: DeliveryNotRecorded):
    return render(
        request, "portal/pages/delivery_not_recorded.html", {"document": document, "message": str(error)}, status=503
    )


def _render_pdf(job: RenderJob) -> bytes:
    name = render_pdf_cached(job)
    with open_cached_pdf(name) as handle:
        return handle.read()


def _pdf_response(request, document, job: RenderJob, filename: str):
    try:
        pdf = _render_pdf(job)
    except RenderError as exc:
        return _render_failed(request, document, exc)
    return _pdf_bytes_response(pdf, filename)


def _pdf_bytes_response(pdf: bytes, filename: str):
    response = FileResponse(io.BytesIO(pdf), as_attachment=True, filename=filename, content_type="application/pdf")
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _png_bytes(job: RenderJob) -> bytes:
    return page_png(_render_pdf(job), page=0, width=PNG_WIDTH)


def _png_response(request, document, job: RenderJob, filename: str):
    try:
        png = _png_bytes(job)
    except RenderError as exc:
        return _render_failed(request, document, exc)
    return _png_bytes_response(png, filename)


def _png_bytes_response(png: bytes, filename: str):
    response = HttpResponse(png, content_type="image/png")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def document_final_pdf(request, public_id):
    """The document's final PDF for the deal it is for: its approved content, from the render cache
    (rendered first if needed). While a newer edit waits for review, this is the last approved
    version. Recorded as a delivery event before it is sent."""
    document = _document(request, public_id)
    profile = _profile(request)
    try:
        deal = _requested_deal(request, document)
    except DealNotAvailable as refused:
        # A deal the user may not see is answered exactly like a document that does not exist.
        raise Http404(str(refused)) from None
    try:
        output = final_output(document, profile=profile, deal=deal)
    except OutputRefused as refused:
        return _refused(request, document, refused.reason)
    try:
        pdf = _render_pdf(output.job)
    except RenderError as exc:
        return _render_failed(request, document, exc)
    try:
        record_delivery(output=output, channel=Channel.PORTAL_PDF, delivered=pdf, user=request.user, deal=deal)
    except DeliveryNotRecorded as error:
        return _not_recorded(request, document, error)
    audit_document(
        document,
        "lastmile.document.downloaded",
        user=request.user,
        profile=profile,
        approved_revision=output.revision_id,
        is_latest=output.is_latest,
        deal=_deal_key(deal),
    )
    return _pdf_bytes_response(pdf, _final_filename(output, "pdf", profile=profile))


@login_required
@require_GET
def document_final_png(request, public_id):
    """Page 1 of the final (approved) document as a PNG, for email and social posts. Recorded as a
    delivery event before it is sent."""
    document = _document(request, public_id)
    try:
        deal = _requested_deal(request, document)
    except DealNotAvailable as refused:
        # A deal the user may not see is answered exactly like a document that does not exist.
        raise Http404(str(refused)) from None
    try:
        output = final_output(document, profile=Profile.DIGITAL, deal=deal)
    except OutputRefused as refused:
        return _refused(request, document, refused.reason)
    try:
        png = _png_bytes(output.job)
    except RenderError as exc:
        return _render_failed(request, document, exc)
    try:
        record_delivery(
            output=output,
            channel=Channel.PORTAL_PNG,
            delivered=png,
            user=request.user,
            deal=deal,
            detail={"width": PNG_WIDTH},
        )
    except DeliveryNotRecorded as error:
        return _not_recorded(request, document, error)
    return _png_bytes_response(png, _final_filename(output, "png"))


@login_required
@require_GET
def document_draft_pdf(request, public_id):
    """A preview PDF of the latest content, watermarked as a draft on every page, with the deal
    tokens of the remembered deal."""
    document = _document(request, public_id)
    try:
        job = draft_render_job(document, deal=remembered_deal(document, request.user))
    except OutputRefused as refused:
        return _refused(request, document, refused.reason)
    return _pdf_response(request, document, job, _filename(document, ".draft.pdf"))


@login_required
@require_GET
def document_draft_png(request, public_id):
    """Page 1 of the latest content as a PNG, watermarked as a draft, with the remembered deal."""
    document = _document(request, public_id)
    try:
        job = draft_render_job(document, deal=remembered_deal(document, request.user))
    except OutputRefused as refused:
        return _refused(request, document, refused.reason)
    return _png_response(request, document, job, _filename(document, ".draft.png"))


def _query(**params) -> str:
    query = QueryDict(mutable=True)
    query.update({key: value for key, value in params.items() if value})
    return query.urlencode()


def _pdf_url(document, profile: str, deal: Deal | None = None) -> str:
    return (
        reverse("portal:document-pdf", args=[document.public_id]) + "?" + _query(profile=profile, deal=_deal_key(deal))
    )


def _png_url(document, deal: Deal | None) -> str:
    return reverse("portal:document-png", args=[document.public_id]) + "?" + _query(deal=_deal_key(deal))


def _deal_picker(request, document, *, profile: str, as_png: bool, selected: Deal | None, error: str = "", status=200):
    """Which deal is this download for? The user's open deals (searched by `q`), the one
    remembered for the document first, or "no specific deal"."""
    search = request.GET.get("q", "").strip()[:100]
    deals = list(deals_for_picker(request.user, search)[:PICKER_SIZE])
    if selected is not None and selected not in deals:
        deals.insert(0, selected)
    context = {
        "document": document,
        "profile": profile,
        "download_name": "PNG of page 1" if as_png else DOWNLOAD_NAMES[profile],
        "format": "png" if as_png else "",
        "deals": deals,
        "selected": _deal_key(selected),
        "search": search,
        "error": error,
    }
    return render(request, "portal/pages/download_deal.html", context, status=status)


@login_required
@require_GET
def document_download(request, public_id):
    """Start a final download: ask which deal it is for (when the user has deals to pick from),
    remember the answer, then straight to the file when it is cached or quick to make; otherwise
    queue the render for that deal and show progress. `?format=png` ends at page 1 as a PNG."""
    document = _document(request, public_id)
    profile = _profile(request)
    as_png = request.GET.get("format") == "png"
    if reason := final_output_refusal(document):
        return _refused(request, document, reason)  # before asking for a deal it could not go to
    asked = request.GET.get("deal")
    if asked is None or request.GET.get("find"):
        remembered = remembered_deal(document, request.user)
        if request.GET.get("find") or remembered is not None or deals_for_picker(request.user).exists():
            return _deal_picker(request, document, profile=profile, as_png=as_png, selected=remembered)
        deal = None  # no deal to pick from: the only answer is "no specific deal"
    else:
        try:
            deal = None if asked == NO_DEAL else pickable_deal(request.user, asked)
        except DealNotAvailable as refused:
            return _deal_picker(
                request, document, profile=profile, as_png=as_png, selected=None, error=str(refused), status=404
            )
    try:
        output = final_output(document, profile=Profile.DIGITAL if as_png else profile, deal=deal)
    except OutputRefused as refused:
        return _refused(request, document, refused.reason)
    if asked is not None:
        remember_deal_choice(document, deal, user=request.user)
    if as_png:
        return redirect(_png_url(document, deal))
    if cached_pdf_name(output.job) or not renders_in_background(output.content):
        return redirect(_pdf_url(document, profile, deal))
    result = render_final_pdf.enqueue(document.pk, profile, deal.pk if deal is not None else None)
    request.session.setdefault(SESSION_KEY, {})[_task_key(document, profile, deal)] = result.id
    request.session.modified = True
    context = {
        "document": document,
        "profile": profile,
        "download_name": DOWNLOAD_NAMES[profile],
        "pdf_url": _pdf_url(document, profile, deal),
        "status_query": _query(profile=profile, deal=_deal_key(deal)),
        "output": output,
    }
    return render(request, "portal/pages/preparing.html", context)


def _task_key(document, profile: str, deal: Deal | None) -> str:
    return f"{document.public_id}:{profile}:{_deal_key(deal)}"


@login_required
@require_GET
def document_render_status(request, public_id):
    document = _document(request, public_id)
    profile = _profile(request)
    try:
        deal = _requested_deal(request, document)
    except DealNotAvailable as refused:
        # A deal the user may not see is answered exactly like a document that does not exist.
        raise Http404(str(refused)) from None
    pdf_url = _pdf_url(document, profile, deal)
    try:
        output = final_output(document, profile=profile, deal=deal)
    except OutputRefused:
        return render(request, "portal/partials/render_status.html", {"state": "failed", "document": document})
    if cached_pdf_name(output.job):
        return render(request, "portal/partials/render_status.html", {"state": "ready", "pdf_url": pdf_url})
    result_id = request.session.get(SESSION_KEY, {}).get(_task_key(document, profile, deal))
    progress = RenderProgress.of(result_id, document=document, profile=profile)
    return render(
        request,
        "portal/partials/render_status.html",
        {"state": progress.state, "progress": progress, "pdf_url": pdf_url, "document": document},
    )
