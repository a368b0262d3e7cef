from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from approvals import selectors as approval_selectors
from approvals import services as approvals
from templates_lib.models import ApprovalState
from templates_lib.selectors import documents_editable_by
from templates_lib.services import documents as document_services
from templates_lib.services.documents import DocumentValuesError, ShareError

from ..forms import DocumentFilterForm, ShareForm, form_errors_text
from ..presenters import DocumentRow

STATUS_BAD_REQUEST = 400


@login_required
@require_GET
def document_list(request):
    form = DocumentFilterForm(request.GET)
    filters = form.filters()
    query, sort, scope, state = filters["q"], filters["sort"], filters["scope"], filters["state"]
    documents = approval_selectors.document_list(
        request.user, query=query, order=DocumentFilterForm.SORTS[sort], scope=scope, state=state
    )
    page = Paginator(documents, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/pages/documents.html",
        {
            "page": page,
            "rows": [DocumentRow(d, viewer=request.user) for d in page.object_list],
            "query": query,
            "sort": sort,
            "scope": scope,
            "state": state,
            "state_label": ApprovalState(state).label if state else "",
            "states": ApprovalState.choices,
            "filter_refusals": form.refusals(),
            "nav": "documents",
        },
        status=STATUS_BAD_REQUEST if form.errors else 200,
    )


@login_required
@require_POST
def document_rename(request, public_id):
    document = get_object_or_404(documents_editable_by(request.user), public_id=public_id)
    try:
        document_services.document_rename(document=document, title=request.POST.get("title", ""))
        messages.success(request, f"Renamed to “{document.title}”.")
    except DocumentValuesError as exc:
        messages.error(request, " ".join(exc.errors["title"]))
    return redirect("portal:documents")


@login_required
@require_POST
def document_duplicate(request, public_id):
    document = get_object_or_404(documents_editable_by(request.user), public_id=public_id)
    copy = approvals.document_duplicate(document=document, owner=request.user)
    messages.success(request, f"Made a copy: “{copy.title}”.")
    return redirect("portal:document-edit", copy.public_id)


@login_required
def document_delete(request, public_id):
    document = get_object_or_404(documents_editable_by(request.user), public_id=public_id)
    if request.method == "POST":
        approvals.document_delete(document=document, user=request.user)
        messages.success(request, f"Deleted “{document.title}”.")
        return redirect("portal:documents")
    return render(request, "portal/pages/document_delete.html", {"document": document})


@login_required
@require_POST
def document_share(request, public_id):
    document = get_object_or_404(documents_editable_by(request.user), public_id=public_id)
    form = ShareForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors_text(form))
        return redirect("portal:document-edit", document.public_id)
    try:
        colleague = document_services.document_share(
            document=document, by=request.user, email=form.cleaned_data["email"]
        )
        messages.success(request, f"Shared “{document.title}” with {colleague}. They can open and download it.")
    except ShareError as exc:
        messages.error(request, str(exc))
    return redirect("portal:document-edit", document.public_id)
