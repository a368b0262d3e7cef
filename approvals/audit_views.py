"""Browsing the audit trail in Wagtail admin, for brand managers and marketing analysts.

- a document search (title, owner), the way in to a document's trail;
- a document's trail: every log entry of the document, newest first;
- a template's trail: the template's own entries and those of every document made from it.

Read-only: the views answer GET only (anything else is 405), and the entries themselves refuse
changes (see approvals.audit)."""

from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.safestring import SafeString
from django.views.decorators.http import require_GET

from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.menus import MenuItem as ListingMenuItem
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn, TitleColumn, UserColumn
from wagtail.admin.views.generic import BaseListingView
from wagtail.admin.views.generic.history import HistoryFilterSet
from wagtail.admin.widgets.button import Button, HeaderButton
from wagtail.images import get_image_model
from wagtail.log_actions import registry as log_registry
from wagtail.models import ModelLogEntry, Revision

import django_filters

from templates_lib.models import ApprovalState, CollateralDocument, CollateralTemplate
from templates_lib.revisions import template_at_revision
from templates_lib.services.validation import document_values_clean

from .audit import values_diff
from .diffs import formatted_diff, plain_text, word_diff_segments
from .rules import Rule
from .selectors import auditable_documents

PAGE_SIZE = 25


def can_browse_audit(user) -> bool:
    """Marketing analysts (they may view every document) and brand managers (they publish
    templates). Partners never, whatever they were given."""
    if not (user.is_authenticated and user.is_active) or getattr(user, "organisation_id", None) is not None:
        return False
    return user.is_superuser or any(
        user.has_perm(perm)
        for perm in ("templates_lib.view_collateraldocument", "templates_lib.publish_collateraltemplate")
    )


# --- Presenting entries ---------------------------------------------------------------------


@dataclass
class DiffRow:
    label: str
    before: str
    after: str
    segments: list[tuple[str, str]]  # ("equal" | "delete" | "insert", words)
    html: SafeString | str = ""  # text values: the word diff with formatting rendered (no ** markers)


def _readable(value: Any, images: dict[int, str]) -> str:
    if value in (None, ""):
        return ""
    if isinstance(value, int) and not isinstance(value, bool):
        title = images.get(value)
        return f"Image “{title}”" if title else f"Image #{value}"
    if isinstance(value, list | tuple):
        return "\n".join(_readable(item, images) for item in value)
    return plain_text(value)


RULE_LABELS = dict(Rule.choices)


