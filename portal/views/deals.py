"""Deals in the portal: the list, a deal's page, and new/edit forms for deals typed by hand.

Every lookup goes through deals.selectors: a deal the user may not see (or change) is the same 404
as a deal that does not exist. The rules live in deals.services.deals."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from approvals.selectors import documents_visible_to
from deals.event_selectors import events_for_deal
from deals.forms import DealFilterForm, DealForm, deal_initial
from deals.models import Outcome
from deals.selectors import deals_editable_by, deals_visible_to
from deals.services import deals as deal_services
from deals.services.deals import DealAccessError, DealError, can_create_deals
from feedback.selectors.priority import with_priority_flag

from ..deal_presenters import DealDetail, DealEventRow, DealRow
from .priority_deals import deal_page_panels

STATUS_BAD_REQUEST = 400
STATUS_UNPROCESSABLE = 422
PAGE_SIZE = 25


@login_required
@require_GET
def deal_list(request):
    form = DealFilterForm(request.GET)
    filters = form.filters()
    deals = with_priority_flag(deals_visible_to(request.user))
    if filters["q"]:
        deals = deals.filter(Q(name__icontains=filters["q"]) | Q(account_name__icontains=filters["q"]))
    if filters["outcome"]:
        deals = deals.filter(outcome=filters["outcome"])
    page = Paginator(deals.order_by("-updated_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/pages/deals/list.html",
        {
            "page": page,
            "rows": [DealRow(deal) for deal in page.object_list],
            "query": filters["q"],
            "outcome": filters["outcome"],
            "outcomes": Outcome.choices,
            "can_create": can_create_deals(request.user),
            "filter_refusals": form.refusals(),
            "nav": "deals",
        },
        status=STATUS_BAD_REQUEST if form.errors else 200,
    )


@login_required
@require_GET
def deal_detail(request, public_id):
    deal = get_object_or_404(deals_visible_to(request.user, include_deleted=True), public_id=public_id)
    documents = (
        documents_visible_to(request.user)
        .filter(Q(deal_choice__deal=deal) | Q(delivery_events__deal=deal))
        .distinct()
        .order_by("title")
    )
    events = [DealEventRow(event) for event in events_for_deal(deal, request.user)[:100]]
    detail = DealDetail(deal, viewer=request.user, documents=list(documents), events=events)
    return render(
        request,
        "portal/pages/deals/detail.html",
        {"deal": detail, "nav": "deals", **deal_page_panels(request, deal)},
    )


def _render_form(request, form, *, deal=None, status=200):
    detail = DealDetail(deal, viewer=request.user, documents=[], events=[]) if deal is not None else None
    return render(
        request, "portal/pages/deals/form.html", {"form": form, "deal": detail, "nav": "deals"}, status=status
    )


def _add_service_errors(form, exc: DealError) -> None:
    for field, errors in exc.errors.items():
        for error in errors:
            form.add_error(None if field == "__all__" or field not in form.fields else field, error)


@login_required
def deal_create(request):
    if not can_create_deals(request.user):
        raise Http404
    if request.method != "POST":
        return _render_form(request, DealForm(user=request.user))
    form = DealForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            deal = deal_services.deal_create(by=request.user, values=form.values(), owner=form.owner())
        except DealError as exc:
            _add_service_errors(form, exc)
        except DealAccessError:
            raise Http404 from None
        else:
            messages.success(request, f"Added the deal “{deal.name}”.")
            return redirect("portal:deal-detail", deal.public_id)
    return _render_form(request, form, status=STATUS_UNPROCESSABLE)


@login_required
def deal_edit(request, public_id):
    deal = get_object_or_404(deals_editable_by(request.user), public_id=public_id)
    if request.method != "POST":
        return _render_form(request, DealForm(user=request.user, initial=deal_initial(deal)), deal=deal)
    form = DealForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            deal_services.deal_update(deal=deal, by=request.user, values=form.values(), owner=form.owner())
        except DealError as exc:
            _add_service_errors(form, exc)
        except DealAccessError:
            raise Http404 from None
        else:
            messages.success(request, f"Saved the deal “{form.cleaned_data['name']}”.")
            return redirect("portal:deal-detail", deal.public_id)
    return _render_form(request, form, deal=deal, status=STATUS_UNPROCESSABLE)


@login_required
@require_POST
def deal_delete(request, public_id):
    deal = get_object_or_404(deals_editable_by(request.user), public_id=public_id)
    try:
        deal_services.deal_delete(deal=deal, by=request.user)
    except DealError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Deleted the deal “{deal.name}”. Its documents and events are kept.")
    return redirect("portal:deal-detail", deal.public_id)


@login_required
@require_POST
def deal_restore(request, public_id):
    deal = get_object_or_404(deals_editable_by(request.user, include_deleted=True), public_id=public_id)
    try:
        deal_services.deal_restore(deal=deal, by=request.user)
    except DealError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Restored the deal “{deal.name}”.")
    return redirect("portal:deal-detail", deal.public_id)
