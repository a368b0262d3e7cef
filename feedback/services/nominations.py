"""From the field to corporate (issue 16): a rep or partner puts one of their approved documents
forward as a candidate template; the brand team turns it into a DRAFT template (the document's
approved values as the new template's defaults) or declines it with a reason. The author is
credited on the draft and told either way.

The draft is never published here: it is a new template with one draft revision, and it goes
live only through the brand team's usual publishing (and its copy-fit gate)."""

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from wagtail.log_actions import log

from accounts.links import document_page
from accounts.models import User
from approvals.models import NotificationKind
from approvals.notifications import notify
from brand.models import BrandImage, UploadReview
from brand.text import single_line
from templates_lib.field_locks import LockMode
from templates_lib.layouts import SlotType
from templates_lib.models import CollateralDocument, CollateralTemplate, TemplateField

from ..models import REQUEST_TEXT_MAX_CHARS, NominationStatus, TemplateNomination

TITLE_MAX_CHARS = 160  # CollateralTemplate.title
CONVERTED_ACTION = "lastmile.template.from_nomination"

# What a draft copies from its source template besides its fields (the rest is the draft's own:
# identity, publishing state, retirement, locks, timestamps).
COPIED_TEMPLATE_FIELDS = ("description", "layout", "page_size", "orientation", "print_bleed", "keywords")
COPIED_TEMPLATE_M2M = ("audience_regions", "audience_tiers")
NOT_COPIED_FIELD_ATTRS = frozenset({"id", "template"})


class NominationError(Exception):
    """A nomination, or a decision on one, refused: the message is for the user."""


@dataclass
class ConversionResult:
    nomination: TemplateNomination
    template: CollateralTemplate
    # Labels of fields whose value was not carried over, with why (e.g. a private upload).
    kept_defaults: list[str] = field(default_factory=list)


def author_name(user: User) -> str:
    return user.get_full_name() or user.get_username()


