"""The template snippet's own admin views: retire and reinstate, fill the fields from the layout, and
the publishing gate on create and edit."""

from django import forms
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.views.generic import FormView

from wagtail.admin import messages
from wagtail.admin.utils import get_latest_str
from wagtail.admin.views.generic.base import BaseObjectMixin, BaseOperationView, WagtailAdminTemplateMixin

from .layouts import LAYOUTS
from .models import CollateralTemplate
from .rendering.errors import RenderError
from .services.building import layout_sketch_png, missing_layout_fields, template_fill_from_layout
from .services.lifecycle import (
    LifecycleError,
    can_manage_lifecycle,
    template_reinstate,
    template_retire,
    usable_replacement,
)
from .services.publishing import PublishProblem, template_publish_gate


def lifecycle_status(template: CollateralTemplate) -> str:
    """The status shown in the template listing: retirement and expiry before live/draft."""
    if template.is_retired:
        return "retired"
    if template.is_expired:
        return "expired"
    if template.is_scheduled or (not template.live and template.go_live_at):
        return "scheduled"
    return template.status_string


class RetireForm(forms.Form):
    replacement = forms.ModelChoiceField(
        queryset=CollateralTemplate.objects.none(),
        required=False,
        empty_label="No replacement",
        help_text="Users with documents made from this template are pointed to it.",
    )

    def __init__(self, *args, template: CollateralTemplate, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["replacement"].queryset = (
            CollateralTemplate.objects.in_use().exclude(pk=template.pk).order_by("title")
        )


class LifecycleViewMixin(BaseObjectMixin):
    model = CollateralTemplate
    edit_url_name = None
    index_url_name = None
    retire_url_name = None
    reinstate_url_name = None

    def dispatch(self, request, *args, **kwargs):
        if not can_manage_lifecycle(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_edit_url(self) -> str:
        return reverse(self.edit_url_name, args=[quote(self.object.pk)])


class TemplateRetireView(LifecycleViewMixin, WagtailAdminTemplateMixin, FormView):
    """Confirm retiring, with a replacement to point users to; a retired template shows who
    retired it and offers to reinstate it."""

    form_class = RetireForm
    template_name = "templates_lib/admin/retire.html"
    header_icon = "warning"

    def get_page_title(self):
        return "Retired template" if self.object.is_retired else "Retire template"

    def get_page_subtitle(self):
        return get_latest_str(self.object)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse(self.index_url_name), "label": "Templates"},
            {"url": self.get_edit_url(), "label": get_latest_str(self.object)},
            {"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()},
        ]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "template": self.object}

    @cached_property
    def documents_count(self) -> int:
        return self.object.documents.alive().count()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            {
                "object": self.object,
                "documents_count": self.documents_count,
                "replacement": usable_replacement(self.object) if self.object.is_retired else None,
                "edit_url": self.get_edit_url(),
                "retire_url": reverse(self.retire_url_name, args=[quote(self.object.pk)]),
                "reinstate_url": reverse(self.reinstate_url_name, args=[quote(self.object.pk)]),
            }
        )
        return context

    def form_valid(self, form):
        replacement = form.cleaned_data["replacement"]
        try:
            template_retire(template=self.object, user=self.request.user, replacement=replacement)
        except LifecycleError as exc:
            form.add_error("replacement" if replacement else None, str(exc))
            return self.form_invalid(form)
        message = f"“{self.object.title}” is retired."
        if replacement:
            message += f" Its users are pointed to “{replacement.title}”."
        messages.success(self.request, message)
        return redirect(self.get_edit_url())


class TemplateReinstateView(LifecycleViewMixin, BaseOperationView):
    """POST only: put a retired template back into use."""

    def get_success_url(self):
        return self.get_edit_url()

    def post(self, request, *args, **kwargs):
        try:
            template_reinstate(template=self.object, user=request.user)
        except LifecycleError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"“{self.object.title}” is back in use.")
        return redirect(self.get_success_url())


class PublishGateMixin:
    """The publishing gate on the template's create and edit views: publishing a template that
    would overflow or leave a required slot empty re-shows the form as typed, each problem on the
    field it concerns, and nothing is saved or published."""

    gate_problems: list[PublishProblem] = []

    def form_valid(self, form):
        if self.action == "publish":
            problems = template_publish_gate(template=form.save(commit=False))
            if problems:
                self.gate_problems = problems
                show_gate_problems(form, problems)
                self.request.publish_gate_checked = True
                self.produced_error_message = self.get_error_message()
                return self.form_invalid(form)
            # The before_publish hook need not lay the same template out again.
            self.request.publish_gate_checked = True
        return super().form_valid(form)

    def get_error_message(self):
        if not self.gate_problems:
            return super().get_error_message()
        listed = " ".join(f"{problem.summary}" for problem in self.gate_problems)
        return f"Not published: fix what is marked on the fields below (nothing was saved yet). {listed}"


def show_gate_problems(form, problems: list[PublishProblem]) -> None:
    """Each problem on its field's row of the fields formset, on the attribute to change; the
    rest (a slot no field fills) on the form as a whole."""
    formset = form.formsets.get("fields")
    rows = {}
    for row in formset.forms if formset is not None else ():
        data = getattr(row, "cleaned_data", None) or {}
        if data.get("key") and not data.get("DELETE"):
            rows[data["key"]] = row
    for problem in problems:
        row = rows.get(problem.field_key)
        if row is None:
            form.add_error(None, problem.message)
        else:
            row.add_error(problem.attribute if problem.attribute in row.fields else None, problem.message)


class TemplateFillFromLayoutView(LifecycleViewMixin, BaseOperationView):
    """POST only: add a field for every slot of the layout the template leaves unfilled, as a
    draft; the edit form then shows them to tune."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("templates_lib.change_collateraltemplate"):
            raise PermissionDenied
        return super(LifecycleViewMixin, self).dispatch(request, *args, **kwargs)

    def get_success_url(self):
        return self.get_edit_url()

    def post(self, request, *args, **kwargs):
        revision, added = template_fill_from_layout(template=self.object, user=request.user)
        if added:
            messages.success(
                request,
                f"{added} field{'s' if added != 1 else ''} added from the layout, as a draft: set their "
                "limits and content, then publish.",
            )
        else:
            messages.success(request, "Every slot of the layout already has a field.")
        return redirect(self.get_success_url())


def layout_overview(template: CollateralTemplate, *, fill_url: str = "") -> dict:
    """The template's layout for its edit page: description, and each slot with its type, whether
    it is required and the fields that fill it."""
    layout = template.layout_spec
    fields_by_slot: dict[str, list[str]] = {}
    for tf in template.field_list():
        fields_by_slot.setdefault(tf.slot, []).append(tf.label)
    return {
        "layout": layout,
        "slots": [
            {
                "slot": slot,
                "required": layout.is_required(slot.name),
                "filled_by": fields_by_slot.get(slot.name, []),
            }
            for slot in layout.slots
        ],
        "missing_count": len(missing_layout_fields(template=template)),
        "fill_url": fill_url,
    }


def layout_thumbnail(request, key: str):
    """The layout's first page with its slots' labels in their boxes (Wagtail admin only)."""
    layout = LAYOUTS.get(key)
    if layout is None:
        raise Http404
    try:
        png = layout_sketch_png(layout=layout)
    except RenderError:
        return HttpResponse(status=503, headers={"Retry-After": "30"})
    return HttpResponse(png, content_type="image/png", headers={"Cache-Control": "private, max-age=3600"})
