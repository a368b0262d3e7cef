"""Priority deals in Wagtail admin: marketing (analysts, administrators) lists every priority
deal, filtered by region, with the deal's owner, the note, who marked it and the last collateral
the deal received; and exports the list. Read-only: deals are marked and unmarked in the portal
(feedback.services.priority), where the rules and the owner's notification live."""

from django.db.models import OuterRef, Subquery

from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.generic.models import IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

import django_filters

from accounts.models import Region
from deals.models import DeliveryEvent
from templates_lib.selectors import is_signed_in_member

from ..models import PriorityDeal

VIEW_PERMISSION = "feedback.view_prioritydeal"


def sees_priority_admin(user) -> bool:
    """Internal users with the view permission (analysts) and superusers; partners never."""
    if not is_signed_in_member(user) or user.organisation_id is not None:
        return False
    return user.is_superuser or user.has_perm(VIEW_PERMISSION)


class ReadOnlyPriorityPolicy(ModelPermissionPolicy):
    def user_has_permission(self, user, action):
        return action == "view" and sees_priority_admin(user)

    def user_has_any_permission(self, user, actions):
        return "view" in actions and sees_priority_admin(user)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)


register_permission_policy(PriorityDeal, ReadOnlyPriorityPolicy(PriorityDeal))


class PriorityDealFilterSet(WagtailFilterSet):
    region = django_filters.ModelChoiceFilter(queryset=Region.objects.order_by("name"), label="Region")

    class Meta:
        model = PriorityDeal
        fields = ["region"]


class PriorityDealIndexView(IndexView):
    def get_base_queryset(self):
        last = DeliveryEvent.objects.filter(deal=OuterRef("deal")).order_by("-occurred_at", "-pk")
        return (
            PriorityDeal.objects.filter(deal__deleted_at__isnull=True)
            .select_related("deal__owner", "deal__organisation", "region", "marked_by")
            .annotate(
                last_sent_at=Subquery(last.values("occurred_at")[:1]),
                last_sent_template=Subquery(last.values("template__title")[:1]),
            )
        )


def _owner(priority) -> str:
    deal = priority.deal
    return str(deal.owner) if deal.owner_id else (deal.unresolved_owner or "Nobody yet")


def _last_collateral(priority) -> str:
    return priority.last_sent_template or "No collateral yet"


class PriorityDealViewSet(ModelViewSet):
    model = PriorityDeal
    icon = "pick"
    menu_label = "Priority deals"
    menu_order = 40
    copy_view_enabled = False
    inspect_view_enabled = False
    index_view_class = PriorityDealIndexView
    filterset_class = PriorityDealFilterSet
    ordering = ["-marked_at", "-pk"]
    list_display = [
        Column("deal", label="Deal"),
        Column("owner", label="Owner", accessor=_owner),
        Column("region", label="Region"),
        Column("note", label="Note"),
        Column("marked_by", label="Marked by"),
        DateColumn("marked_at", label="Marked"),
        Column("last_collateral", label="Last collateral", accessor=_last_collateral),
        DateColumn("last_sent_at", label="Sent"),
    ]
    list_export = ["deal", "region", "note", "marked_by", "marked_at", "last_sent_template", "last_sent_at"]
    export_filename = "priority-deals"

    def get_urlpatterns(self):
        from django.urls import path

        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
        ]


priority_deal_viewset = PriorityDealViewSet("priority_deals")
