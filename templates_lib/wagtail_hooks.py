from django import forms
from django.contrib import messages
from django.contrib.admin.utils import quote
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.functional import cached_property

from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    PublishingPanel,
)
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import StatusTagColumn
from wagtail.admin.widgets.button import Button
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import CreateView, EditView, IndexView, SnippetViewSet

import django_filters

from .admin_views import (
    PublishGateMixin,
    TemplateFillFromLayoutView,
    TemplateReinstateView,
    TemplateRetireView,
    layout_overview,
    layout_thumbnail,
    lifecycle_status,
)
from .forms import CollateralTemplateForm
from .layouts import Kind, layout_choices
from .models import CollateralTemplate
from .models.template import PageSize
from .services.audience import template_sharing_set
from .services.lifecycle import can_manage_lifecycle
from .services.publishing import template_publish_gate

# Other apps add buttons to a template's edit header (e.g. approvals' "Audit trail") through
# this hook: fn(template, user) -> list of wagtail.admin.widgets.button.Button.
TEMPLATE_HEADER_BUTTONS_HOOK = "register_collateral_template_header_buttons"


class CollateralTemplateFilterSet(WagtailFilterSet):
    kind = django_filters.ChoiceFilter(choices=Kind.choices)
    layout = django_filters.ChoiceFilter(choices=layout_choices)
    page_size = django_filters.ChoiceFilter(choices=PageSize.choices)
    in_use = django_filters.ChoiceFilter(
        label="Use",
        choices=[("in_use", "In use"), ("retired", "Retired"), ("expired", "Expired")],
        method="filter_in_use",
    )

    class Meta:
        model = CollateralTemplate
        fields = ["kind", "layout", "page_size", "live"]

    def filter_in_use(self, queryset, name, value):
        if value == "retired":
            return queryset.retired()
        if value == "expired":
            return queryset.expired()
        return queryset.in_use()


class CollateralTemplateIndexView(IndexView):
    retire_url_name = None

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if self.retire_url_name and can_manage_lifecycle(self.request.user):
            label = "Reinstate…" if instance.is_retired else "Retire…"
            url = reverse(self.retire_url_name, args=[quote(instance.pk)])
            buttons.append(MenuItem(label, url=url, icon_name="warning", priority=25))
        return buttons


class CollateralTemplateCreateView(PublishGateMixin, CreateView):
    pass


class CollateralTemplateEditView(PublishGateMixin, EditView):
    retire_url_name = None
    fill_url_name = None

    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        if self.retire_url_name and can_manage_lifecycle(self.request.user):
            label = "Reinstate…" if self.object.is_retired else "Retire…"
            url = reverse(self.retire_url_name, args=[quote(self.object.pk)])
            buttons.append(Button(label, url=url, icon_name="warning", priority=40))
        for hook in hooks.get_hooks(TEMPLATE_HEADER_BUTTONS_HOOK):
            buttons.extend(hook(self.object, self.request.user))
        return buttons

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.retire_url_name and can_manage_lifecycle(self.request.user):
            context["retire_url"] = reverse(self.retire_url_name, args=[quote(self.object.pk)])
        # The layout as the latest draft uses it (the form shows that draft too).
        draft = self.object.latest_revision.as_object() if self.object.latest_revision else self.object
        if self.fill_url_name and draft.layout:
            fill_url = reverse(self.fill_url_name, args=[quote(self.object.pk)])
            context["layout_overview"] = layout_overview(draft, fill_url=fill_url)
        return context


