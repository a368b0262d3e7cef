"""Template nominations in Wagtail admin (issue 16): the brand team lists documents the field put
forward, previews each one's approved content, and either makes a draft template from it (one
POST, then the draft's edit page) or declines it with a reason. Nobody adds, edits or deletes a
nomination here: reps make and withdraw them in the portal, the services decide them."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import truncatechars
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.views.generic import TemplateView

from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.admin_url_finder import NullAdminURLFinder
from wagtail.admin.auth import permission_denied
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, StatusTagColumn, TitleColumn
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.models import IndexView
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button
from wagtail.permission_policies import BasePermissionPolicy
from wagtail.permissions import register_permission_policy

import django_filters

from accounts.models import Organisation
from templates_lib.rendering.errors import RenderError
from templates_lib.rendering.html import render_collateral_html
from templates_lib.rendering.profile import Profile
from templates_lib.tokens import TokenContext

from ..models import REQUEST_TEXT_MAX_CHARS, NominationStatus, TemplateNomination
from ..selectors.nominations import nomination_for_template, nominations_for_brand_team
from ..services.nominations import (
    CONVERTED_ACTION,
    NominationError,
    author_name,
    can_decide_nominations,
    credit_line,
    nomination_convert,
    nomination_decline,
)

TEMPLATE_EDIT_URL = "wagtailsnippets_templates_lib_collateraltemplate:edit"
DECIDING_ACTIONS = frozenset({"view", "convert", "decline"})
STATUS_UNPROCESSABLE = 422
# Short labels for the admin's status tags (the model's labels are sentences for the author).
STATUS_TAGS = {
    NominationStatus.PENDING: "Pending",
    NominationStatus.CONVERTED: "Draft made",
    NominationStatus.DECLINED: "Declined",
}


class NominationPolicy(BasePermissionPolicy):
    """The brand team (internal users who may add templates) lists and decides nominations; no
    group permission of its own opens anything here, and nobody adds, edits or deletes one."""

    def user_has_permission(self, user, action):
        return action in DECIDING_ACTIONS and can_decide_nominations(user)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions):
        if not DECIDING_ACTIONS.intersection(actions):
            return get_user_model().objects.none()
        candidates = get_user_model().objects.filter(is_active=True, organisation__isnull=True)
        return candidates.filter(pk__in=[user.pk for user in candidates if can_decide_nominations(user)])

    def users_with_permission(self, action):
        return self.users_with_any_permission([action])


register_permission_policy(TemplateNomination, NominationPolicy(TemplateNomination))


def organisation_label(nomination: TemplateNomination) -> str:
    author = nomination.nominated_by
    return author.organisation.name if author.organisation_id else "Internal"


def _when(value) -> str:
    return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT") if value else "—"


class NominationFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(label="Status", choices=NominationStatus.choices)
    organisation = django_filters.ModelChoiceFilter(
        label="Organisation",
        field_name="nominated_by__organisation",
        queryset=Organisation.objects.order_by("name"),
        null_label="Internal",
    )

    class Meta:
        model = TemplateNomination
        fields = ["status", "organisation"]


class DecisionColumn(Column):
    """Pending: "Make draft template" (a POST with its CSRF token) and "Decline…"; decided: the
    draft template or the reason."""

    cell_template_name = "feedback/nominations/decision_cell.html"

    def __init__(self, *args, convert_url_name: str, review_url_name: str, **kwargs):
        self.convert_url_name = convert_url_name
        self.review_url_name = review_url_name
        super().__init__(*args, **kwargs)

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        request = parent_context.get("request")
        context.update(
            nomination=instance,
            is_pending=instance.status == NominationStatus.PENDING,
            convert_url=reverse(self.convert_url_name, args=[instance.pk]),
            decline_url=reverse(self.review_url_name, args=[instance.pk]) + "#decline",
            draft_url=reverse(TEMPLATE_EDIT_URL, args=[instance.draft_template_id])
            if instance.draft_template_id
            else "",
            csrf_token=get_token(request) if request is not None else "",
        )
        return context


class NominationIndexView(IndexView):
    def get_base_queryset(self):
        return nominations_for_brand_team()


class NominationReviewView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    """One nomination: the document's approved content, who nominated it and why, and the two
    decisions. Looked up only after the permission check, so it tells nobody else what exists."""

    model = TemplateNomination
    permission_required = "view"
    http_method_names = ["get"]
    template_name = "feedback/nominations/review.html"
    page_title = "Template nomination"
    header_icon = "pick"
    index_url_name = None
    review_url_name = None
    convert_url_name = None
    decline_url_name = None

    def dispatch(self, request, *args, **kwargs):
        self.pk = kwargs["pk"]
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def nomination(self) -> TemplateNomination:
        return get_object_or_404(nominations_for_brand_team(), pk=self.pk)

    def get_page_subtitle(self):
        return self.nomination.document.title

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": "Template nominations"},
            {"url": "", "label": self.nomination.document.title},
        ]

    def preview_html(self) -> str:
        """The document as approved (its live revision), rendered as the portal shows it."""
        document = self.nomination.document
        if document.live_revision_id is None:
            return ""
        approved = document.at_revision(document.live_revision)
        try:
            return render_collateral_html(
                template=approved.pinned_template(),
                values=approved.values,
                token_context=TokenContext(user=document.owner, organisation=document.owner.organisation),
                profile=Profile.DIGITAL,
                for_browser=True,
                title=document.title,
            )
        except RenderError:
            return ""

    def get_context_data(self, **kwargs):
        nomination = self.nomination
        return super().get_context_data(
            nomination=nomination,
            document=nomination.document,
            author=author_name(nomination.nominated_by),
            organisation=organisation_label(nomination),
            credit=credit_line(nomination),
            nominated_at=_when(nomination.created_at),
            decided_at=_when(nomination.decided_at),
            decided_by=author_name(nomination.decided_by) if nomination.decided_by_id else "",
            status_tag=STATUS_TAGS.get(nomination.status, nomination.status),
            is_pending=nomination.status == NominationStatus.PENDING,
            is_deleted=nomination.document.deleted_at is not None,
            preview_html=self.preview_html(),
            draft_url=reverse(TEMPLATE_EDIT_URL, args=[nomination.draft_template_id])
            if nomination.draft_template_id
            else "",
            convert_url=reverse(self.convert_url_name, args=[nomination.pk]),
            decline_url=reverse(self.decline_url_name, args=[nomination.pk]),
            index_url=reverse(self.index_url_name),
            reason_max_chars=REQUEST_TEXT_MAX_CHARS,
            **kwargs,
        )


class NominationConvertView(NominationReviewView):
    """POST: make the draft template, then its edit page."""

    permission_required = "convert"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            result = nomination_convert(nomination=self.nomination, user=request.user)
        except PermissionDenied:
            return permission_denied(request)
        except NominationError as exc:
            messages.error(request, str(exc))
            return redirect(self.review_url_name, self.nomination.pk)
        text = f"Draft template “{result.template.title}” made from the nominated document. It is not published."
        if result.kept_defaults:
            text += " Kept the original default (the author's image is a private upload) for: "
            text += ", ".join(result.kept_defaults) + "."
        messages.success(request, text)
        return redirect(TEMPLATE_EDIT_URL, result.template.pk)


class NominationDeclineView(NominationReviewView):
    """POST with a reason; a refused decline shows the page again with what was typed."""

    permission_required = "decline"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        reason = request.POST.get("reason", "")
        try:
            nomination_decline(nomination=self.nomination, user=request.user, reason=reason)
        except PermissionDenied:
            return permission_denied(request)
        except NominationError as exc:
            context = self.get_context_data(decline_error=str(exc), typed_reason=reason)
            return self.render_to_response(context, status=STATUS_UNPROCESSABLE)
        messages.success(request, f"Declined “{self.nomination.document.title}”; its author has been told why.")
        return redirect(self.index_url_name)

    def render_to_response(self, context, status=200, **kwargs):
        return super().render_to_response(context, status=status, **kwargs)


class NominationViewSet(ModelViewSet):
    model = TemplateNomination
    icon = "pick"
    menu_label = "Template nominations"
    menu_order = 20
    index_view_class = NominationIndexView
    filterset_class = NominationFilterSet
    inspect_view_enabled = False
    copy_view_enabled = False
    url_finder_class = NullAdminURLFinder
    search_fields = ["document__title", "reason", "nominated_by__first_name", "nominated_by__last_name"]
    ordering = ["-created_at", "-pk"]

    @cached_property
    def list_display(self):
        review = self.get_url_name("review")
        return [
            TitleColumn(
                "document",
                label="Document",
                accessor=lambda nomination: nomination.document.title,
                url_name=review,
            ),
            Column("author", label="Nominated by", accessor=lambda nomination: author_name(nomination.nominated_by)),
            Column("organisation", label="Organisation", accessor=organisation_label),
            Column("reason", label="Why", accessor=lambda nomination: truncatechars(nomination.reason, 100) or "—"),
            StatusTagColumn(
                "status",
                label="Status",
                accessor=lambda nomination: STATUS_TAGS.get(nomination.status, nomination.status),
                primary=lambda nomination: nomination.status == NominationStatus.PENDING,
            ),
            Column(
                "created_at",
                label="Nominated",
                accessor=lambda nomination: _when(nomination.created_at),
                sort_key="created_at",
            ),
            DecisionColumn(
                "decision",
                label="Decision",
                accessor="status",
                convert_url_name=self.get_url_name("convert"),
                review_url_name=review,
            ),
        ]

    def get_queryset(self, request):
        return nominations_for_brand_team()

    def get_common_view_kwargs(self, **kwargs):
        # No add, edit, delete, history or usage pages: those URL names do not exist.
        return super().get_common_view_kwargs(
            add_url_name=None,
            edit_url_name=None,
            delete_url_name=None,
            history_url_name=None,
            usage_url_name=None,
            **kwargs,
        )

    def _decision_view_kwargs(self) -> dict:
        return {
            "index_url_name": self.get_url_name("index"),
            "review_url_name": self.get_url_name("review"),
            "convert_url_name": self.get_url_name("convert"),
            "decline_url_name": self.get_url_name("decline"),
        }

    @cached_property
    def review_view(self):
        return self.construct_view(NominationReviewView, **self._decision_view_kwargs())

    @cached_property
    def convert_view(self):
        return self.construct_view(NominationConvertView, **self._decision_view_kwargs())

    @cached_property
    def decline_view(self):
        return self.construct_view(NominationDeclineView, **self._decision_view_kwargs())

    def get_permissions_to_register(self):
        # Group permissions would be ignored (NominationPolicy), so none are offered.
        return Permission.objects.none()

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("<int:pk>/", self.review_view, name="review"),
            path("<int:pk>/convert/", self.convert_view, name="convert"),
            path("<int:pk>/decline/", self.decline_view, name="decline"),
        ]


nomination_viewset = NominationViewSet("template_nominations")


@hooks.register("register_log_actions")
def nomination_log_actions(actions):
    actions.register_action(CONVERTED_ACTION, "Make from a nominated document", "Made from a nominated document")


@hooks.register("register_collateral_template_header_buttons")
def nomination_credit_button(template, user):
    """On a draft made from a nomination: who it came from, linking to the nomination."""
    nomination = nomination_for_template(template.pk)
    if nomination is None or not can_decide_nominations(user):
        return []
    url = reverse(nomination_viewset.get_url_name("review"), args=[nomination.pk])
    return [Button(credit_line(nomination), url=url, icon_name="user", priority=50)]
