"""Template requests in Wagtail admin: marketing (brand managers, analysts) sees every request,
ordered by the demand behind it, inspects one (its supporters, deals, example image) and triages
it (open, accepted, declined with a reason, done with the template that answers it). There is no
add or delete: requests come from the portal and stay on the record."""

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.cache import patch_vary_headers
from django.utils.functional import cached_property
from django.views.decorators.http import require_safe

from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.models import EditView, IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button

import django_filters

from ..forms import RequestDecisionForm
from ..models import RequestKind, RequestStatus, TemplateRequest, Urgency
from ..selectors.requests import demand_for, may_view_requests_in_admin, supports_of, with_demand
from ..services.requests import request_decide

RELATED = ("requested_by", "organisation", "template", "answered_by", "decided_by", "example_image")
IMAGE_TYPES = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "webp": "image/webp", "gif": "image/gif"}


def _attach_demand(requests) -> None:
    demand = demand_for([request.pk for request in requests])
    for request in requests:
        request.demand = demand[request.pk]
        request.open_deals_label = str(demand[request.pk].open_deals)
        request.totals_label = demand[request.pk].totals_label


class TemplateRequestFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(choices=RequestStatus.choices)
    kind = django_filters.ChoiceFilter(choices=RequestKind.choices)
    urgency = django_filters.ChoiceFilter(choices=Urgency.choices)

    class Meta:
        model = TemplateRequest
        fields = ["status", "kind", "urgency", "organisation"]


class TemplateRequestIndexView(IndexView):
    def get_base_queryset(self):
        return with_demand(TemplateRequest.objects.select_related(*RELATED))

    def get_table(self, object_list):
        object_list = list(object_list)
        _attach_demand(object_list)
        return super().get_table(object_list)


class TemplateRequestInspectView(InspectView):
    template_name = "feedback/admin/request_inspect.html"
    example_url_name = None

    def get_object(self, queryset=None):
        return get_object_or_404(TemplateRequest.objects.select_related(*RELATED), pk=self.pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        _attach_demand([self.object])
        context["request_obj"] = self.object
        context["supports"] = list(supports_of(self.object))
        context["example_url"] = (
            reverse(self.example_url_name, args=[self.object.pk]) if self.object.example_image_id else ""
        )
        return context

    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        if self.request.user.has_perm("feedback.change_templaterequest"):
            buttons.append(Button("Triage", url=reverse(self.edit_url_name, args=[self.object.pk]), icon_name="edit"))
        return buttons


class TemplateRequestEditView(EditView):
    def save_instance(self):
        data = self.form.cleaned_data
        return request_decide(
            request=self.object,
            by=self.request.user,
            status=data["status"],
            reason=data.get("decision_reason", ""),
            answered_by=data.get("answered_by"),
        )


class TemplateRequestViewSet(ModelViewSet):
    model = TemplateRequest
    icon = "help"
    menu_label = "Template requests"
    menu_order = 10
    inspect_view_enabled = True
    copy_view_enabled = False
    index_view_class = TemplateRequestIndexView
    inspect_view_class = TemplateRequestInspectView
    edit_view_class = TemplateRequestEditView
    filterset_class = TemplateRequestFilterSet
    search_fields = ["title", "purpose", "segment"]
    list_display = [
        "title",
        "status",
        "urgency",
        "organisation",
        Column("support_count", label="People"),
        Column("open_deals_label", label="Open deals", accessor="open_deals_label"),
        Column("totals_label", label="Open deal value, per currency", accessor="totals_label"),
        "created_at",
    ]
    list_filter = None
    list_export = ["title", "status", "kind", "urgency", "organisation", "segment", "support_count", "created_at"]
    export_filename = "template-requests"

    def get_form_class(self, for_update=False):
        return RequestDecisionForm

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(**kwargs) | {
            "add_url_name": None,
            "copy_url_name": None,
            "delete_url_name": None,
        }

    def get_edit_view_kwargs(self, **kwargs):
        return super().get_edit_view_kwargs(**kwargs) | {"delete_url_name": None}

    def get_inspect_view_kwargs(self, **kwargs):
        return super().get_inspect_view_kwargs(example_url_name=self.get_url_name("example"), **kwargs)

    @property
    def example_view(self):
        return example_image_view

    def get_urlpatterns(self):
        # Requests come from the portal and stay on the record: no add, copy or delete.
        kept = [pattern for pattern in super().get_urlpatterns() if pattern.name not in {"add", "copy", "delete"}]
        return [*kept, path("example/<int:pk>/", self.example_view, name="example")]


@require_safe
def example_image_view(request, pk: int):
    """A request's example image for marketing in admin (the requester sees it in the portal)."""
    if not may_view_requests_in_admin(request.user):
        raise PermissionDenied
    template_request = get_object_or_404(TemplateRequest.objects.select_related("example_image"), pk=pk)
    image = template_request.example_image
    if image is None:
        raise Http404("No example image.")
    extension = image.file.name.rsplit(".", 1)[-1].lower()
    if extension not in IMAGE_TYPES:
        raise Http404("No example image.")
    try:
        handle = image.file.storage.open(image.file.name, "rb")
    except FileNotFoundError as exc:
        raise Http404("No example image.") from exc
    response = FileResponse(handle, content_type=IMAGE_TYPES[extension])
    response["Cache-Control"] = "private, max-age=600"
    patch_vary_headers(response, ["Cookie"])
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    return response


template_request_viewset = TemplateRequestViewSet("template_requests")
