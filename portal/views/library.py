from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from templates_lib.layouts import Kind
from templates_lib.rendering.copyfit import expected_pages
from templates_lib.rendering.errors import RenderError
from templates_lib.rendering.pages import page_count
from templates_lib.rendering.thumbnails import template_page_png, template_preview_pdf
from templates_lib.revisions import template_at_revision
from templates_lib.selectors import library_tags, recently_used_templates, template_library, templates_for_user

from ..forms import LibraryFilterForm
from ..presenters import TemplateCard, customisable_summary
from ..rating_presenters import rating_panel

PAGE_SIZE = 24
STATUS_BAD_REQUEST = 400


def home(request):
    if request.user.is_authenticated:
        return redirect("portal:library")
    return redirect("portal:login")


@login_required
@require_GET
def library(request):
    form = LibraryFilterForm(request.GET)
    filters = form.filters()
    kind, tag, query = filters["kind"], filters["tag"], filters["q"]
    templates = template_library(request.user, kind=kind, tag=tag, query=query)
    page = Paginator(templates, PAGE_SIZE).get_page(request.GET.get("page"))
    is_filtered = bool(kind or tag or query)
    show_recent = not is_filtered and page.number == 1
    context = {
        "page": page,
        "cards": [TemplateCard(template) for template in page.object_list],
        "recent": [TemplateCard(template) for template in recently_used_templates(request.user)] if show_recent else [],
        "kinds": Kind.choices,
        "tags": library_tags(request.user),
        "kind": kind,
        "tag": tag,
        "query": query,
        "is_filtered": is_filtered,
        "filter_refusals": form.refusals(),
        "nav": "library",
    }
    return render(request, "portal/pages/library.html", context, status=STATUS_BAD_REQUEST if form.errors else 200)


@login_required
@require_GET
def template_detail(request, public_id):
    template = get_object_or_404(templates_for_user(request.user), public_id=public_id)
    return template_detail_response(request, template)


def template_detail_response(request, template, *, rating_form=None, status=200):
    """The template's page; a rejected rating re-renders it with what was typed (views/ratings.py)."""
    pinned = template_at_revision(template.live_revision)
    try:
        pages = page_count(template_preview_pdf(pinned, revision_id=template.live_revision_id))
    except RenderError:
        pages = max(1, expected_pages(pinned))  # the page images say for themselves if they fail
    card = TemplateCard(template)
    context = {
        "nav": "library",
        "template": template,
        "card": card,
        "page_images": [card.thumb_url(page, large=True) for page in range(pages)],
        "summary": customisable_summary(pinned),
        "rating": rating_panel(request.user, template, form=rating_form),
    }
    return render(request, "portal/pages/template_detail.html", context, status=status)


@login_required
@require_GET
@cache_control(private=True, max_age=3600)
def template_thumbnail(request, public_id, revision_id, page):
    """Page image of a template's default content; the revision in the URL makes it cacheable."""
    template = get_object_or_404(templates_for_user(request.user), public_id=public_id)
    if template.live_revision_id != revision_id:
        return redirect("portal:template-thumbnail", public_id, template.live_revision_id, page)
    width = 900 if request.GET.get("size") == "large" else 420
    pinned = template_at_revision(template.live_revision)
    try:
        png = template_page_png(pinned, revision_id=revision_id, page=page, width=width)
    except IndexError:
        return HttpResponse(status=404)
    except RenderError:
        # The card keeps its place and alt text; the next request tries again.
        return HttpResponse(status=503, headers={"Retry-After": "30"})
    return HttpResponse(png, content_type="image/png")
