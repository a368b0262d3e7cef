"""Decisions on partner logos and uploaded images, from the review queue's tabs."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from wagtail.admin import messages
from wagtail.admin.auth import permission_denied
from wagtail.images import get_image_model

from accounts.models import Organisation

from ..forms import AssetDecisionForm
from ..services import ApprovalError, DecisionConflict, image_review, logo_review
from .access import reviewer_required


def _decide(request, decide, *, what: str, back: str):
    form = AssetDecisionForm(request.POST)
    if not form.is_valid() or form.cleaned_data["approve"] is None:
        messages.error(request, "Choose approve or turn down.")
        return redirect(back)
    approve = form.cleaned_data["approve"]
    try:
        decide(approve=approve, note=form.cleaned_data["note"])
    except DecisionConflict as exc:
        messages.error(request, f"{exc} Nothing was changed.")
    except ApprovalError as exc:
        messages.error(request, str(exc))
    except PermissionDenied:
        return permission_denied(request)
    else:
        messages.success(request, f"{what} {'approved' if approve else 'turned down'}.")
    return redirect(back)


@reviewer_required
@require_POST
def logo_decide(request, organisation_id: int):
    organisation = get_object_or_404(Organisation, pk=organisation_id)
    return _decide(
        request,
        lambda **decision: logo_review(organisation=organisation, reviewer=request.user, **decision),
        what=f"{organisation.name}'s logo",
        back="approvals_admin:logos",
    )


@reviewer_required
@require_POST
def upload_decide(request, image_id: int):
    image = get_object_or_404(get_image_model(), pk=image_id)
    return _decide(
        request,
        lambda **decision: image_review(image=image, reviewer=request.user, **decision),
        what=f"“{image.title}”",
        back="approvals_admin:uploads",
    )
