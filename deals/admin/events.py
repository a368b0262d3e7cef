"""Delivery events in Wagtail admin: brand managers, analysts and administrators browse them
(filtered by template, deal, user, organisation, channel and date), inspect one and verify it.
Read-only for everyone, superusers included: there is no add, edit or delete view at all, and the
database refuses changes anyway (ADR 14)."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.views.decorators.http import require_http_methods

from wagtail import hooks
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.views.generic.models import IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

import django_filters

from ..event_selectors import EVENT_RELATED, events_visible_to, may_verify_events, sees_every_event
from ..models import Channel, Deal, DeliveryEvent
from ..verification import verify_delivery


class ReadOnlyEventPolicy(ModelPermissionPolicy):
    """Viewing is the only action, for those who see every event (or their regions')."""

    def user_has_permission(self, user, action):
        return action == "view" and sees_every_event(user)

    def user_has_any_permission(self, user, actions):
        return "view" in actions and sees_every_event(user)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action) and events_visible_to(user).filter(pk=instance.pk).exists()


register_permission_policy(DeliveryEvent, ReadOnlyEventPolicy(DeliveryEvent))


class DeliveryEventFilterSet(WagtailFilterSet):
    occurred_at = django_filters.DateFromToRangeFilter(label="Date", widget=DateRangePickerWidget)
    channel = django_filters.ChoiceFilter(choices=Channel.choices)
    deal = django_filters.ModelChoiceFilter(queryset=Deal.objects.order_by("name"))

    class Meta:
        model = DeliveryEvent
        fields = ["template", "deal", "user", "organisation", "channel", "occurred_at"]


class DeliveryEventIndexView(IndexView):
    def get_base_queryset(self):
        return events_visible_to(self.request.user).select_related(*EVENT_RELATED)


class DeliveryEventInspectView(InspectView):
    verify_url_name = None

    def get_object(self, queryset=None):
        return get_object_or_404(events_visible_to(self.request.user).select_related(*EVENT_RELATED), pk=self.pk)

    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        if may_verify_events(self.request.user):
            url = reverse(self.verify_url_name, args=[self.object.pk])
            buttons.append(Button("Verify delivery", url=url, icon_name="success", priority=20))
        return buttons


class DeliveryEventViewSet(ModelViewSet):
    model = DeliveryEvent
    icon = "doc-full"
    menu_label = "Delivery events"
    menu_order = 410
    add_to_admin_menu = True
    inspect_view_enabled = True
    copy_view_enabled = False
    index_view_class = DeliveryEventIndexView
    inspect_view_class = DeliveryEventInspectView
    filterset_class = DeliveryEventFilterSet
    list_display = ["occurred_at", "channel", "document", "template", "deal", "user", "organisation"]
    list_export = [
        "public_id",
        "occurred_at",
        "channel",
        "document",
        "document_revision_id",
        "template",
        "template_revision_id",
        "deal",
        "user",
        "organisation",
        "region",
        "profile",
        "render_key",
        "sha256",
        "renderer_version",
    ]
    export_filename = "delivery-events"
    ordering = ["-occurred_at", "-pk"]
    inspect_view_fields = [
        "public_id",
        "occurred_at",
        "channel",
        "document",
        "document_revision",
        "template",
        "template_revision",
        "deal",
        "user",
        "organisation",
        "region",
        "share_link",
        "profile",
        "render_key",
        "sha256",
        "renderer_version",
        "render",
        "detail",
    ]

    def get_inspect_view_kwargs(self, **kwargs):
        return super().get_inspect_view_kwargs(verify_url_name=self.get_url_name("verify"), **kwargs)

    @property
    def verify_view(self):
        return verify_event_view(self)

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<int:pk>/", self.inspect_view, name="inspect"),
            path("verify/<int:pk>/", self.verify_view, name="verify"),
        ]


def verify_event_view(viewset: DeliveryEventViewSet):
    @require_http_methods(["GET", "POST"])
    def view(request, pk: int):
        if not may_verify_events(request.user):
            raise PermissionDenied
        event = get_object_or_404(events_visible_to(request.user).select_related(*EVENT_RELATED), pk=pk)
        inspect_url = reverse(viewset.get_url_name("inspect"), args=[event.pk])
        # Rendering takes a moment: it happens on the button's POST, never on a GET.
        verification = verify_delivery(event) if request.method == "POST" else None
        context = {"event": event, "inspect_url": inspect_url, "verification": verification}
        return TemplateResponse(request, "deals/admin/verify_event.html", context)

    return view


@hooks.register("register_admin_viewset")
def register_delivery_events():
    return DeliveryEventViewSet("delivery_events")
