from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect

from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

import django_filters

from .forms import CollateralTemplateForm
from .layouts import Kind, layout_choices
from .models import CollateralTemplate
from .models.template import PageSize
from .services.audience import template_sharing_set
from .services.publishing import template_publish_problems


class CollateralTemplateFilterSet(WagtailFilterSet):
    kind = django_filters.ChoiceFilter(choices=Kind.choices)
    layout = django_filters.ChoiceFilter(choices=layout_choices)
    page_size = django_filters.ChoiceFilter(choices=PageSize.choices)

    class Meta:
        model = CollateralTemplate
        fields = ["kind", "layout", "page_size", "live"]


class CollateralTemplateViewSet(SnippetViewSet):
    model = CollateralTemplate
    icon = "doc-full-inverse"
    menu_label = "Templates"
    menu_name = "collateral_templates"
    menu_order = 200
    add_to_admin_menu = True
    list_display = ["title", "kind", "layout", "page_size", "live", "updated_at"]
    filterset_class = CollateralTemplateFilterSet
    ordering = ["title"]


register_snippet(CollateralTemplateViewSet)


@hooks.register("before_publish")
def refuse_overflowing_template(request, obj):
    """A template whose fields, filled to their limits, would overflow cannot be published.
    The draft is kept, so nothing the brand manager typed is lost."""
    if not isinstance(obj, CollateralTemplate):
        return None
    problems = template_publish_problems(template=obj)
    if not problems:
        return None
    for key, message in problems.items():
        messages.error(request, f"Not published. {key}: {message}")
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
