"""The requester's side of the approval loop: submit a document for brand review, or withdraw it
to edit. Only the owner may do either; anyone else gets a 404, as for every document route."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from approvals.services import ApprovalError, DecisionConflict, document_submit, document_withdraw
from templates_lib.models import ApprovalState
from templates_lib.selectors import documents_editable_by

from ..forms import SubmitForm, form_errors_text


@login_required
@require_POST
def document_submit_view(request, public_id):
    document = get_object_or_404(documents_editable_by(request.user), public_id=public_id)
    form = SubmitForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"Not submitted: {form_errors_text(form)}")
        return redirect("portal:document-edit", document.public_id)
    try:
        state = document_submit(document, user=request.user, note=form.cleaned_data["note"])
    except ApprovalError as exc:
        messages.error(request, str(exc))
        return redirect("portal:document-edit", document.public_id)
    if state == ApprovalState.APPROVED:
        messages.success(request, "Approved automatically: everything in it is within the brand rules.")
    else:
        messages.success(
            request, "Sent to the brand team for review. You will get a notification when they have decided."
        )
    return redirect("portal:document-edit", document.public_id)


@login_required
@require_POST
def document_withdraw_view(request, public_id):
    document = get_object_or_404(documents_editable_by(request.user), public_id=public_id)
    try:
        document_withdraw(document, user=request.user)
    except DecisionConflict as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Withdrawn from review. You can edit it again; submit it when you are ready.")
    return redirect("portal:document-edit", document.public_id)
