"""Reads of the approval loop: who may see which document (`documents_visible_to`, the one rule
for every read of a document), and what the brand team has to look at: documents waiting for
review, partner logos and uploaded images waiting for approval, and the counts the admin menu
and dashboard show.

The queue applies the same rule as `reviewers.can_review` as a query: members of the review
task's groups, limited to their review regions (none: every region), where a document's region
is its owner's organisation's region for partners and the owner's own region for staff; a
reviewer's own documents are left out unless LASTMILE_ALLOW_SELF_REVIEW is on.
"""

import re
from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.db.models import F, Q, QuerySet

from wagtail.images import get_image_model
from wagtail.models import TaskState

from accounts.models import Organisation, User
from accounts.roles import is_partner_manager
from brand.models import BrandImage, UploadReview
from brand.storage import PRIVATE_PREFIX
from templates_lib.models import ApprovalState, CollateralDocument, CollateralTemplate, DocumentUserGrant
from templates_lib.selectors import documents_editable_by, is_signed_in_member

from .models import BrandReviewTaskState, BrandRulesTaskState, latest_rules_state
from .reviewers import in_regions, is_brand_reviewer, review_region_ids

VIEW_CODENAME = "view_collateraldocument"
VIEW_PERMISSION = f"templates_lib.{VIEW_CODENAME}"
# What document lists and pages show of each document, fetched with it.
DOCUMENT_RELATED = ("template", "template_revision", "owner")
# What the queue and the dashboard show of each round, fetched with it in one query.
QUEUE_RELATED = (
    "document__template",
    "document__owner__organisation__region",
    "document__owner__region",
)


def review_queue(user: User) -> QuerySet[BrandReviewTaskState]:
    """Rounds of review waiting for a decision that `user` may make, oldest first."""
    if not is_brand_reviewer(user):
        return BrandReviewTaskState.objects.none()
    rounds = BrandReviewTaskState.objects.filter(status=TaskState.STATUS_IN_PROGRESS, document__deleted_at__isnull=True)
    if not settings.LASTMILE_ALLOW_SELF_REVIEW:
        rounds = rounds.exclude(document__owner=user)
    regions = review_region_ids(user)
    if regions:
        rounds = rounds.filter(in_regions(regions))
    return rounds.select_related(*QUEUE_RELATED).order_by("started_at", "pk")


def review_round_for(user: User, task_state_id: int) -> BrandReviewTaskState | None:
    """One round (decided or not) of a document `user` may review, or None: outside the
    reviewer's regions it does not exist for them."""
    if not is_brand_reviewer(user):
        return None
    rounds = BrandReviewTaskState.objects.filter(pk=task_state_id, document__deleted_at__isnull=True)
    regions = review_region_ids(user)
    if regions:
        rounds = rounds.filter(in_regions(regions))
    return rounds.select_related(*QUEUE_RELATED, "revision", "finished_by", "workflow_state__requested_by").first()


def review_history(task_state: BrandReviewTaskState) -> list[BrandReviewTaskState]:
    """Every round of the same document other than `task_state`, oldest first, with the
    reviewer and the field comments."""
    return list(
        BrandReviewTaskState.objects.filter(document_id=task_state.document_id)
        .exclude(pk=task_state.pk)
        .select_related("finished_by", "revision")
        .prefetch_related("field_comments")
        .order_by("started_at", "pk")
    )


def rules_assessment_for(task_state: BrandReviewTaskState) -> dict:
    """The brand rules' assessment of the revision a round reviewed ({} if none was kept)."""
    rules = latest_rules_state(task_state.workflow_state_id, started_by=task_state.started_at)
    return rules.assessment if rules else {}


def with_fields_to_review(rounds: list[BrandReviewTaskState]) -> list[BrandReviewTaskState]:
    """Give each round `fields_to_review`: the labels of the fields the rules sent to review.
    One query for the whole list."""
    by_workflow = defaultdict(list)
    for rules in (
        BrandRulesTaskState.objects.filter(workflow_state_id__in={r.workflow_state_id for r in rounds})
        .only("workflow_state_id", "started_at", "assessment")
        .order_by("started_at", "pk")
    ):
        by_workflow[rules.workflow_state_id].append(rules)
    for round_ in rounds:
        earlier = [r for r in by_workflow[round_.workflow_state_id] if r.started_at <= round_.started_at]
        verdicts = earlier[-1].assessment.get("verdicts", []) if earlier else []
        round_.fields_to_review = [v["label"] for v in verdicts if v.get("needs_review")]
    return rounds


