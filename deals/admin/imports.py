"""Deal imports in Wagtail admin, for marketing operations (the "add deal import" permission,
given to analysts) and administrators: any connection, every import. Thin callers of the import
service, sharing their pages with the portal's (deals/import_pages.py)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from wagtail import hooks
from wagtail.admin.auth import permission_denied
from wagtail.admin.menu import MenuItem

from ..import_forms import DealImportUploadForm, connections_for_admin
from ..import_pages import ACTIONS, blank_template_response, preview_context, run_action
from ..import_selectors import deal_imports_visible_to, import_presets_for, imports_for_everyone


def _guard(view):
    def guarded(request, *args, **kwargs):
        if not imports_for_everyone(request.user):
            return permission_denied(request)
        return view(request, *args, **kwargs)

    guarded.__name__ = view.__name__
    return guarded


def _page(request, template: str, context: dict, *, title: str, status: int = 200):
    crumbs = [
        {"url": reverse("wagtailadmin_home"), "label": "Home"},
        {"url": reverse("deal_imports_admin:list"), "label": "Deal imports"},
    ]
    context |= {"breadcrumbs_items": crumbs, "header_title": title, "header_icon": "download", "page_title": title}
    return TemplateResponse(request, template, context, status=status)


@_guard
@never_cache
def import_list(request):
    form = DealImportUploadForm(
        request.POST or None,
        request.FILES or None,
        presets=import_presets_for(request.user),
        connections=connections_for_admin(),
    )
    if request.method == "POST" and form.is_valid() and (deal_import := form.upload(request.user)):
        return redirect("deal_imports_admin:detail", public_id=deal_import.public_id)
    imports = deal_imports_visible_to(request.user)[:100]
    return _page(
        request,
        "deals/admin/imports.html",
        {"form": form, "imports": imports},
        title="Deal imports",
        status=400 if form.errors else 200,
    )


@_guard
@never_cache
@require_GET
def import_detail(request, public_id):
    deal_import = get_object_or_404(deal_imports_visible_to(request.user), public_id=public_id)
    context = preview_context(
        deal_import,
        request.user,
        lambda action: reverse("deal_imports_admin:action", args=[deal_import.public_id, action]),
    )
    return _page(request, "deals/admin/import.html", context, title=f"Import: {deal_import.original_name}")


@_guard
@require_POST
def import_action(request, public_id, action):
    deal_import = get_object_or_404(deal_imports_visible_to(request.user), public_id=public_id)
    if action not in ACTIONS:
        raise Http404
    is_done, message = run_action(request, deal_import, action)
    (messages.success if is_done else messages.error)(request, message)
    return redirect("deal_imports_admin:detail", public_id=deal_import.public_id)


@_guard
@require_GET
def import_template(request):
    return blank_template_response()


admin_urls = [
    path("", import_list, name="list"),
    path("template.csv", import_template, name="template"),
    path("<uuid:public_id>/", import_detail, name="detail"),
    path("<uuid:public_id>/<slug:action>/", import_action, name="action"),
]


class DealImportsMenuItem(MenuItem):
    def is_shown(self, request):
        return imports_for_everyone(request.user)


@hooks.register("register_admin_urls")
def deal_imports_admin_urls():
    from django.urls import include

    return [path("deal-imports/", include((admin_urls, "deal_imports_admin")))]


@hooks.register("register_admin_menu_item")
def deal_imports_menu_item():
    return DealImportsMenuItem("Deal imports", reverse("deal_imports_admin:list"), icon_name="download", order=320)