class AuditEntry:
    """One log entry, ready for the audit templates."""

    def __init__(
        self,
        entry: ModelLogEntry,
        *,
        labels: dict[str, str],
        images: dict[int, str],
        subject=None,
        initial_diff: dict | None = None,
    ):
        self.entry = entry
        self.data = entry.data or {}
        self.labels = labels
        self.images = images
        self.subject = subject  # the document, on a template's trail
        self.initial_diff = initial_diff  # a new document's values against its template's defaults

    def _label(self, key: str) -> str:
        return self.labels.get(key, key)

    @property
    def action(self) -> str:
        return self.entry.action

    @property
    def action_label(self) -> str:
        return log_registry.get_action_label(self.entry.action)

    @property
    def message(self) -> str:
        return self.entry.message

    @property
    def user_name(self) -> str:
        return self.entry.user_display_name

    @property
    def timestamp(self):
        return self.entry.timestamp

    @property
    def values_hash(self) -> str:
        return self.data.get("values_hash", "")

    @property
    def diff_caption(self) -> str:
        return "Changed from the template's wording" if self.initial_diff else ""

    @cached_property
    def diff(self) -> list[DiffRow]:
        rows = []
        for key, change in (self.data.get("diff") or self.initial_diff or {}).items():
            before = _readable(change.get("before"), self.images)
            after = _readable(change.get("after"), self.images)
            raw = (change.get("before"), change.get("after"))
            is_text = all(value is None or isinstance(value, str) for value in raw)
            html = formatted_diff(*raw) if is_text else ""
            rows.append(DiffRow(self._label(key), before, after, word_diff_segments(before, after), html))
        return rows

    @property
    def comment(self) -> str:
        if self.data.get("comment"):
            return self.data["comment"]
        return "" if self.entry.action.startswith("lastmile.") else self.entry.comment

    @property
    def note(self) -> str:
        return self.data.get("note", "")

    @property
    def field_comments(self) -> list[tuple[str, str]]:
        return [(self._label(key), text) for key, text in (self.data.get("field_comments") or {}).items()]

    @property
    def details(self) -> list[tuple[str, str]]:
        """Everything else the entry recorded, as (label, text)."""
        data = self.data
        details = []
        if data.get("summary"):
            details.append(("Rules", data["summary"]))
        elif data.get("rules"):
            details.append(("Rules", "; ".join(RULE_LABELS.get(rule, rule) for rule in data["rules"])))
        if data.get("needs_review"):
            details.append(("Needs review", ", ".join(self._label(key) for key in data["needs_review"])))
        if data.get("field"):
            details.append(("Field", self._label(data["field"])))
        if data.get("wording"):
            details.append(("Wording", data["wording"]))
        if data.get("profile"):
            details.append(("PDF", data["profile"]))
        if data.get("from_revision") and data.get("to_revision"):
            details.append(("Template revision", f"{data['from_revision']} → {data['to_revision']}"))
        if data.get("dropped"):
            details.append(("Reset to the template's wording", ", ".join(self._label(k) for k in data["dropped"])))
        if "replacement_title" in data:
            details.append(("Replacement", data["replacement_title"] or "none"))
        return details


def _image_ids(datas) -> set[int]:
    ids = set()
    for data in datas:
        for change in (data.get("diff") or {}).values():
            for value in (change.get("before"), change.get("after")):
                if isinstance(value, int) and not isinstance(value, bool):
                    ids.add(value)
    return ids


def _image_titles(datas) -> dict[int, str]:
    ids = _image_ids(datas)
    if not ids:
        return {}
    return dict(get_image_model().objects.filter(pk__in=ids).values_list("pk", "title"))


def _initial_diffs(entries) -> dict[int, dict]:
    """For "created" entries: the document's first values against its template's defaults, so
    the trail shows what the user wrote from the start (the entry itself stores only a hash)."""

    created = [e for e in entries if e.action == "lastmile.document.created" and e.revision_id]
    if not created:
        return {}
    revisions = Revision.objects.in_bulk([entry.revision_id for entry in created])
    template_revisions = Revision.objects.in_bulk(
        {(entry.data or {}).get("template_revision_id") for entry in created} - {None}
    )
    defaults: dict[int, dict] = {}
    diffs = {}
    for entry in created:
        revision = revisions.get(entry.revision_id)
        template_revision = template_revisions.get((entry.data or {}).get("template_revision_id"))
        if revision is None or template_revision is None:
            continue
        if template_revision.pk not in defaults:
            defaults[template_revision.pk] = document_values_clean(
                template=template_at_revision(template_revision), submitted={}, check_fit=False
            ).values
        diffs[entry.pk] = values_diff(defaults[template_revision.pk], revision.content.get("values") or {})
    return diffs


def _field_labels(*templates) -> dict[str, str]:
    labels: dict[str, str] = {}
    for template in templates:
        if template is not None:
            for tf in template.field_list():
                labels.setdefault(tf.key, tf.label)
    return labels


# --- Views ----------------------------------------------------------------------------------


