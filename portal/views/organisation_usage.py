"""Usage and adoption of the portal in a partner manager's own organisation: the adoption report's
selector, restricted to `user.organisation_id`. The view takes no organisation parameter at all;
anyone but a partner manager gets a 404, like the team pages."""

import datetime

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.roles import is_partner_manager
from reports.charts import Bar, bar_chart
from reports.filters import ReportFilters, default_start
from reports.selectors.adoption import organisation_adoption_list, person_adoption_list

from ..forms import ListFilterForm

STATUS_BAD_REQUEST = 400
LONGEST_PERIOD_DAYS = 5 * 366


class UsagePeriodForm(ListFilterForm):
    start = forms.DateField(
        label="From", required=False, error_messages={"invalid": "Enter a date as YYYY-MM-DD, e.g. 2026-01-31."}
    )
    end = forms.DateField(
        label="To", required=False, error_messages={"invalid": "Enter a date as YYYY-MM-DD, e.g. 2026-03-31."}
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", "The end of the period must not be before its start.")
        elif start and end and (end - start).days > LONGEST_PERIOD_DAYS:
            self.add_error("start", "Choose a period of five years or less.")
        return cleaned

    def period(self) -> tuple[datetime.date, datetime.date | None]:
        """The valid period; a refused one falls back to the last year."""
        if not self.is_valid():
            return default_start(), None
        return self.cleaned_data.get("start") or default_start(), self.cleaned_data.get("end")


@login_required
@require_GET
def organisation_usage(request):
    if not is_partner_manager(request.user):
        raise Http404
    organisation = request.user.organisation
    form = UsagePeriodForm(request.GET)
    start, end = form.period()
    filters = ReportFilters(start=start, end=end, organisation_id=organisation.pk)
    people = person_adoption_list(filters)
    summary = next(iter(organisation_adoption_list(filters)), None)
    active = sum(1 for person in people if person.is_active)
    chart = bar_chart(
        [Bar("Active", active), Bar("Inactive", len(people) - active)],
        caption=f"People at {organisation.name}, {filters.window} (n={len(people)})",
    )
    return render(
        request,
        "portal/pages/organisation_usage.html",
        {
            "organisation": organisation,
            "people": people,
            "summary": summary,
            "chart": chart,
            "window": filters.window,
            "start": start,
            "end": end,
            "filter_refusals": form.refusals(),
            "nav": "team-usage",
        },
        status=STATUS_BAD_REQUEST if form.errors else 200,
    )
