"""Writes to a document's row. Every value goes through the validation service.

The `document_row_*` functions change the row only: they keep no revision and apply no brand
rules. `approvals.services` wraps them (document_create, document_update, document_duplicate,
document_delete, document_upgrade) and records each change of content as a revision that goes
through the rules; everything above this app calls those. Even so, final output never comes from
the row: it is rendered from the approved revision (`approvals.output`)."""

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from guardian.shortcuts import assign_perm, remove_perm

from accounts.models import User
from brand.text import single_line

from ..models import ApprovalState, CollateralDocument, CollateralTemplate
from ..revisions import template_at_revision
from ..tokens import TokenContext
from .validation import CleanResult, document_values_clean

TITLE_MAX_CHARS = 200
VIEW_PERMISSION = "templates_lib.view_collateraldocument"


class DocumentValuesError(Exception):
    """Values (or a title) refused, with messages per field key."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{key}: {' '.join(messages)}" for key, messages in errors.items()))


class TemplateNotPublishedError(Exception):
    pass


class DocumentFrozenError(Exception):
    """A document waiting for brand review cannot change; the owner withdraws it first."""


class ShareError(Exception):
    pass


# What the approval loop changes behind a caller's back: read fresh before deciding anything.
WORKFLOW_FIELDS = ["approval_state", "live", "live_revision", "latest_revision", "has_unpublished_changes"]


def default_title(template: CollateralTemplate) -> str:
    return f"{template.title} – {timezone.localdate():%d %b %Y}"


def clean_title(title: str) -> str:
    """One line (brand.text.single_line: breaks become spaces, control characters go), at most 200
    characters."""
    return single_line(title)[:TITLE_MAX_CHARS]


def document_values_check(
    *, template: CollateralTemplate, values: dict[str, Any], owner: User, check_fit: bool = True
) -> CleanResult:
    """Validate values for `template` (a pinned revision), copy-fit included unless `check_fit` is
    off. Raises DocumentValuesError with per-field messages. Copy-fit lays the document out in a
    render process, which is refused inside a database transaction: callers check first, then open
    their transaction (where the row writes validate again, without copy-fit)."""
    result = document_values_clean(
        template=template, submitted=values, token_context=TokenContext(user=owner), check_fit=check_fit
    )
    if not result.is_valid:
        raise DocumentValuesError(result.errors)
    return result


def template_in_use_check(template: CollateralTemplate) -> None:
    """TemplateNotPublishedError unless new documents may be made from `template`."""
    if not template.is_in_use:
        raise TemplateNotPublishedError(f"{template.title} is {template.not_in_use_reason}.")


@transaction.atomic
def document_row_create(
    *, template: CollateralTemplate, owner: User, values: dict[str, Any], title: str = ""
) -> CollateralDocument:
    """Create a document from the template's live revision. Raises TemplateNotPublishedError unless
    the template is in use, and DocumentValuesError with per-field errors (nothing is written) when
    a value breaks the template's rules. Copy-fit is `document_values_check`'s, before this."""
    template_in_use_check(template)
    revision = template.live_revision
    result = document_values_check(template=template_at_revision(revision), values=values, owner=owner, check_fit=False)
    return CollateralDocument.objects.create(
        owner=owner,
        template=template,
        template_revision=revision,
        title=clean_title(title) or default_title(template),
        values=result.values,
    )


@transaction.atomic
def document_row_update(
    *, document: CollateralDocument, values: dict[str, Any], title: str | None = None
) -> CollateralDocument:
    """Replace the document's values, validated against its pinned revision (copy-fit is
    `document_values_check`'s, before this). Raises DocumentFrozenError while the document waits
    for brand review, DocumentValuesError for bad values."""
    # Locked, so a save and a submission of the same document happen one after the other.
    current = CollateralDocument.objects.select_for_update(of=("self",)).only(*WORKFLOW_FIELDS).get(pk=document.pk)
    for name in WORKFLOW_FIELDS:
        setattr(document, name, getattr(current, name))
    if document.approval_state == ApprovalState.IN_REVIEW:
        raise DocumentFrozenError("This document is waiting for brand review. Withdraw it to make changes.")
    result = document_values_check(
        template=document.pinned_template(), values=values, owner=document.owner, check_fit=False
    )
    document.values = result.values
    update_fields = ["values", "updated_at"]
    if title is not None:
        document.title = clean_title(title) or document.title
        update_fields.append("title")
    document.save(update_fields=update_fields)
    return document


@transaction.atomic
def document_rename(*, document: CollateralDocument, title: str) -> CollateralDocument:
    """A new name (the title belongs to the row, not to the approved content)."""
    title = clean_title(title)
    if not title:
        raise DocumentValuesError({"title": ["Give the document a name."]})
    document.title = title
    document.save(update_fields=["title", "updated_at"])
    return document


@transaction.atomic
def document_row_duplicate(*, document: CollateralDocument, owner: User) -> CollateralDocument:
    """A copy with the same pinned revision and values, owned by `owner`."""
    return CollateralDocument.objects.create(
        owner=owner,
        template=document.template,
        template_revision=document.template_revision,
        title=clean_title(f"{document.title} (copy)"),
        values=dict(document.values),
    )


@transaction.atomic
def document_row_delete(*, document: CollateralDocument) -> None:
    """Soft delete: the row stays, so download records made later keep their document."""
    document.deleted_at = timezone.now()
    document.save(update_fields=["deleted_at"])


@transaction.atomic
def document_share(*, document: CollateralDocument, by: User, email: str) -> User:
    """Share a document read-only with a colleague of the same organisation (a guardian grant).
    The error for an address outside the organisation is the same as for an unknown one, so
    sharing never reveals who exists elsewhere."""
    if document.owner_id != by.pk:
        raise ShareError("Only the owner can share this document.")
    colleague = (
        get_user_model()
        .objects.filter(email__iexact=email.strip(), is_active=True, organisation_id=by.organisation_id)
        .exclude(pk=by.pk)
        .first()
    )
    if colleague is None:
        raise ShareError("Nobody in your organisation has that email address.")
    assign_perm(VIEW_PERMISSION, colleague, document)
    return colleague


@transaction.atomic
def document_unshare(*, document: CollateralDocument, by: User, colleague: User) -> None:
    if document.owner_id != by.pk:
        raise ShareError("Only the owner can change who sees this document.")
    remove_perm(VIEW_PERMISSION, colleague, document)