def can_decide_nominations(user: User) -> bool:
    """Brand managers (those who may add collateral templates) decide; partners never do."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and getattr(user, "organisation_id", None) is None
        and user.has_perm("templates_lib.add_collateraltemplate")
    )


def nomination_problem(*, document: CollateralDocument, user: User) -> str:
    """Why `user` cannot nominate `document` ("" when they can). Raises PermissionDenied for
    anyone but the owner of a document that is not deleted."""
    if document.owner_id != user.pk or document.deleted_at is not None:
        raise PermissionDenied
    if TemplateNomination.objects.filter(document=document).exists():
        return "This document has already been nominated."
    if not document.is_approved or document.live_revision_id is None:
        return "Only approved documents can be nominated. Get this version approved first."
    return ""


def _clean_reason(reason: str) -> str:
    reason = (reason or "").replace("\x00", "").strip()
    if len(reason) > REQUEST_TEXT_MAX_CHARS:
        raise NominationError(f"Keep the reason to {REQUEST_TEXT_MAX_CHARS} characters (it is {len(reason)}).")
    return reason


@transaction.atomic
def nomination_create(*, document: CollateralDocument, user: User, reason: str = "") -> TemplateNomination:
    """Put the owner's approved document forward as a candidate template.

    Raises PermissionDenied for anyone but the owner, NominationError when the document is not
    approved, is already nominated, or the reason is too long (nothing is written then)."""
    document = CollateralDocument.objects.select_for_update(of=("self",)).get(pk=document.pk)
    problem = nomination_problem(document=document, user=user)
    if problem:
        raise NominationError(problem)
    reason = _clean_reason(reason)
    try:
        with transaction.atomic():
            return TemplateNomination.objects.create(document=document, nominated_by=user, reason=reason)
    except IntegrityError:
        raise NominationError("This document has already been nominated.") from None


@transaction.atomic
def nomination_withdraw(*, nomination: TemplateNomination, user: User) -> None:
    """The author takes a pending nomination back (it is deleted; they may nominate again)."""
    nomination = _locked(nomination)
    if nomination.nominated_by_id != user.pk:
        raise PermissionDenied
    if nomination.status != NominationStatus.PENDING:
        raise NominationError("The brand team has already decided on this nomination.")
    nomination.delete()


def _locked(nomination: TemplateNomination) -> TemplateNomination:
    found = (
        TemplateNomination.objects.select_for_update(of=("self",))
        .select_related("document", "nominated_by")
        .filter(pk=nomination.pk)
        .first()
    )
    if found is None:
        raise NominationError("This nomination was withdrawn by its author a moment ago.")
    return found


def _pending_for_decision(nomination: TemplateNomination, user: User) -> TemplateNomination:
    if not can_decide_nominations(user):
        raise PermissionDenied
    nomination = _locked(nomination)
    if nomination.status != NominationStatus.PENDING:
        who = author_name(nomination.decided_by) if nomination.decided_by_id else "Someone"
        raise NominationError(
            f"{who} already decided this nomination ({nomination.get_status_display().lower()}). Nothing was changed."
        )
    return nomination


def draft_title(document: CollateralDocument, author: User) -> str:
    """“<document title> (from <author>)”, shortened to fit a template title."""
    suffix = f" (from {author_name(author)})"
    title = single_line(document.title)
    room = max(TITLE_MAX_CHARS - len(suffix), 20)
    if len(title) > room:
        title = title[: room - 1].rstrip() + "…"
    return (title + suffix)[:TITLE_MAX_CHARS]


def credit_line(nomination: TemplateNomination) -> str:
    """Nominated by X (Organisation) from their document “Y”."""
    author = nomination.nominated_by
    organisation = f" ({author.organisation.name})" if author.organisation_id else ""
    return f"Nominated by {author_name(author)}{organisation} from their document “{nomination.document.title}”."


def _is_shareable_image(image_id: Any) -> bool:
    """Library images may become a template's default; a user's upload stays private to them."""
    return BrandImage.objects.filter(pk=image_id, review_state=UploadReview.NOT_AN_UPLOAD).exists()


def _field_copy(source: TemplateField, value: Any, slot_type: SlotType) -> tuple[TemplateField, bool]:
    """A copy of `source` whose default is `value`; False when the value could not be carried."""
    attrs = {
        f.attname: getattr(source, f.attname)
        for f in TemplateField._meta.concrete_fields
        if f.name not in NOT_COPIED_FIELD_ATTRS
    }
    copy = TemplateField(**attrs)
    if value is None or not source.is_user_editable:
        return copy, True
    if slot_type == SlotType.IMAGE or source.lock_mode == LockMode.IMAGE:
        if not _is_shareable_image(value):
            return copy, False
        copy.default_image_id = int(value)
        return copy, True
    copy.default_text = str(value)
    return copy, True


def _approved_content(document: CollateralDocument) -> CollateralDocument:
    """The document as it was approved (its live revision): values and pinned template revision."""
    if document.live_revision_id is None:
        raise NominationError("This document has no approved version to make a template from.")
    return document.at_revision(document.live_revision)


def _build_draft(nomination: TemplateNomination, user: User) -> tuple[CollateralTemplate, list[str]]:
    document = nomination.document
    approved = _approved_content(document)
    # A fresh object (not the shared cache of template_at_revision): its fields are read, never changed.
    source = approved.template_revision.as_object()
    layout = source.layout_spec
    draft = CollateralTemplate(
        title=draft_title(document, nomination.nominated_by),
        live=False,
        audience_internal=source.audience_internal,
        **{name: getattr(source, name) for name in COPIED_TEMPLATE_FIELDS},
    )
    draft.description = "\n\n".join(part for part in (source.description.strip(), credit_line(nomination)) if part)
    kept: list[str] = []
    copies = []
    for tf in source.field_list():
        slot_type = layout.slot(tf.slot).type if layout.has_slot(tf.slot) else SlotType.TEXT
        copy, carried = _field_copy(tf, approved.values.get(tf.key), slot_type)
        if not carried:
            kept.append(tf.label)
        copies.append(copy)
    draft.fields = copies
    for name in COPIED_TEMPLATE_M2M:
        setattr(draft, name, list(getattr(source, name).all()))
    draft.tags.set([tag.name for tag in source.tags.all()])
    draft.save()
    revision = draft.save_revision(user=user)
    log(instance=draft, action="wagtail.create", user=user, revision=revision, content_changed=True)
    return draft, kept


@transaction.atomic
def nomination_convert(*, nomination: TemplateNomination, user: User) -> ConversionResult:
    """Make a DRAFT template from the nominated document: a copy of the template revision the
    document was approved on, each editable field's default set to the document's approved value
    (text, rich text, choice, library image; a private upload keeps the source's default and is
    reported). Never published. The author is credited in the draft's description and on the
    nomination, and notified.

    Raises PermissionDenied unless `user` may add templates, NominationError when the nomination
    was decided already or withdrawn."""
    nomination = _pending_for_decision(nomination, user)
    if nomination.document.deleted_at is not None:
        raise NominationError("The author has deleted this document, so it cannot become a template. Decline it.")
    draft, kept = _build_draft(nomination, user)
    nomination.status = NominationStatus.CONVERTED
    nomination.draft_template = draft
    nomination.decided_by = user
    nomination.decided_at = timezone.now()
    nomination.save(update_fields=["status", "draft_template", "decided_by", "decided_at"])
    log(
        instance=draft,
        action=CONVERTED_ACTION,
        user=user,
        data={"nomination": nomination.pk, "document": nomination.document_id, "author": nomination.nominated_by_id},
    )
    document = nomination.document
    notify(
        [nomination.nominated_by],
        kind=NotificationKind.NOMINATION,
        title=f"“{document.title}” is becoming a corporate template",
        body=(
            f"The brand team made a draft template from your document, credited to you: “{draft.title}”. "
            "It appears in the template library once they publish it."
        ),
        url=document_page(document.public_id),
        document=document,
    )
    return ConversionResult(nomination=nomination, template=draft, kept_defaults=kept)


@transaction.atomic
def nomination_decline(*, nomination: TemplateNomination, user: User, reason: str) -> TemplateNomination:
    """Decline with a reason the author is told. Raises PermissionDenied unless `user` may add
    templates, NominationError without a reason or when it was decided already."""
    reason = _clean_reason(reason)
    if not reason:
        raise NominationError("Say why it is declined: the author is told.")
    nomination = _pending_for_decision(nomination, user)
    nomination.status = NominationStatus.DECLINED
    nomination.decision_reason = reason
    nomination.decided_by = user
    nomination.decided_at = timezone.now()
    nomination.save(update_fields=["status", "decision_reason", "decided_by", "decided_at"])
    document = nomination.document
    notify(
        [nomination.nominated_by],
        kind=NotificationKind.NOMINATION,
        title=f"“{document.title}” will not become a template",
        body=reason,
        url=document_page(document.public_id),
        document=document,
    )
    return nomination
