"""Priority deals in the portal: the list (by region), and marking or unmarking a deal from its
page. The deal lookup is scoped to the user (a deal out of reach is a 404); who may mark is
feedback.services.priority's rule (someone who may see the deal but not mark it gets a 403)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from accounts.models import Region
from brand.text import SingleLineFormField
from deals.models import Outcome
from deals.selectors import deals_visible_to
from feedback.selectors.priority import priority_deals_for, priority_get, priority_regions_for
from feedback.services.priority import (
    NOTE_MAX_CHARS,
    PriorityAccessError,
    PriorityDealError,
    can_mark_priority,
    may_mark_any_priority,
    priority_mark,
    priority_unmark,
)
from reports.models import ReportSettings
from reports.selectors.recommendations import recommendations_for_deal

from ..priority_presenters import PriorityControl, PriorityRow, RecommendationPanel

STATUS_BAD_REQUEST = 400
STATUS_UNPROCESSABLE = 422
LIST_LIMIT = 500


class PriorityFilterForm(forms.Form):
    region = forms.ModelChoiceField(label="Region", queryset=Region.objects.all(), to_field_name="code", required=False)

    def refusals(self) -> list[str]:
        return [f"{self.fields[name].label}: {error}" for name, errors in self.errors.items() for error in errors]


class PriorityMarkForm(forms.Form):
    note = SingleLineFormField(
        label="What was agreed (optional)",
        required=False,
        max_length=NOTE_MAX_CHARS,
        widget=forms.TextInput(attrs={"placeholder": "e.g. Case study and pricing sheet before the demo"}),
    )


@login_required
@require_GET
def priority_deal_list(request):
    form = PriorityFilterForm(request.GET)
    region = form.cleaned_data.get("region") if form.is_valid() else None
    priorities = priority_deals_for(request.user, region_id=region.pk if region else None)
    rows = [PriorityRow(priority) for priority in priorities[:LIST_LIMIT]]
    return render(
        request,
        "portal/pages/priority_deals.html",
        {
            "rows": rows,
            "region": region,
            "regions": priority_regions_for(request.user),
            "can_mark": may_mark_any_priority(request.user),
            "filter_refusals": form.refusals(),
            "is_truncated": len(rows) == LIST_LIMIT,
            "nav": "deals",
        },
        status=STATUS_BAD_REQUEST if form.errors else 200,
    )


@login_required
def deal_priority(request, public_id):
    """GET: the mark form on its own page (also where a refused note comes back); POST: mark."""
    deal = get_object_or_404(deals_visible_to(request.user), public_id=public_id)
    if not can_mark_priority(request.user, deal):
        raise PermissionDenied("You cannot mark priority deals.")
    priority = priority_get(deal)
    if request.method != "POST":
        form = PriorityMarkForm(initial={"note": priority.note if priority else ""})
        return _render_mark(request, deal, form, priority)
    form = PriorityMarkForm(request.POST)
    if form.is_valid():
        try:
            priority_mark(deal=deal, by=request.user, note=form.cleaned_data["note"])
        except PriorityAccessError as exc:
            raise PermissionDenied(str(exc)) from None
        except PriorityDealError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                f"“{deal.name}” is a priority deal." if priority is None else f"Saved the note on “{deal.name}”.",
            )
            return _back(request, deal)
    return _render_mark(request, deal, form, priority, status=STATUS_UNPROCESSABLE)


@login_required
@require_POST
def deal_priority_remove(request, public_id):
    deal = get_object_or_404(deals_visible_to(request.user), public_id=public_id)
    try:
        removed = priority_unmark(deal=deal, by=request.user)
    except PriorityAccessError as exc:
        raise PermissionDenied(str(exc)) from None
    if removed:
        messages.success(request, f"“{deal.name}” is no longer a priority deal.")
    return _back(request, deal)


def _render_mark(request, deal, form, priority, *, status=200):
    return render(
        request,
        "portal/pages/priority_mark.html",
        {"deal": deal, "form": form, "priority": priority, "nav": "deals"},
        status=status,
    )


def _back(request, deal):
    if request.POST.get("return_to") == "list":
        return redirect("portal:priority-deals")
    return redirect("portal:deal-detail", deal.public_id)


def deal_page_panels(request, deal) -> dict:
    """What the deal page adds for this feature: the priority control and the recommendations."""
    is_open = deal.outcome == Outcome.OPEN and deal.deleted_at is None
    control = PriorityControl(deal, priority_get(deal), can_mark=can_mark_priority(request.user, deal), is_open=is_open)
    result = recommendations_for_deal(deal, viewer=request.user, settings=ReportSettings.load(request_or_site=request))
    return {"priority": control, "recommendations": RecommendationPanel(result) if result else None}
