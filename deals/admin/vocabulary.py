"""Marketing operations' side of deals in Wagtail admin: the company's stage vocabulary, each
connection's mapping of source stage labels or ids to it, and the deals themselves (read-only
apart from resolving an owner the source named by email only). The connections themselves are
in connections.py; the Deals menu that groups them all is registered in deals/wagtail_hooks.py."""

from django.contrib import messages
from django.db.models import ProtectedError, Q
from django.shortcuts import redirect

from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.admin.ui.tables import Column, StatusTagColumn
from wagtail.admin.views.generic.models import CreateView, DeleteView, EditView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

import django_filters

from ..models import Deal, Stage, StageMapping
from ..selectors import manages_every_deal
from ..services.deals import DealAccessError, DealError, deal_owner_resolve


class ProtectedDeleteView(DeleteView):
    """Stages and connections that deals (or their events) still point at are kept: deleting one
    says why instead of failing."""

    def form_valid(self, form):
        if self.usage and self.usage.is_protected:
            return self._kept(self.usage.count())
        try:
            return super().form_valid(form)
        except ProtectedError as exc:
            return self._kept(len(exc.protected_objects))

    def _kept(self, count: int):
        plural = "s" if count != 1 else ""
        messages.error(
            self.request, f"“{self.object}” was kept: {count} deal{plural} or stage mapping{plural} still point at it."
        )
        return redirect(self.index_url_name)


class StageViewSet(ModelViewSet):
    model = Stage
    delete_view_class = ProtectedDeleteView
    icon = "list-ol"
    menu_label = "Stages"
    list_display = ["name", "sort_order", "category", "is_qualified"]
    list_filter = ["category", "is_qualified"]
    search_fields = ["name"]
    panels = [
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("sort_order"), FieldPanel("category")]),
        FieldPanel("is_qualified"),
    ]


class StageMappingCreateView(CreateView):
    """A new mapping may start from a link that names the connection and the source's value (the
    connection page lists the stages a sync found unmapped)."""

    def get_initial(self):
        initial = super().get_initial()
        if self.request.method == "GET":
            initial |= {
                name: self.request.GET[name][:255] for name in ("connection", "value") if name in self.request.GET
            }
        return initial


class StageMappingViewSet(ModelViewSet):
    """Mappings one by one, for marketing analysts who keep the vocabulary but not the connections."""

    model = StageMapping
    add_view_class = StageMappingCreateView
    icon = "resubmit"
    menu_label = "Stage mappings"
    list_display = ["value", "stage", "connection"]
    list_filter = ["connection", "stage"]
    search_fields = ["value"]
    panels = [FieldPanel("connection"), FieldPanel("value"), FieldPanel("stage")]


class DealAdminPermissionPolicy(ModelPermissionPolicy):
    """Deals are added in the portal or by an import, and deleted only by marking them: nobody adds,
    copies or erases one in admin. Changing one here means resolving its owner, for deal managers."""

    def user_has_permission(self, user, action):
        if action in ("add", "delete"):
            return False
        if action == "change":
            return manages_every_deal(user)
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


register_permission_policy(Deal, DealAdminPermissionPolicy(Deal), exact_class=True)


class DealFilterSet(WagtailFilterSet):
    owner_unresolved = django_filters.BooleanFilter(label="Owner not resolved", method="filter_owner_unresolved")
    status = django_filters.ChoiceFilter(
        label="Status", choices=[("alive", "Current"), ("deleted", "Deleted")], method="filter_status"
    )

    class Meta:
        model = Deal
        fields = ["outcome", "stage", "organisation", "owner", "source"]

    def filter_owner_unresolved(self, queryset, name, value):
        unresolved = Q(owner__isnull=True) & ~Q(unresolved_owner="")
        return queryset.filter(unresolved) if value else queryset.exclude(unresolved)

    def filter_status(self, queryset, name, value):
        return queryset.filter(deleted_at__isnull=(value == "alive"))


def _owner_label(deal: Deal) -> str:
    if deal.owner_id:
        return str(deal.owner)
    return f"Not resolved: {deal.unresolved_owner}" if deal.unresolved_owner else "—"


class DealOwnerResolveView(EditView):
    """The deal's edit view resolves its owner, through the service, and nothing else."""

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if not self.object.unresolved_owner:
            messages.info(request, f"“{self.object}” has a known owner: there is nothing to resolve.")
            return redirect(self.get_inspect_url())
        return super().get(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            self.object = deal_owner_resolve(deal=self.object, owner=form.cleaned_data["owner"], by=self.request.user)
        except (DealError, DealAccessError) as exc:
            errors = exc.errors if isinstance(exc, DealError) else {"__all__": [str(exc)]}
            for field, messages in errors.items():
                for message in messages:
                    form.add_error("owner" if field == "owner" else None, message)
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)
        return self.save_action()

    def get_success_message(self):
        return f"“{self.object}” is now owned by {self.object.owner}."


class DealViewSet(ModelViewSet):
    model = Deal
    icon = "tasks"
    menu_label = "Deals"
    edit_view_class = DealOwnerResolveView
    inspect_view_enabled = True
    copy_view_enabled = False
    filterset_class = DealFilterSet
    search_fields = ["name", "account_name", "contact_name", "external_id", "unresolved_owner"]
    list_display = [
        "name",
        "account_name",
        "stage",
        Column("outcome", label="Outcome", accessor="get_outcome_display"),
        Column("owner", label="Owner", accessor=_owner_label),
        "organisation",
        Column("source", label="Source", accessor="get_source_display"),
        StatusTagColumn(
            "deleted_at",
            label="Status",
            accessor=lambda deal: "Deleted" if deal.deleted_at else "Current",
            primary=lambda deal: deal.deleted_at is None,
        ),
    ]
    panels = [
        FieldPanel(
            "owner",
            heading="Owner (portal user)",
            help_text="Pick the portal user behind the owner the source named; they must belong to the deal's organisation.",
        )
    ]

    def get_queryset(self, request):
        return Deal.objects.select_related("stage", "owner", "organisation")
