"""API keys in Wagtail admin (Settings → API keys), for administrators only (ADR 19): list them,
make one (its secret is shown once, on the page that answers the form, and never again) and
revoke one. There is no edit of the secret and no delete: a revoked key stays listed, so the
record of who could reach the API, and when, is kept."""

from datetime import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import models
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.views.generic import TemplateView

from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.admin_url_finder import NullAdminURLFinder
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column, StatusTagColumn
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.models import CreateView, IndexView, InspectView
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button
from wagtail.permission_policies import BasePermissionPolicy
from wagtail.permissions import register_permission_policy

import django_filters

from accounts.models import Organisation

from ..models import ApiKey
from ..services.api_keys import KEY_MARK, ApiKeyError, api_key_create, api_key_revoke


class AdministratorsOnlyPolicy(BasePermissionPolicy):
    """Superusers list, make and revoke keys; nobody changes or deletes one, and no group
    permission opens any of it (a key reads every partner's data)."""

    ACTIONS = frozenset({"add", "view", "revoke"})

    def user_has_permission(self, user, action):
        return action in self.ACTIONS and user.is_active and user.is_superuser

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions):
        if not self.ACTIONS.intersection(actions):
            return get_user_model().objects.none()
        return get_user_model().objects.filter(is_active=True, is_superuser=True)

    def users_with_permission(self, action):
        return self.users_with_any_permission([action])


register_permission_policy(ApiKey, AdministratorsOnlyPolicy(ApiKey))


class ApiKeyForm(WagtailAdminModelForm):
    """Only the shape of the input: the key itself is made by api_key_create, never by save()."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        organisation = self.fields["organisation"]
        organisation.queryset = Organisation.objects.active().order_by("name")
        organisation.empty_label = "Whole company"


class ApiKeyStatus(models.TextChoices):
    """The listing's status filter; ApiKey.status names the same three states."""

    ACTIVE = "active", "Active"
    REVOKED = "revoked", "Revoked"
    EXPIRED = "expired", "Expired"


class ApiKeyFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(label="Status", choices=ApiKeyStatus.choices, method="filter_status")
    organisation = django_filters.ModelChoiceFilter(
        label="Scope", queryset=Organisation.objects.order_by("name"), null_label="Whole company"
    )

    class Meta:
        model = ApiKey
        fields = ["status", "access", "organisation"]

    def filter_status(self, queryset, name, value):
        if value == ApiKeyStatus.ACTIVE:
            return queryset.usable()
        if value == ApiKeyStatus.REVOKED:
            return queryset.filter(revoked_at__isnull=False)
        return queryset.filter(revoked_at__isnull=True, expires_at__lte=timezone.now())


def _prefix_label(api_key: ApiKey) -> str:
    return f"{KEY_MARK}_{api_key.prefix}…"


def _scope_label(api_key: ApiKey) -> str:
    return api_key.organisation.name if api_key.organisation_id else "Whole company"


def _when(value: datetime | None, empty: str = "—") -> str:
    return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT") if value else empty


class ApiKeyIndexView(IndexView):
    revoke_url_name = None

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if instance.revoked_at is None and self.user_has_permission("revoke"):
            url = reverse(self.revoke_url_name, args=[instance.pk])
            buttons.append(MenuItem("Revoke", url=url, icon_name="cross", priority=30))
        return buttons


class ApiKeyCreateView(CreateView):
    """The form goes to api_key_create; the answer is the one page that ever shows the secret."""

    created_template_name = "deals/admin/api_key_created.html"

    def get_page_title(self):
        return "New API key"

    def form_valid(self, form):
        self.form = form
        data = form.cleaned_data
        try:
            api_key, raw_key = api_key_create(
                name=data["name"],
                access=data["access"],
                organisation=data.get("organisation"),
                expires_at=data.get("expires_at"),
                by=self.request.user,
            )
        except ApiKeyError as exc:
            form.add_error(None, str(exc))
            self.produced_error_message = str(exc)
            return self.form_invalid(form)
        return self.created_response(api_key, raw_key)

    def created_response(self, api_key: ApiKey, raw_key: str):
        title = "API key created"
        context = {
            "api_key": api_key,
            "raw_key": raw_key,
            "scope": _scope_label(api_key),
            "expires": _when(api_key.expires_at, "Never"),
            "index_url": reverse(self.index_url_name),
            "header_title": title,
            "page_title": title,
            "header_icon": self.header_icon,
            "breadcrumbs_items": [*self.get_breadcrumbs_items()[:-1], {"url": "", "label": title}],
        }
        response = TemplateResponse(self.request, self.created_template_name, context)
        # The secret is in this page and nowhere else: no browser or proxy may keep a copy.
        add_never_cache_headers(response)
        return response