def pending_logos(user: User | None = None) -> QuerySet[Organisation]:
    """Partner organisations whose logo waits for approval, longest waiting first; for a
    reviewer limited to regions, only organisations of those regions."""
    logos = Organisation.objects.filter(logo__isnull=False, is_logo_approved=False)
    regions = review_region_ids(user) if user is not None else []
    if regions:
        logos = logos.filter(region__in=regions)
    return logos.select_related("logo", "region").order_by(F("logo_submitted_at").asc(nulls_first=True), "pk")


def pending_uploads(user: User | None = None) -> QuerySet:
    """Images users uploaded that wait for approval (partner logos are reviewed as logos),
    oldest first; for a reviewer limited to regions, only uploads by people of those regions."""
    logos = Organisation.objects.filter(logo__isnull=False).values("logo_id")
    uploads = get_image_model().objects.filter(review_state=UploadReview.PENDING).exclude(pk__in=logos)
    regions = review_region_ids(user) if user is not None else []
    if regions:
        uploads = uploads.filter(in_regions(regions, prefix="uploaded_by_user__"))
    return uploads.select_related("uploaded_by_user__organisation").order_by("created_at", "pk")


@dataclass(frozen=True)
class QueueCounts:
    documents: int
    logos: int
    uploads: int

    @property
    def total(self) -> int:
        return self.documents + self.logos + self.uploads


def queue_counts(user: User) -> QueueCounts:
    """How much waits for `user`: three COUNT queries (none for someone who does not review)."""
    if not is_brand_reviewer(user):
        return QueueCounts(0, 0, 0)
    return QueueCounts(
        documents=review_queue(user).count(),
        logos=pending_logos(user).count(),
        uploads=pending_uploads(user).count(),
    )


def _visible_outside_review(user: User) -> QuerySet[CollateralDocument]:
    """Documents the user may open and download whatever their review state:
    - their own;
    - those a colleague of the same organisation shared with them (a django-guardian grant);
    - for a partner manager, every document of their organisation's members;
    - for internal users with the view permission (marketing analysts), every document, read-only.
    Partners never see beyond their organisation, whatever permissions they were given."""
    if not is_signed_in_member(user):
        return CollateralDocument.objects.none()
    documents = CollateralDocument.objects.alive().select_related(*DOCUMENT_RELATED)
    reach = others_reach(user)
    if reach == OthersReach.EVERYONE:
        return documents
    organisation_id = getattr(user, "organisation_id", None)
    same_organisation = (
        Q(owner__organisation_id=organisation_id) if organisation_id else Q(owner__organisation__isnull=True)
    )
    shared = DocumentUserGrant.objects.filter(user=user, permission__codename=VIEW_CODENAME).values("content_object_id")
    visible = Q(owner=user) | (Q(pk__in=shared) & same_organisation)
    if reach == OthersReach.ORGANISATION:
        visible |= Q(owner__organisation_id=organisation_id)
    return documents.filter(visible)


class OthersReach(StrEnum):
    """Whose documents, beyond their own, a user may read (outside brand review): what the portal's
    document lists call them follows from it, so an analyst's read access is not "shared with me"."""

    EVERYONE = "everyone"  # internal users with the view permission (marketing analysts), administrators
    ORGANISATION = "organisation"  # a partner manager: their organisation's members'
    SHARED = "shared"  # everyone else: what a colleague of their organisation shared with them


def others_reach(user: User) -> OthersReach:
    """The rule `_visible_outside_review` applies, named. Partners never reach beyond their organisation."""
    organisation_id = getattr(user, "organisation_id", None)
    if organisation_id is None and (user.is_superuser or user.has_perm(VIEW_PERMISSION)):
        return OthersReach.EVERYONE
    if organisation_id and is_partner_manager(user):
        return OthersReach.ORGANISATION
    return OthersReach.SHARED


def documents_visible_to(user: User) -> QuerySet[CollateralDocument]:
    """The one rule for who may open and download a document (the portal's every read of a
    document that is not a change goes through it): see `_visible_outside_review`, and for brand
    reviewers the documents waiting for their review, in their regions. Anything outside it is a 404."""
    visible = _visible_outside_review(user)
    if not is_brand_reviewer(user):
        return visible
    under_review = CollateralDocument.objects.alive().filter(approval_state=ApprovalState.IN_REVIEW)
    regions = review_region_ids(user)
    if regions:
        under_review = under_review.filter(in_regions(regions, prefix="owner__"))
    return (visible | under_review.select_related(*DOCUMENT_RELATED)).distinct()


