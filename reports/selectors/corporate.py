"""Corporate vs local: how much of each document came from corporate, and the average per template,
region or partner organisation.

One document's content is its fields as shown, in the template revision it is pinned to:

- Text counts by characters: the plain text a reader sees (markup stripped, each run of whitespace
  counted as one character, leading and trailing whitespace not counted).
- Corporate text: locked fields, token fields (filled from data, never typed), choice fields (a
  pre-approved variant), and free text that is the template's own wording (the default, unchanged)
  or one of the field's pre-approved wordings (variants, promoted wordings included).
- Local text: anything else written in a free-text field.
- Images count by slot: an image from the library (or the template's default, or filled from data)
  is corporate; an image a user uploaded is local. An empty slot does not count.
- The combined share weighs each image slot as the document's average text field (its characters
  divided by its text fields with content), so a picture counts as much as a typical field of the
  same document; a document without text is judged on its images alone.

A group's share is the mean of its documents' shares (every document counts once, long or short);
its n is the number of documents with content of that kind.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from statistics import fmean
from typing import Any

from django.db.models import QuerySet

from approvals.reviewers import in_regions
from brand.models import BrandImage, UploadReview
from templates_lib.field_locks import LockMode
from templates_lib.layouts import SlotType
from templates_lib.models import CollateralDocument, TemplateField
from templates_lib.rich_text import rich_text_plain
from templates_lib.services.validation import default_value
from templates_lib.tokens import TokenContext, resolve_token

from ..filters import ReportFilters
from .windows import in_window


class GroupBy:
    TEMPLATE = "template"
    REGION = "region"
    ORGANISATION = "organisation"
    CHOICES = [(TEMPLATE, "Template"), (REGION, "Region"), (ORGANISATION, "Partner organisation")]


NO_REGION = "No region"
INTERNAL = "Internal staff (no organisation)"


@dataclass(frozen=True)
class Share:
    corporate_chars: int = 0
    local_chars: int = 0
    corporate_images: int = 0
    local_images: int = 0
    text_fields: int = 0  # text fields with content: sets the weight of an image slot

    @property
    def chars(self) -> int:
        return self.corporate_chars + self.local_chars

    @property
    def images(self) -> int:
        return self.corporate_images + self.local_images

    @property
    def text_share(self) -> float | None:
        return self.corporate_chars / self.chars if self.chars else None

    @property
    def image_share(self) -> float | None:
        return self.corporate_images / self.images if self.images else None

    @property
    def image_weight(self) -> float:
        """Characters one image slot counts for: the document's average text field."""
        return self.chars / self.text_fields if self.text_fields else 1.0

    @property
    def combined_share(self) -> float | None:
        total = self.chars + self.images * self.image_weight
        if not total:
            return None
        return (self.corporate_chars + self.corporate_images * self.image_weight) / total

    def __add__(self, other: "Share") -> "Share":
        return Share(
            self.corporate_chars + other.corporate_chars,
            self.local_chars + other.local_chars,
            self.corporate_images + other.corporate_images,
            self.local_images + other.local_images,
            self.text_fields + other.text_fields,
        )


# --- One document ---------------------------------------------------------------------------


def shown_text(value: Any, slot_type: str) -> str:
    """The plain text a reader sees: markup stripped, whitespace runs as one space, trimmed."""
    if value is None:
        return ""
    if isinstance(value, Mapping):
        value = " ".join(str(item) for item in value.values() if item)
    elif isinstance(value, list | tuple):
        value = " ".join(str(item) for item in value)
    text = str(value)
    if slot_type == SlotType.RICH_TEXT:
        text = rich_text_plain(text)
    return " ".join(text.split())


def is_template_wording(field: TemplateField, text: str, slot_type: str) -> bool:
    """The template's own text for the field: its default unchanged, or a pre-approved wording."""
    wordings = [field.default_text, *field.variant_list]
    return any(text == shown_text(wording, slot_type) for wording in wordings)


def _image_id(value: Any) -> int | None:
    try:
        return int(str(value).strip()) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def is_library_image(image_id: int, review_states: Mapping[int, str]) -> bool:
    """Library images are corporate; uploads by users (reviewed or not) are local. An image that is
    gone counts as local: nothing shows it came from the library."""
    return review_states.get(image_id) == UploadReview.NOT_AN_UPLOAD


def _text_share(text: str, *, is_corporate: bool) -> Share:
    if not text:
        return Share()
    if is_corporate:
        return Share(corporate_chars=len(text), text_fields=1)
    return Share(local_chars=len(text), text_fields=1)


def _image_share(image_id: int | None, *, is_corporate: bool) -> Share:
    if image_id is None:
        return Share()
    return Share(corporate_images=1) if is_corporate else Share(local_images=1)