@method_decorator(require_GET, name="dispatch")
class AuditViewMixin:
    """GET only, for brand managers and analysts (Wagtail admin turns PermissionDenied into a
    redirect to the dashboard with a message)."""

    header_icon = "history"
    paginate_by = PAGE_SIZE

    def dispatch(self, request, *args, **kwargs):
        if not can_browse_audit(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class DocumentFilterSet(WagtailFilterSet):
    approval_state = django_filters.ChoiceFilter(label="Approval", choices=ApprovalState.choices)
    template = django_filters.ModelChoiceFilter(queryset=CollateralTemplate.objects.order_by("title"))

    class Meta:
        model = CollateralDocument
        fields = ["approval_state", "template"]


class DocumentSearchView(AuditViewMixin, BaseListingView):
    """Every document, deleted ones included, searchable by title and owner."""

    page_title = "Audit trail"
    page_subtitle = "Documents"
    index_url_name = "approvals_admin:audit-documents"
    index_results_url_name = "approvals_admin:audit-documents-results"
    filterset_class = DocumentFilterSet
    is_searchable = True
    verbose_name_plural = "documents"
    default_ordering = "-updated_at"

    def get_base_queryset(self):
        return auditable_documents(self.request.user).select_related("owner", "template").order_by("-updated_at", "-pk")

    def search_queryset(self, queryset):
        for word in self.search_query.split()[:8]:
            queryset = queryset.filter(
                Q(title__icontains=word)
                | Q(owner__username__icontains=word)
                | Q(owner__first_name__icontains=word)
                | Q(owner__last_name__icontains=word)
                | Q(owner__email__icontains=word)
            )
        return queryset

    @cached_property
    def columns(self):
        return [
            TitleColumn(
                "title",
                label="Document",
                get_url=lambda document: reverse("approvals_admin:audit-document", args=[document.pk]),
            ),
            UserColumn("owner", label="Owner"),
            Column(
                "template",
                label="Template",
                accessor=lambda document: document.template.title,
            ),
            StatusTagColumn(
                "approval_state",
                label="Approval",
                accessor=lambda document: "deleted" if document.deleted_at else document.get_approval_state_display(),
                primary=lambda document: document.approval_state == ApprovalState.APPROVED and not document.deleted_at,
            ),
            DateColumn("updated_at", label="Updated", sort_key="updated_at"),
        ]


class EntryListingView(AuditViewMixin, BaseListingView):
    """Shared by the two trails: log entries newest first, filterable by action, user and date."""

    template_name = "approvals/audit/trail.html"
    results_template_name = "approvals/audit/trail_results.html"
    filterset_class = HistoryFilterSet
    verbose_name_plural = "log entries"

    def entries(self):
        raise NotImplementedError

    def get_base_queryset(self):
        return self.entries().select_related("user", "content_type").order_by("-timestamp", "-pk")

    def get_filterset_kwargs(self):
        return {**super().get_filterset_kwargs(), "queryset": self.get_base_queryset()}

    def order_queryset(self, queryset):
        return queryset

    def labels(self) -> dict[str, str]:
        return {}

    def subjects(self, entries) -> dict[tuple[int, str], CollateralDocument]:
        """The documents the entries are about, by (content type id, object id)."""
        return {}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        entries = list(context["object_list"])
        initial_diffs = _initial_diffs(entries)
        images = _image_titles([entry.data or {} for entry in entries] + [{"diff": d} for d in initial_diffs.values()])
        labels = self.labels()
        subjects = self.subjects(entries)
        context["entries"] = [
            AuditEntry(
                entry,
                labels=labels,
                images=images,
                subject=subjects.get((entry.content_type_id, entry.object_id)),
                initial_diff=initial_diffs.get(entry.pk),
            )
            for entry in entries
        ]
        return context


def _document_content_type():
    return ContentType.objects.get_for_model(CollateralDocument, for_concrete_model=False)


class DocumentTrailView(EntryListingView):
    """Every log entry of one document: ours (lastmile.document.*) and Wagtail's workflow ones."""

    page_title = "Audit trail"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.document = get_object_or_404(
            auditable_documents(request.user).select_related("owner", "template", "template_revision"), pk=kwargs["pk"]
        )

    def get_page_subtitle(self):
        return self.document.title

    def get_index_url(self):
        return reverse("approvals_admin:audit-document", args=[self.document.pk])

    def get_index_results_url(self):
        return reverse("approvals_admin:audit-document-results", args=[self.document.pk])

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("approvals_admin:audit-documents"), "label": "Audit trail"},
            {"url": "", "label": self.document.title},
        ]

    @cached_property
    def header_buttons(self):
        return [
            HeaderButton(
                "Template's trail",
                url=reverse("approvals_admin:audit-template", args=[self.document.template_id]),
                icon_name="doc-full-inverse",
            )
        ]

    def entries(self):
        return ModelLogEntry.objects.filter(content_type=_document_content_type(), object_id=str(self.document.pk))

    def labels(self):
        return _field_labels(self.document.pinned_template())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["document"] = self.document
        return context


