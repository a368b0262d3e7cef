"""Deal imports for partner managers: their own organisation's imports only, into its own
connection. Anyone else (and any other organisation's import) gets the 404 of a missing import.
Thin callers of deals/services/imports.py, sharing the admin's pages (deals/import_pages.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts.roles import is_partner_manager
from deals.import_forms import DealImportUploadForm
from deals.import_pages import ACTIONS, blank_template_response, preview_context, run_action
from deals.import_selectors import deal_imports_visible_to, import_presets_for


def _own_imports(user):
    if not is_partner_manager(user):
        raise Http404
    return deal_imports_visible_to(user).filter(organisation_id=user.organisation_id)


@login_required
@never_cache
def deal_import_list(request):
    imports = _own_imports(request.user)
    form = DealImportUploadForm(request.POST or None, request.FILES or None, presets=import_presets_for(request.user))
    if request.method == "POST" and form.is_valid() and (deal_import := form.upload(request.user)):
        return redirect("portal:deal-import-detail", public_id=deal_import.public_id)
    return render(
        request,
        "portal/pages/deal_imports.html",
        {"form": form, "imports": imports[:50], "nav": "deal-imports"},
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def deal_import_template(request):
    _own_imports(request.user)
    return blank_template_response()


@login_required
@never_cache
@require_GET
def deal_import_detail(request, public_id):
    deal_import = get_object_or_404(_own_imports(request.user), public_id=public_id)
    context = preview_context(
        deal_import,
        request.user,
        lambda action: reverse("portal:deal-import-action", args=[deal_import.public_id, action]),
    )
    return render(request, "portal/pages/deal_import.html", context | {"nav": "deal-imports"})


@login_required
@require_POST
def deal_import_action(request, public_id, action):
    deal_import = get_object_or_404(_own_imports(request.user), public_id=public_id)
    if action not in ACTIONS:
        raise Http404
    is_done, message = run_action(request, deal_import, action)
    (messages.success if is_done else messages.error)(request, message)
    return redirect("portal:deal-import-detail", public_id=deal_import.public_id)
