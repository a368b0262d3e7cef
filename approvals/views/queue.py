"""The review queue in Wagtail admin: documents, partner logos and uploaded images waiting for
the brand team, one tab each, oldest first."""

from django.urls import reverse
from django.utils.functional import cached_property

from wagtail.admin.ui.tables import BaseColumn, Column, DateColumn, TitleColumn
from wagtail.admin.views.generic import BaseListingView
from wagtail.coreutils import multigetattr

from ..filters import ReviewQueueFilterSet
from ..selectors import pending_logos, pending_uploads, review_queue, with_fields_to_review
from .access import ReviewerRequiredMixin, counts_for


def document_region(document):
    owner = document.owner
    return owner.organisation.region if owner.organisation_id else owner.region


class TemplateColumn(BaseColumn):
    """A cell drawn by one of our own templates. It gets `instance`, and `value`: what the
    accessor (a callable or a dotted path) returns, else the row's object."""

    def __init__(self, name, template_name, accessor=None, **kwargs):
        super().__init__(name, accessor=accessor, **kwargs)
        self.cell_template_name = template_name
        self.value_accessor = accessor

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        if callable(self.value_accessor):
            context["value"] = self.value_accessor(instance)
        elif self.value_accessor:
            context["value"] = multigetattr(instance, self.value_accessor)
        else:
            context["value"] = instance
        return context


class QueueTabMixin(ReviewerRequiredMixin):
    """The tabs and title shared by the three lists."""

    page_title = "Reviews"
    header_icon = "tasks"
    paginate_by = 25
    tab = ""
    empty_message = ""

    def get_paginator(self, *args, **kwargs):
        paginator = super().get_paginator(*args, **kwargs)
        paginator.verbose_name, paginator.verbose_name_plural = self.verbose_name, self.verbose_name_plural
        return paginator

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counts = counts_for(self.request)
        context["tabs"] = [
            ("documents", "Documents", counts.documents, reverse("approvals_admin:queue")),
            ("logos", "Partner logos", counts.logos, reverse("approvals_admin:logos")),
            ("uploads", "Uploaded images", counts.uploads, reverse("approvals_admin:uploads")),
        ]
        context["active_tab"] = self.tab
        context["empty_message"] = self.empty_message
        return context


class DocumentQueueView(QueueTabMixin, BaseListingView):
    """Documents waiting for a brand manager, oldest first; region-limited reviewers see their
    regions only."""

    template_name = "approvals/queue/index.html"
    results_template_name = "approvals/queue/documents_results.html"
    index_url_name = "approvals_admin:queue"
    index_results_url_name = "approvals_admin:queue-results"
    filterset_class = ReviewQueueFilterSet
    default_ordering = "started_at"
    verbose_name, verbose_name_plural = "document", "documents"
    tab = "documents"

    @cached_property
    def columns(self):
        return [
            TitleColumn(
                "title",
                label="Document",
                accessor="document.title",
                get_url=lambda round_: reverse("approvals_admin:review", args=[round_.pk]),
            ),
            Column("template", label="Template", accessor="document.template.title"),
            TemplateColumn("requester", "approvals/queue/cells/requester.html", label="Requester"),
            Column("region", label="Region", accessor=lambda round_: document_region(round_.document) or "—"),
            DateColumn("started_at", label="Waiting since", sort_key="started_at"),
            TemplateColumn("fields", "approvals/queue/cells/fields.html", label="Needs review"),
        ]

    def get_base_queryset(self):
        return review_queue(self.request.user)

    def order_queryset(self, queryset):
        # Equal submission times keep a stable order across pages.
        ordering = self.ordering or "started_at"
        return queryset.order_by(ordering, "pk" if not ordering.startswith("-") else "-pk")

    def paginate_queryset(self, queryset, page_size):
        paginator, page, rounds, is_paginated = super().paginate_queryset(queryset, page_size)
        rounds = with_fields_to_review(list(rounds))
        page.object_list = rounds
        return paginator, page, rounds, is_paginated


class LogoQueueView(QueueTabMixin, BaseListingView):
    template_name = "approvals/queue/index.html"
    results_template_name = "approvals/queue/assets_results.html"
    index_url_name = "approvals_admin:logos"
    index_results_url_name = "approvals_admin:logos"
    verbose_name, verbose_name_plural = "logo", "logos"
    empty_message = "No partner logos are waiting for approval."
    tab = "logos"

    @cached_property
    def columns(self):
        return [
            TemplateColumn("logo", "approvals/queue/cells/image.html", label="Logo", accessor="logo"),
            TitleColumn("name", label="Organisation", get_url=lambda org: reverse("organisation:edit", args=[org.pk])),
            Column("region", label="Region", accessor=lambda org: org.region or "—"),
            DateColumn("logo_submitted_at", label="Waiting since"),
            TemplateColumn(
                "decide",
                "approvals/queue/cells/decide.html",
                label="Decision",
                accessor=lambda org: reverse("approvals_admin:logo-decide", args=[org.pk]),
            ),
        ]

    def get_base_queryset(self):
        return pending_logos(self.request.user).prefetch_related("logo__renditions")


class UploadQueueView(QueueTabMixin, BaseListingView):
    template_name = "approvals/queue/index.html"
    results_template_name = "approvals/queue/assets_results.html"
    index_url_name = "approvals_admin:uploads"
    index_results_url_name = "approvals_admin:uploads"
    verbose_name, verbose_name_plural = "image", "images"
    empty_message = "No uploaded images are waiting for approval."
    tab = "uploads"

    @cached_property
    def columns(self):
        return [
            TemplateColumn("image", "approvals/queue/cells/image.html", label="Image"),
            Column("title", label="Title"),
            TemplateColumn(
                "uploaded_by", "approvals/queue/cells/uploader.html", label="Uploaded by", accessor="uploaded_by_user"
            ),
            DateColumn("created_at", label="Waiting since"),
            TemplateColumn(
                "decide",
                "approvals/queue/cells/decide.html",
                label="Decision",
                accessor=lambda image: reverse("approvals_admin:upload-decide", args=[image.pk]),
            ),
        ]

    def get_base_queryset(self):
        return pending_uploads(self.request.user).prefetch_related("renditions")