class TemplateTrailFilterSet(HistoryFilterSet):
    subject = django_filters.ChoiceFilter(
        label="Subject",
        choices=[("template", "The template itself"), ("documents", "Its documents")],
        method="filter_subject",
    )

    def filter_subject(self, queryset, name, value):
        documents = Q(content_type=_document_content_type())
        return queryset.filter(documents) if value == "documents" else queryset.exclude(documents)


class TemplateTrailView(EntryListingView):
    """A template's own entries (published, retired, wordings promoted …) and those of every
    document made from it, in one timeline."""

    page_title = "Audit trail"
    filterset_class = TemplateTrailFilterSet

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.template = get_object_or_404(CollateralTemplate, pk=kwargs["pk"])

    @cached_property
    def header_buttons(self):
        if not self.request.user.has_perm("templates_lib.change_collateraltemplate"):
            return []
        url = reverse("wagtailsnippets_templates_lib_collateraltemplate:edit", args=[self.template.pk])
        return [HeaderButton("Edit template", url=url, icon_name="edit")]

    def get_page_subtitle(self):
        return self.template.title

    def get_index_url(self):
        return reverse("approvals_admin:audit-template", args=[self.template.pk])

    def get_index_results_url(self):
        return reverse("approvals_admin:audit-template-results", args=[self.template.pk])

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("approvals_admin:audit-documents"), "label": "Audit trail"},
            {"url": "", "label": self.template.title},
        ]

    def entries(self):
        template_type = ContentType.objects.get_for_model(CollateralTemplate, for_concrete_model=False)
        documents = (
            auditable_documents(self.request.user)
            .filter(template=self.template)
            .annotate(key=Cast("pk", output_field=CharField()))
            .values("key")
        )
        return ModelLogEntry.objects.filter(
            Q(content_type=template_type, object_id=str(self.template.pk))
            | Q(content_type=_document_content_type(), object_id__in=documents)
        )

    def labels(self):

        live = template_at_revision(self.template.live_revision) if self.template.live_revision_id else None
        return _field_labels(live, self.template)

    def subjects(self, entries):
        document_type = _document_content_type()
        ids = {entry.object_id for entry in entries if entry.content_type_id == document_type.pk}
        return {
            (document_type.pk, str(document.pk)): document for document in CollateralDocument.objects.filter(pk__in=ids)
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["template"] = self.template
        context["documents_count"] = self.template.documents.count()
        return context


# --- Ways in --------------------------------------------------------------------------------


class AuditMenuItem(MenuItem):
    def is_shown(self, request):
        return can_browse_audit(request.user)


def template_audit_buttons(template, user, *, menu: bool = False) -> list:
    """The "Audit trail" link of a template, in its listing's menu or its edit header."""
    if not isinstance(template, CollateralTemplate) or not can_browse_audit(user):
        return []
    url = reverse("approvals_admin:audit-template", args=[template.pk])
    if menu:
        return [ListingMenuItem("Audit trail", url=url, icon_name="history", priority=35)]
    return [Button("Audit trail", url=url, icon_name="history", priority=50)]
