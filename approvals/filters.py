"""Filters of the review queue in Wagtail admin. Choices list only what is in the reviewer's
queue, so a brand manager limited to regions never sees other regions' names."""

from django.db.models import Q

from wagtail.admin.filters import WagtailFilterSet

import django_filters

from accounts.models import Organisation, Region
from templates_lib.models import CollateralTemplate

from .models import BrandReviewTaskState
from .selectors import in_regions, review_queue, review_region_ids


def _queue(request):
    return review_queue(request.user) if request is not None else BrandReviewTaskState.objects.none()


def _templates(request):
    return CollateralTemplate.objects.filter(pk__in=_queue(request).values("document__template")).order_by("title")


def _organisations(request):
    owners = _queue(request).values("document__owner__organisation")
    return Organisation.objects.filter(pk__in=owners).order_by("name")


def _regions(request):
    regions = Region.objects.order_by("name")
    limited = review_region_ids(request.user) if request is not None else []
    return regions.filter(pk__in=limited) if limited else regions


class ReviewQueueFilterSet(WagtailFilterSet):
    template = django_filters.ModelChoiceFilter(
        field_name="document__template", queryset=_templates, label="Template", empty_label="All templates"
    )
    region = django_filters.ModelChoiceFilter(
        queryset=_regions, method="filter_region", label="Region", empty_label="All regions"
    )
    organisation = django_filters.ModelChoiceFilter(
        field_name="document__owner__organisation",
        queryset=_organisations,
        label="Partner organisation",
        empty_label="All organisations",
    )
    # Free text rather than a list: a queue can have thousands of requesters.
    requester = django_filters.CharFilter(method="filter_requester", label="Requester (name or email)")

    class Meta:
        model = BrandReviewTaskState
        fields = ["template", "region", "organisation", "requester"]

    def filter_region(self, queryset, name, region):
        return queryset.filter(in_regions([region.pk])) if region else queryset

    def filter_requester(self, queryset, name, text):
        for word in text.split()[:5]:
            queryset = queryset.filter(
                Q(document__owner__first_name__icontains=word)
                | Q(document__owner__last_name__icontains=word)
                | Q(document__owner__username__icontains=word)
                | Q(document__owner__email__icontains=word)
            )
        return queryset
