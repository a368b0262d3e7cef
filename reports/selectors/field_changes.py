"""What the field changes: per editable text field (template × field key), how often users change it
from the template's default, how far, and what they write most; and how long brand review takes.

- Changed: the value as shown (plain text, whitespace runs as one) differs from the default as shown.
- How far: the Levenshtein distance between the two, divided by the longer one's length (0 = the
  default, 1 = nothing in common), averaged over the documents that changed the field.
- Common values: a changed value is shown only when at least MIN_WRITERS different people (document
  owners) wrote it, so no value points at one person.
- Turnaround: from a round's submission to brand review (the review task starting) to the reviewer's
  decision; automatic approvals and withdrawn or open rounds are left out. Rejection rate: rounds
  rejected / rounds decided ("changes requested" is not a rejection).
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from django.db.models import QuerySet

from approvals.models import BrandReviewTaskState, ReviewOutcome
from approvals.reviewers import in_regions
from templates_lib.field_locks import LockMode
from templates_lib.layouts import SlotType
from templates_lib.models import ApprovalState, CollateralDocument
from templates_lib.services.validation import default_value

from ..filters import ReportFilters
from ..stats import median, percentile
from .corporate import GroupBy, document_group, documents_in_report, shown_text

MIN_WRITERS = 3
TOP_VALUES = 5
SHOWN_CHARS = 120
TEXT_SLOTS = frozenset({SlotType.TEXT, SlotType.RICH_TEXT, SlotType.BULLETS})
COMPARED_CHARS = 1000  # longer texts are compared on their first 1,000 characters


@lru_cache(maxsize=4096)
def normalised_distance(first: str, second: str) -> float:
    """Levenshtein distance / the longer length: 0.0 for equal texts, 1.0 for nothing in common."""
    first, second = first[:COMPARED_CHARS], second[:COMPARED_CHARS]
    if first == second:
        return 0.0
    if len(first) < len(second):
        first, second = second, first
    previous = list(range(len(second) + 1))
    for i, a in enumerate(first, start=1):
        current = [i]
        for j, b in enumerate(second, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a != b)))
        previous = current
    return previous[-1] / len(first)


def truncated(text: str, limit: int = SHOWN_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@dataclass(frozen=True)
class CommonValue:
    text: str  # the whole value as shown
    writers: int
    documents: int

    @property
    def shown(self) -> str:
        return truncated(self.text)


@dataclass
class FieldChangeRow:
    template_id: int
    template: str
    field_key: str
    field: str
    lock_mode: str
    documents: int = 0
    changed: int = 0
    distance: float | None = None
    common_values: list[CommonValue] = field(default_factory=list)
    can_promote: bool = False  # a reviewed free-text field: its values may become pre-approved wordings

    @property
    def change_rate(self) -> float | None:
        return self.changed / self.documents if self.documents else None

    @property
    def common_values_text(self) -> str:
        return "; ".join(f"{v.shown} ({v.writers} people, {v.documents} documents)" for v in self.common_values)


def _editable_text_fields(document: CollateralDocument):
    template = document.pinned_template()
    layout = template.layout_spec
    for tf in template.field_list():
        if not tf.is_user_editable or not layout.has_slot(tf.slot):
            continue
        slot_type = layout.slot(tf.slot).type
        if slot_type in TEXT_SLOTS:
            yield tf, slot_type


def document_field_text(document: CollateralDocument, tf, slot_type: str) -> tuple[str, str]:
    """(the value as shown, the default as shown) of one field of one document."""
    value = document.values[tf.key] if tf.key in document.values else default_value(tf)
    return shown_text(value, slot_type), shown_text(default_value(tf), slot_type)


def common_values(writers: dict[str, set[int]], counts: Counter) -> list[CommonValue]:
    """The most written values that at least MIN_WRITERS different owners wrote, most documents first."""
    kept = [CommonValue(text, len(writers[text]), counts[text]) for text in counts if len(writers[text]) >= MIN_WRITERS]
    return sorted(kept, key=lambda v: (-v.documents, -v.writers, v.text))[:TOP_VALUES]


def field_change_rows(filters: ReportFilters) -> list[FieldChangeRow]:
    """One row per (template, editable text field key), most changed first."""
    rows: dict[tuple[int, str], FieldChangeRow] = {}
    distances: dict[tuple[int, str], list[float]] = defaultdict(list)
    counts: dict[tuple[int, str], Counter] = defaultdict(Counter)
    writers: dict[tuple[int, str], dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    for document in documents_in_report(filters):
        for tf, slot_type in _editable_text_fields(document):
            key = (document.template_id, tf.key)
            row = rows.get(key)
            if row is None:
                row = rows[key] = FieldChangeRow(
                    template_id=document.template_id,
                    template=document.template.title,
                    field_key=tf.key,
                    field=tf.label,
                    lock_mode=tf.get_lock_mode_display(),
                )
            row.documents += 1
            text, default = document_field_text(document, tf, slot_type)
            if text == default:
                continue
            row.changed += 1
            distances[key].append(normalised_distance(text, default))
            if text:
                counts[key][text] += 1
                writers[key][text].add(document.owner_id)
    for key, row in rows.items():
        row.distance = sum(distances[key]) / len(distances[key]) if distances[key] else None
        row.common_values = common_values(writers[key], counts[key])
    _mark_promotable(rows.values())
    return sorted(rows.values(), key=lambda r: (-(r.change_rate or 0), -r.documents, r.template.lower(), r.field_key))


def _mark_promotable(rows) -> None:
    """Rows whose field, in the template's live revision, is reviewed free text (promote_wording's rule)."""
    from templates_lib.models import CollateralTemplate
    from templates_lib.revisions import template_at_revision

    template_ids = {row.template_id for row in rows if row.common_values}
    live = {}
    for template in CollateralTemplate.objects.filter(pk__in=template_ids, live=True).select_related("live_revision"):
        if template.live_revision_id:
            fields = template_at_revision(template.live_revision).field_list()
            live[template.pk] = {tf.key: tf for tf in fields}
    for row in rows:
        tf = live.get(row.template_id, {}).get(row.field_key)
        row.can_promote = tf is not None and tf.lock_mode == LockMode.FREE and tf.needs_review
        if tf is not None:
            row.common_values = (
                [v for v in row.common_values if v.text not in tf.variant_list]
                if row.can_promote
                else row.common_values
            )


def promotion_source(*, template_id: int, field_key: str, text: str, region_ids) -> CollateralDocument | None:
    """An approved document (within `region_ids`) whose field shows `text`, to promote the wording
    from; None unless at least MIN_WRITERS different owners wrote it, so a crafted request cannot
    reach a value the report does not show."""
    documents = (
        CollateralDocument.objects.alive()
        .filter(template_id=template_id)
        .select_related("owner__organisation", "template_revision")
        .order_by("-updated_at")
    )
    if region_ids:
        documents = documents.filter(in_regions(region_ids, prefix="owner__"))
    owners, source = set(), None
    for document in documents:
        for tf, slot_type in _editable_text_fields(document):
            if tf.key != field_key:
                continue
            if document_field_text(document, tf, slot_type)[0] == text:
                owners.add(document.owner_id)
                if source is None and document.approval_state == ApprovalState.APPROVED:
                    source = document
    return source if len(owners) >= MIN_WRITERS else None


# --- Approval turnaround ----------------------------------------------------------------------


@dataclass(frozen=True)
class TurnaroundRow:
    group: str
    decided: int  # the n behind every figure of the row
    median_hours: float | None
    p90_hours: float | None
    rejected: int

    @property
    def rejection_rate(self) -> float | None:
        return self.rejected / self.decided if self.decided else None


def decided_rounds(filters: ReportFilters) -> QuerySet[BrandReviewTaskState]:
    """Rounds a person decided, submitted in the window, within the filters and regions."""
    rounds = BrandReviewTaskState.objects.filter(
        automatic=False, finished_at__isnull=False, document__deleted_at__isnull=True
    ).exclude(outcome="")
    if filters.start:
        rounds = rounds.filter(started_at__date__gte=filters.start)
    if filters.end:
        rounds = rounds.filter(started_at__date__lte=filters.end)
    if filters.region_ids:
        rounds = rounds.filter(in_regions(filters.region_ids))
    if filters.organisation_id:
        rounds = rounds.filter(document__owner__organisation_id=filters.organisation_id)
    if filters.tier_id:
        rounds = rounds.filter(document__owner__organisation__tier_id=filters.tier_id)
    if filters.kind:
        rounds = rounds.filter(document__template__kind=filters.kind)
    return rounds.select_related(
        "document__template", "document__owner__organisation__region", "document__owner__region"
    )


def turnaround_rows(filters: ReportFilters, *, by: str = GroupBy.TEMPLATE) -> list[TurnaroundRow]:
    """Median and 90th percentile hours from submission to decision, and the rejection rate, per
    template, review region (the document owner's region, which decides who reviews) or organisation."""
    hours: dict[str, list[float]] = defaultdict(list)
    rejected: Counter = Counter()
    for round_ in decided_rounds(filters):
        group = document_group(round_.document, by)
        hours[group].append((round_.finished_at - round_.started_at).total_seconds() / 3600)
        rejected[group] += round_.outcome == ReviewOutcome.REJECTED
    rows = [
        TurnaroundRow(
            group=group,
            decided=len(values),
            median_hours=median(values),
            p90_hours=percentile(values, 0.9),
            rejected=rejected[group],
        )
        for group, values in hours.items()
    ]
    return sorted(rows, key=lambda row: (-row.decided, row.group.lower()))