DOCUMENT_ORDERS = {"-updated_at", "updated_at", "title", "-title"}


def document_list(
    user: User, *, query: str = "", order: str = "-updated_at", scope: str = "mine", state: str = ""
) -> QuerySet[CollateralDocument]:
    """My documents: "mine", the user's own; "others", documents others share with them or, for
    partner managers and analysts, their organisation's or everyone's. Searched by title, filtered
    by approval state, in one of DOCUMENT_ORDERS."""
    others = scope == "others"
    documents = documents_visible_to(user).exclude(owner=user) if others else documents_editable_by(user)
    if query:
        documents = documents.filter(title__icontains=query)
    if state in ApprovalState.values:
        documents = documents.filter(approval_state=state)
    return documents.order_by(order if order in DOCUMENT_ORDERS else "-updated_at")


def auditable_documents(user: User) -> QuerySet[CollateralDocument]:
    """Documents whose audit trail `user` may read: every one for analysts (who may view every
    document) and administrators; for brand managers, those of their review regions."""
    documents = CollateralDocument.objects.all()
    if user.is_superuser or user.has_perm(VIEW_PERMISSION):
        return documents
    regions = review_region_ids(user)
    return documents.filter(in_regions(regions, prefix="owner__")) if regions else documents


# --- Uploaded images and partner logos ------------------------------------------------------------

# An upload's or a rendition's storage name after `private/`: server-made names only
# (brand.storage.private_upload_name, Wagtail's rendition names, the storage's collision suffix).
PRIVATE_FILE_NAME = re.compile(r"(?:uploads|renditions)/[A-Za-z0-9][A-Za-z0-9._-]{0,150}")


def uploads_visible_to(user: User) -> QuerySet[BrandImage]:
    """The one rule for who may see an image a user uploaded (for an image field, or as a partner
    logo), whatever its review state; such images are never public (brand.storage):
    - its uploader;
    - whoever may open one of the uploader's documents (`documents_visible_to`: a colleague it was
      shared with, the partner manager, marketing analysts, a reviewer while it waits): an upload
      is only ever chosen in its uploader's own documents (templates_lib.selectors.images_for_field);
    - for an organisation's current logo, every member of the organisation and whoever may open a
      document of one of them (documents show the logo);
    - brand reviewers, in their review regions (the queue shows uploads and logos on their own);
    - superusers.
    Anyone else, signed in or not, gets nothing: the image view then answers as for a missing image."""
    uploads = get_image_model().objects.exclude(review_state=UploadReview.NOT_AN_UPLOAD)
    if not is_signed_in_member(user):
        return uploads.none()
    if user.is_superuser:
        return uploads
    documents = documents_visible_to(user)
    visible = Q(uploaded_by_user=user) | Q(uploaded_by_user__in=documents.values("owner_id"))
    logo_of = Q(pk__in=documents.values("owner__organisation_id"))
    if user.organisation_id is not None:
        logo_of |= Q(pk=user.organisation_id)
    if is_brand_reviewer(user):
        regions = review_region_ids(user)
        if not regions:
            return uploads
        visible |= in_regions(regions, prefix="uploaded_by_user__")
        logo_of |= Q(region__in=regions)
    visible |= Q(pk__in=Organisation.objects.filter(logo_of).exclude(logo=None).values("logo_id"))
    return uploads.filter(visible)


def upload_file_get(user: User, name: str) -> tuple[BrandImage, str] | None:
    """The image and the storage name for `name` (the original or a rendition of an upload, named
    as in its URL: the storage name after `private/`) when `user` may see that image; None
    otherwise, exactly as for a name that does not exist."""
    if not PRIVATE_FILE_NAME.fullmatch(name):
        return None
    storage_name = f"{PRIVATE_PREFIX}{name}"
    visible = uploads_visible_to(user)
    image = visible.filter(file=storage_name).first()
    if image is not None:
        return image, storage_name
    rendition = (
        get_image_model()
        .get_rendition_model()
        .objects.filter(file=storage_name, image__in=visible)
        .select_related("image")
        .first()
    )
    return (rendition.image, storage_name) if rendition is not None else None


def documents_made_from_count(template: CollateralTemplate) -> int:
    """How many documents (not deleted) were made from `template`: its "Used N times"."""
    return CollateralDocument.objects.alive().filter(template_id=template.pk).count()