class ApiKeyInspectView(InspectView):
    revoke_url_name = None

    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        if self.object.revoked_at is None and self.user_has_permission("revoke"):
            url = reverse(self.revoke_url_name, args=[self.object.pk])
            buttons.append(Button("Revoke", url=url, icon_name="cross", priority=30))
        return buttons

    def get_field_label(self, field_name, field):
        return "Scope" if field_name == "organisation" else super().get_field_label(field_name, field)

    def get_prefix_display_value(self):
        return _prefix_label(self.object)

    def get_organisation_display_value(self):
        return _scope_label(self.object)

    def get_created_by_display_value(self):
        return str(self.object.created_by) if self.object.created_by_id else "—"

    def get_expires_at_display_value(self):
        return _when(self.object.expires_at, "Never")

    def get_revoked_at_display_value(self):
        return _when(self.object.revoked_at, "Not revoked")

    def get_last_used_at_display_value(self):
        return _when(self.object.last_used_at, "Never")


class ApiKeyRevokeView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    """A confirmation page on GET; only the POST revokes."""

    model = ApiKey
    permission_required = "revoke"
    http_method_names = ["get", "post"]
    template_name = "deals/admin/api_key_revoke.html"
    page_title = "Revoke API key"
    header_icon = "key"
    index_url_name = None
    revoke_url_name = None

    def dispatch(self, request, *args, **kwargs):
        # Looked up only once the permission check has passed (PermissionCheckedMixin), so the
        # page says nothing about which keys exist to anyone else.
        self.pk = kwargs["pk"]
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def object(self) -> ApiKey:
        return get_object_or_404(ApiKey.objects.select_related("organisation"), pk=self.pk)

    def get_page_subtitle(self):
        return str(self.object)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": "API keys"},
            {"url": "", "label": self.page_title, "sublabel": str(self.object)},
        ]

    def get(self, request, *args, **kwargs):
        if self.object.revoked_at is not None:
            messages.info(request, f"“{self.object.name}” was already revoked.")
            return redirect(self.index_url_name)
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        api_key = api_key_revoke(api_key=self.object, by=request.user)
        messages.success(request, f"“{api_key.name}” is revoked: the API refuses it from now on.")
        return redirect(self.index_url_name)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            api_key=self.object,
            prefix=_prefix_label(self.object),
            scope=_scope_label(self.object),
            revoke_url=reverse(self.revoke_url_name, args=[self.object.pk]),
            index_url=reverse(self.index_url_name),
            **kwargs,
        )


class ApiKeyViewSet(ModelViewSet):
    model = ApiKey
    icon = "key"
    menu_label = "API keys"
    menu_order = 900
    add_to_settings_menu = True
    index_view_class = ApiKeyIndexView
    add_view_class = ApiKeyCreateView
    inspect_view_class = ApiKeyInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    # Nothing edits a key, so there is no edit page for Wagtail's links to find.
    url_finder_class = NullAdminURLFinder
    index_results_template_name = "deals/admin/api_keys_results.html"
    filterset_class = ApiKeyFilterSet
    search_fields = ["name", "prefix"]
    ordering = ["-created_at", "-pk"]
    list_display = [
        "name",
        Column("prefix", label="Prefix", accessor=_prefix_label),
        Column("organisation", label="Scope", accessor=_scope_label),
        Column("access", label="Access", accessor="get_access_display"),
        StatusTagColumn(
            "status",
            label="Status",
            accessor="status",
            primary=lambda api_key: api_key.status == ApiKeyStatus.ACTIVE.label,
        ),
        Column(
            "created_at", label="Created", accessor=lambda api_key: _when(api_key.created_at), sort_key="created_at"
        ),
        Column("expires_at", label="Expires", accessor=lambda api_key: _when(api_key.expires_at, "Never")),
        Column("last_used_at", label="Last used", accessor=lambda api_key: _when(api_key.last_used_at, "Never")),
    ]
    inspect_view_fields = [
        "name",
        "prefix",
        "organisation",
        "access",
        "created_by",
        "created_at",
        "expires_at",
        "revoked_at",
        "last_used_at",
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel(
                "organisation",
                heading="Scope",
                help_text="Limit the key to one partner organisation's data. Whole company: every partner's.",
            ),
            FieldRowPanel([FieldPanel("access"), FieldPanel("expires_at")]),
        ],
        base_form_class=ApiKeyForm,
    )

    def get_queryset(self, request):
        return ApiKey.objects.select_related("organisation", "created_by")

    def get_common_view_kwargs(self, **kwargs):
        # No edit, delete, history or usage pages: those URL names do not exist.
        return super().get_common_view_kwargs(
            edit_url_name=None, delete_url_name=None, history_url_name=None, usage_url_name=None, **kwargs
        )

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(revoke_url_name=self.get_url_name("revoke"), **kwargs)

    def get_inspect_view_kwargs(self, **kwargs):
        return super().get_inspect_view_kwargs(revoke_url_name=self.get_url_name("revoke"), **kwargs)

    @property
    def revoke_view(self):
        return self.construct_view(ApiKeyRevokeView, revoke_url_name=self.get_url_name("revoke"))

    def get_permissions_to_register(self):
        # Group permissions would be ignored (AdministratorsOnlyPolicy), so none are offered.
        return Permission.objects.none()

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("new/", self.add_view, name="add"),
            path("inspect/<int:pk>/", self.inspect_view, name="inspect"),
            path("revoke/<int:pk>/", self.revoke_view, name="revoke"),
        ]


@hooks.register("register_admin_viewset")
def register_api_keys():
    return ApiKeyViewSet("api_keys")
