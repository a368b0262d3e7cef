"""A document's owner nominates it as a candidate corporate template, or withdraws the
nomination while the brand team has not decided. Anyone else's document is a 404, as for every
document route."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from feedback.models import TemplateNomination
from feedback.services.nominations import NominationError, nomination_create, nomination_problem, nomination_withdraw
from templates_lib.selectors import documents_editable_by

from ..nomination_forms import NominationForm

STATUS_UNPROCESSABLE = 422


@login_required
def document_nominate(request, public_id):
    """GET: the nomination form (reason optional). POST: nominate; a refusal shows the form again
    with what was typed."""
    document = get_object_or_404(documents_editable_by(request.user), public_id=public_id)
    form = NominationForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            nomination_create(document=document, user=request.user, reason=form.cleaned_data["reason"])
        except NominationError as exc:
            error = str(exc)
        else:
            messages.success(
                request, "Nominated. The brand team will look at it; you will get a notification when they decide."
            )
            return redirect("portal:document-edit", document.public_id)
    elif request.method == "GET":
        error = nomination_problem(document=document, user=request.user)
    status = STATUS_UNPROCESSABLE if request.method == "POST" else 200
    return render(
        request,
        "portal/pages/nomination_form.html",
        {"document": document, "form": form, "error": error, "nav": "documents"},
        status=status,
    )


@login_required
@require_POST
def document_nomination_withdraw(request, public_id):
    document = get_object_or_404(documents_editable_by(request.user), public_id=public_id)
    nomination = get_object_or_404(TemplateNomination, document=document, nominated_by=request.user)
    try:
        nomination_withdraw(nomination=nomination, user=request.user)
    except NominationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Nomination withdrawn.")
    return redirect("portal:document-edit", document.public_id)