def field_share(
    field: TemplateField,
    slot_type: str,
    document: CollateralDocument,
    review_states: Mapping[int, str],
) -> Share:
    """One field of one document, as shown."""
    mode = field.lock_mode
    if mode == LockMode.TOKEN:
        owner = document.owner
        value = resolve_token(field.token_source, TokenContext(user=owner, organisation=owner.organisation))
        if slot_type == SlotType.IMAGE:
            if isinstance(value, int):
                return _image_share(value, is_corporate=True)
            return _text_share(shown_text(getattr(value, "name", ""), SlotType.TEXT), is_corporate=True)
        return _text_share(shown_text(value, slot_type), is_corporate=True)
    if mode == LockMode.LOCKED:
        if slot_type == SlotType.IMAGE:
            return _image_share(field.default_image_id, is_corporate=True)
        return _text_share(shown_text(field.default_text, slot_type), is_corporate=True)
    value = document.values[field.key] if field.key in document.values else default_value(field)
    if slot_type == SlotType.IMAGE:
        image_id = _image_id(value)
        return _image_share(image_id, is_corporate=image_id is not None and is_library_image(image_id, review_states))
    text = shown_text(value, slot_type)
    if mode == LockMode.CHOICE:
        return _text_share(text, is_corporate=True)
    return _text_share(text, is_corporate=is_template_wording(field, text, slot_type))


def _image_ids(documents: Iterable[CollateralDocument]) -> set[int]:
    ids = set()
    for document in documents:
        for field in document.pinned_template().field_list():
            ids.add(_image_id(document.values.get(field.key)))
            ids.add(field.default_image_id)
    ids.discard(None)
    return ids


def image_review_states(image_ids: Iterable[int]) -> dict[int, str]:
    return dict(BrandImage.objects.filter(pk__in=set(image_ids)).values_list("pk", "review_state"))


def document_corporate_share(document: CollateralDocument, *, review_states: Mapping[int, str] | None = None) -> Share:
    """How much of `document`, as shown, came from corporate (see the module docstring).
    `review_states` ({image id: review state}) saves a query per document in a report."""
    if review_states is None:
        review_states = image_review_states(_image_ids([document]))
    template = document.pinned_template()
    layout = template.layout_spec
    share = Share()
    for field in template.field_list():
        if not layout.has_slot(field.slot):
            continue
        share += field_share(field, layout.slot(field.slot).type, document, review_states)
    return share


# --- The report -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CorporateRow:
    group: str
    documents: int
    share: float | None
    n: int
    text_share: float | None
    text_n: int
    image_share: float | None
    image_n: int
    band_position: str  # "below", "above" or "" (inside the band, or no share)

    @property
    def is_flagged(self) -> bool:
        return bool(self.band_position)

    @property
    def flag(self) -> str:
        return f"{self.band_position.capitalize()} band" if self.band_position else ""


def documents_in_report(filters: ReportFilters) -> QuerySet[CollateralDocument]:
    """Non-deleted documents created in the window, within the filters and the user's regions
    (the owner's region: their organisation's for partners, their own for staff)."""
    documents = CollateralDocument.objects.alive().select_related(
        "owner__organisation__region", "owner__region", "template", "template_revision"
    )
    documents = documents.filter(in_window("created_at", filters))
    if filters.region_ids:
        documents = documents.filter(in_regions(filters.region_ids, prefix="owner__"))
    if filters.organisation_id:
        documents = documents.filter(owner__organisation_id=filters.organisation_id)
    if filters.tier_id:
        documents = documents.filter(owner__organisation__tier_id=filters.tier_id)
    if filters.kind:
        documents = documents.filter(template__kind=filters.kind)
    return documents.order_by("pk")


def document_group(document: CollateralDocument, by: str) -> str:
    owner = document.owner
    if by == GroupBy.TEMPLATE:
        return document.template.title
    if by == GroupBy.ORGANISATION:
        return owner.organisation.name if owner.organisation else INTERNAL
    region = owner.organisation.region if owner.organisation else owner.region
    return region.name if region else NO_REGION


def band_position(share: float | None, band: tuple[float, float]) -> str:
    if share is None:
        return ""
    if share < band[0]:
        return "below"
    if share > band[1]:
        return "above"
    return ""


def _mean(values: list[float]) -> float | None:
    return fmean(values) if values else None


def corporate_share_rows(filters: ReportFilters, *, by: str, band: tuple[float, float]) -> list[CorporateRow]:
    """One row per template, region or organisation (`by`), largest first; `band` as fractions."""
    documents = list(documents_in_report(filters))
    review_states = image_review_states(_image_ids(documents))
    groups: dict[str, list[Share]] = {}
    for document in documents:
        share = document_corporate_share(document, review_states=review_states)
        groups.setdefault(document_group(document, by), []).append(share)
    rows = []
    for group, shares in groups.items():
        combined = [s.combined_share for s in shares if s.combined_share is not None]
        text = [s.text_share for s in shares if s.text_share is not None]
        images = [s.image_share for s in shares if s.image_share is not None]
        mean = _mean(combined)
        rows.append(
            CorporateRow(
                group=group,
                documents=len(shares),
                share=mean,
                n=len(combined),
                text_share=_mean(text),
                text_n=len(text),
                image_share=_mean(images),
                image_n=len(images),
                band_position=band_position(mean, band),
            )
        )
    return sorted(rows, key=lambda row: (-row.documents, row.group.lower()))
