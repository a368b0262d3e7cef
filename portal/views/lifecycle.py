"""Upgrading a document to the newer version of its template (the owner only)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from approvals import services as approvals
from templates_lib.selectors import documents_editable_by
from templates_lib.services.lifecycle import LifecycleError


@login_required
@require_POST
def document_upgrade(request, public_id):
    document = get_object_or_404(documents_editable_by(request.user), public_id=public_id)
    try:
        result = approvals.document_upgrade(document=document, user=request.user)
    except LifecycleError as exc:
        messages.error(request, str(exc))
        return redirect("portal:document-edit", document.public_id)
    message = f"Upgraded to the latest version of “{document.template.title}”."
    if result.dropped:
        labels = ", ".join(value.label for value in result.dropped)
        message += f" {labels}: your text did not fit the new version, so it went back to the template’s wording."
    if result.is_approved:
        message += " It is approved."
    else:
        message += " It needs approval again before a final PDF: submit it for review."
    messages.success(request, message)
    return redirect("portal:document-edit", document.public_id)
