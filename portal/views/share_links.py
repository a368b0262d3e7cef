"""Share links: the owner's page to make, list and revoke them, and the public pages a prospect
opens without signing in (ADR 15).

Every public answer carries `Referrer-Policy: no-referrer`, `X-Robots-Tag: noindex` and
`Cache-Control: private, no-store`. A link that does not work, for whatever reason (malformed,
unknown, expired, revoked, template retired, approval no longer holding, a view-only link asked
for its PDF, a page that does not exist), gets the one neutral 404, byte for byte the same."""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.links import absolute_url
from approvals.output import OutputRefused, final_output
from brand.services import BrandSnapshot, brand_snapshot
from deals.models import Channel, ShareLink
from deals.services.events import DeliveryNotRecorded
from deals.services.share_links import (
    ShareLinkError,
    max_expiry_days,
    share_link_create,
    share_link_for_token,
    share_link_opened,
    share_link_revoke,
    share_link_set_notifications,
)
from deals.services.share_pages import final_pdf_stored, page_image, pages_in
from deals.services.share_throttle import share_open_allowed, share_request_allowed
from templates_lib.rendering.errors import RenderError
from templates_lib.rendering.profile import Profile
from templates_lib.selectors import documents_editable_by

from ..services.login_throttle import client_address
from ..share_link_forms import ShareLinkForm
from ..share_link_presenters import DocumentShareLinks

STATUS_BAD_REQUEST = 400
STATUS_TOO_MANY = 429
STATUS_UNAVAILABLE = 503


def _public(view):
    """The headers every public share answer carries, whatever its status."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Referrer-Policy"] = "no-referrer"
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response

    return wrapped


def _standalone(template: str, context: dict | None = None, *, brand: BrandSnapshot | None = None, status: int = 200):
    """A public page in the brand's look, rendered without the portal's context processors: it
    depends on nothing about the request, so every refusal is byte for byte the same, and the
    brand kit already read for the render is not read again."""
    brand = brand or brand_snapshot()
    logo_url = f"{settings.MEDIA_URL}{brand.primary_logo.file_name}" if brand.primary_logo else ""
    context = {**(context or {}), "portal_brand": brand, "portal_logo_url": logo_url}
    return HttpResponse(render_to_string(template, context), status=status)


def _not_found(request):
    return _standalone("portal/share/unavailable.html", status=404)


def _too_many(request):
    response = _standalone("portal/share/too_many.html", status=STATUS_TOO_MANY)
    response["Retry-After"] = "600"
    return response


def _cannot_serve(request):
    return _standalone("portal/share/cannot_serve.html", status=STATUS_UNAVAILABLE)


def _working_link(request, token):
    """(link, None) for a working link within the address limit, else (None, the answer to send)."""
    if not share_request_allowed(address=client_address(request)):
        return None, _too_many(request)
    link = share_link_for_token(token)
    if link is None:
        return None, _not_found(request)
    return link, None


def _output(link: ShareLink):
    return final_output(link.document, profile=Profile.DIGITAL, deal=link.deal)


@_public
@require_GET
def share_link_page(request, token):
    """The prospect's page: every page of the final document as an image. This HTML view is the
    one open that is recorded (page images are not): one event per open, before it is shown."""
    link, refused = _working_link(request, token)
    if refused:
        return refused
    if not share_open_allowed(link=link):
        return _too_many(request)
    try:
        output = _output(link)
        pdf_name, pdf = final_pdf_stored(output)
        pages = pages_in(output, pdf, pdf_name=pdf_name)
        share_link_opened(
            link=link,
            output=output,
            channel=Channel.SHARE_VIEW,
            delivered=pdf,
            pages_seen=list(range(1, pages + 1)),
        )
    except OutputRefused:
        return _not_found(request)
    except (RenderError, DeliveryNotRecorded):
        return _cannot_serve(request)
    context = {
        "link": link,
        "document": link.document,
        "token": token,
        "pages": range(1, pages + 1),
        "sender": link.created_by.get_full_name() or link.created_by.get_username(),
    }
    return _standalone("portal/share/page.html", context, brand=output.job.brand)


@_public
@require_GET
def share_link_page_image(request, token, page):
    """One page image of a working link, from the render cache. Not an open of its own."""
    link, refused = _working_link(request, token)
    if refused:
        return refused
    try:
        png = page_image(_output(link), page=page)
    except (OutputRefused, IndexError):
        return _not_found(request)
    except RenderError:
        return _cannot_serve(request)
    return HttpResponse(png, content_type="image/png")


@_public
@require_GET
def share_link_download(request, token):
    """The final PDF, for a link that allows downloads (a view-only link: the neutral 404)."""
    link, refused = _working_link(request, token)
    if refused:
        return refused
    if not link.allow_download:
        return _not_found(request)
    if not share_open_allowed(link=link):
        return _too_many(request)
    try:
        output = _output(link)
        pdf_name, pdf = final_pdf_stored(output)
        share_link_opened(
            link=link,
            output=output,
            channel=Channel.SHARE_DOWNLOAD,
            delivered=pdf,
            pages_seen=list(range(1, pages_in(output, pdf, pdf_name=pdf_name) + 1)),
        )
    except OutputRefused:
        return _not_found(request)
    except (RenderError, DeliveryNotRecorded):
        return _cannot_serve(request)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{slugify(link.document.title) or "document"}.pdf"'
    return response


# The owner's side


def _owned_document(request, public_id):
    return get_object_or_404(documents_editable_by(request.user), public_id=public_id)


def _owned_link(request, public_id, link_id):
    document = _owned_document(request, public_id)
    return get_object_or_404(ShareLink.objects.filter(document=document).select_related("document"), public_id=link_id)


def _share_page(request, document, form=None, *, created=None, status=200):
    share = DocumentShareLinks(document, request.user)
    context = {
        "document": document,
        "form": form or share.form,
        "share": share,
        "created_url": absolute_url(created.path) if created else "",
        "created": created.link if created else None,
        "max_days": max_expiry_days(),
        "nav": "documents",
    }
    return render(request, "portal/pages/share_links.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def document_share_links(request, public_id):
    """The document's share links, and the form to make one. The new link's URL is shown once,
    in the answer to the POST that made it: only its hash is kept."""
    document = _owned_document(request, public_id)
    if request.method == "GET":
        return _share_page(request, document)
    form = ShareLinkForm(request.POST, user=request.user)
    if not form.is_valid():
        return _share_page(request, document, form, status=STATUS_BAD_REQUEST)
    try:
        created = share_link_create(document=document, created_by=request.user, **form.cleaned_data)
    except ShareLinkError as exc:
        form.add_service_errors(exc.errors)
        return _share_page(request, document, form, status=STATUS_BAD_REQUEST)
    return _share_page(request, document, created=created)


@login_required
@require_POST
def document_share_link_revoke(request, public_id, link_id):
    link = _owned_link(request, public_id, link_id)
    share_link_revoke(link=link, by=request.user)
    messages.success(request, f"The link for {link.recipient_name} no longer works.")
    return redirect("portal:document-share-links", public_id)


@login_required
@require_POST
def document_share_link_notifications(request, public_id, link_id):
    link = _owned_link(request, public_id, link_id)
    notify_opens = request.POST.get("notify_opens") == "on"
    share_link_set_notifications(link=link, by=request.user, notify_opens=notify_opens)
    state = "on" if notify_opens else "off"
    messages.success(request, f"Open notifications for {link.recipient_name}'s link are {state}.")
    return redirect("portal:document-share-links", public_id)