class CollateralTemplateViewSet(SnippetViewSet):
    model = CollateralTemplate
    icon = "doc-full-inverse"
    menu_label = "Templates"
    menu_name = "collateral_templates"
    menu_order = 200
    add_to_admin_menu = True
    list_display = [
        "title",
        "kind",
        "layout",
        "page_size",
        StatusTagColumn(
            "lifecycle_status",
            accessor=lifecycle_status,
            label="Status",
            sort_key="live",
            primary=lambda template: template.is_in_use,
        ),
        "updated_at",
    ]
    filterset_class = CollateralTemplateFilterSet
    ordering = ["title"]
    index_view_class = CollateralTemplateIndexView
    add_view_class = CollateralTemplateCreateView
    edit_view_class = CollateralTemplateEditView
    edit_template_name = "templates_lib/admin/template_edit.html"
    # The edit form belongs to the admin, not to the model: models sit below their admin forms.
    edit_handler = ObjectList(
        [
            FieldPanel("title"),
            FieldPanel("description"),
            FieldPanel("layout"),
            FieldRowPanel([FieldPanel("page_size"), FieldPanel("orientation")], heading="Page format"),
            FieldPanel("print_bleed"),
            MultiFieldPanel([FieldPanel("tags"), FieldPanel("keywords")], heading="Finding it"),
            MultiFieldPanel(
                [
                    FieldPanel("audience_internal"),
                    FieldPanel("audience_regions", widget=forms.CheckboxSelectMultiple),
                    FieldPanel("audience_tiers", widget=forms.CheckboxSelectMultiple),
                    FieldPanel("shared_organisations"),
                ],
                heading="Audience",
            ),
            InlinePanel("fields", heading="Fields", label="Field"),
            PublishingPanel(),
        ],
        base_form_class=CollateralTemplateForm,
    )

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(retire_url_name=self.get_url_name("retire"), **kwargs)

    def get_edit_view_kwargs(self, **kwargs):
        return super().get_edit_view_kwargs(
            retire_url_name=self.get_url_name("retire"), fill_url_name=self.get_url_name("fill_from_layout"), **kwargs
        )

    def _lifecycle_view_kwargs(self) -> dict:
        return {
            "edit_url_name": self.get_url_name("edit"),
            "index_url_name": self.get_url_name("list"),
            "retire_url_name": self.get_url_name("retire"),
            "reinstate_url_name": self.get_url_name("reinstate"),
            "breadcrumbs_items": self.breadcrumbs_items,
        }

    @cached_property
    def retire_view(self):
        return self.construct_view(TemplateRetireView, **self._lifecycle_view_kwargs())

    @cached_property
    def reinstate_view(self):
        return self.construct_view(TemplateReinstateView, **self._lifecycle_view_kwargs())

    @cached_property
    def fill_from_layout_view(self):
        return self.construct_view(TemplateFillFromLayoutView, **self._lifecycle_view_kwargs())

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("fill-from-layout/<str:pk>/", self.fill_from_layout_view, name="fill_from_layout"),
            path("retire/<str:pk>/", self.retire_view, name="retire"),
            path("reinstate/<str:pk>/", self.reinstate_view, name="reinstate"),
        ]


register_snippet(CollateralTemplateViewSet)


@hooks.register("before_publish")
def refuse_overflowing_template(request, obj):
    """A template the publishing gate refuses cannot be published from any admin view. The
    template's own create and edit views check before saving (and show each problem on its
    field); this catches the other ways to publish, keeping the draft."""
    if not isinstance(obj, CollateralTemplate) or getattr(request, "publish_gate_checked", False):
        return None
    problems = template_publish_gate(template=obj)
    if not problems:
        return None
    for problem in problems:
        messages.error(request, f"Not published. {problem.summary}")
    return redirect("wagtailsnippets_templates_lib_collateraltemplate:edit", obj.pk)


@hooks.register("after_create_snippet")
@hooks.register("after_edit_snippet")
def apply_template_sharing(request, instance):
    """Grants are not part of a revision: apply the organisations ticked in the form on every save."""
    # Only the template's own edit form (it always posts its fields formset); an empty tick list unshares all.
    if not isinstance(instance, CollateralTemplate) or "fields-TOTAL_FORMS" not in request.POST:
        return None
    if not request.user.has_perm("templates_lib.change_collateraltemplate"):
        return None
    field = CollateralTemplateForm.base_fields["shared_organisations"]
    try:
        organisations = field.clean(request.POST.getlist("shared_organisations"))
    except ValidationError:
        return None
    template_sharing_set(template=instance, organisations=organisations)
    return None


@hooks.register("register_admin_urls")
def register_layout_thumbnail_url():
    return [path("layouts/<str:key>/thumbnail.png", layout_thumbnail, name="templates_lib_layout_thumbnail")]
