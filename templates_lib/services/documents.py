"""Writes for documents (a user's documents). Every value goes through the validation service."""

from typing import Any

from django.db import transaction
from django.utils import timezone

from ..models import ApprovalState, CollateralDocument, CollateralTemplate
from ..tokens import TokenContext
from .validation import CleanResult, document_values_clean


class DocumentValuesError(Exception):
    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__("; ".join(f"{key}: {' '.join(messages)}" for key, messages in errors.items()))


class TemplateNotPublishedError(Exception):
    pass


# What the approval loop changes behind a caller's back: read fresh before deciding anything.
WORKFLOW_FIELDS = ["approval_state", "live", "live_revision", "latest_revision", "has_unpublished_changes"]


class DocumentFrozenError(Exception):
    """A document waiting for brand review cannot change; the owner withdraws it first."""


def default_title(template: CollateralTemplate) -> str:
    return f"{template.title} – {timezone.localdate():%d %b %Y}"


@transaction.atomic
def document_row_create(
    *, template: CollateralTemplate, owner, values: dict[str, Any], title: str = "", check_fit: bool = True
) -> CollateralDocument:
    """Create a document from the template's live revision. Raises DocumentValuesError with
    per-field errors (nothing is written) when a value breaks the template's rules.
    approvals.services.document_create wraps this and sends the content through the brand rules."""
    revision = template.live_revision
    if not template.live or revision is None:
        raise TemplateNotPublishedError(f"{template.title} is not published.")
    from ..revisions import template_at_revision

    if template.withdrawal_reason:
        raise TemplateNotPublishedError(f"{template.title} is {template.withdrawal_reason}.")
    pinned = template_at_revision(revision)
    result = _clean(pinned, values, owner, check_fit)
    document = CollateralDocument.objects.create(
        owner=owner,
        template=template,
        template_revision=revision,
        title=title or default_title(template),
        values=result.values,
    )
    return document


@transaction.atomic
def document_row_update(
    *, document: CollateralDocument, values: dict[str, Any], title: str | None = None, check_fit: bool = True
) -> CollateralDocument:
    """Replace the document's values, validated against its pinned revision. Refused while the
    document waits for brand review. approvals.services.document_update wraps this and records
    the change as a revision that goes through the brand rules."""
    # Locked, so a save and a submission of the same document happen one after the other.
    current = CollateralDocument.objects.select_for_update(of=("self",)).only(*WORKFLOW_FIELDS).get(pk=document.pk)
    for name in WORKFLOW_FIELDS:
        setattr(document, name, getattr(current, name))
    if document.approval_state == ApprovalState.IN_REVIEW:
        raise DocumentFrozenError("This document is waiting for brand review. Withdraw it to make changes.")
    result = _clean(document.pinned_template(), values, document.owner, check_fit)
    document.values = result.values
    update_fields = ["values", "updated_at"]
    if title is not None:
        document.title = " ".join(title.split())[:200] or document.title
        update_fields.append("title")
    document.save(update_fields=update_fields)
    return document


def _clean(template, values, owner, check_fit) -> CleanResult:
    result = document_values_clean(
        template=template, submitted=values, token_context=TokenContext(user=owner), check_fit=check_fit
    )
    if not result.is_valid:
        raise DocumentValuesError(result.errors)
    return result


@transaction.atomic
def document_rename(*, document: CollateralDocument, title: str) -> CollateralDocument:
    title = " ".join(title.split())[:200]
    if not title:
        raise DocumentValuesError({"title": ["Give the document a name."]})
    document.title = title
    document.save(update_fields=["title", "updated_at"])
    return document


@transaction.atomic
def document_row_duplicate(*, document: CollateralDocument, owner) -> CollateralDocument:
    """A copy with the same pinned revision and values, owned by `owner`."""
    copy = CollateralDocument.objects.create(
        owner=owner,
        template=document.template,
        template_revision=document.template_revision,
        title=f"{document.title} (copy)"[:200],
        values=dict(document.values),
    )
    return copy


@transaction.atomic
def document_row_delete(*, document: CollateralDocument) -> None:
    """Soft delete: the row stays, so download records made later keep their document."""
    document.deleted_at = timezone.now()
    document.save(update_fields=["deleted_at"])


def document_queue_render(*, document: CollateralDocument, profile: str = "print") -> None:
    """Render the final PDF in the background once the surrounding transaction commits, so the
    download that usually follows a save is served from the cache."""
    from ..tasks import render_document_pdf

    document_id = document.pk
    transaction.on_commit(lambda: render_document_pdf.enqueue(document_id, profile))


class ShareError(Exception):
    pass


@transaction.atomic
def document_share(*, document: CollateralDocument, by, email: str):
    """Share a document read-only with a colleague of the same organisation (a guardian grant).
    The error for an address outside the organisation is the same as for an unknown one, so
    sharing never reveals who exists elsewhere."""
    from django.contrib.auth import get_user_model

    from guardian.shortcuts import assign_perm

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
    assign_perm("templates_lib.view_collateraldocument", colleague, document)
    return colleague


@transaction.atomic
def document_unshare(*, document: CollateralDocument, by, colleague) -> None:
    from guardian.shortcuts import remove_perm

    if document.owner_id != by.pk:
        raise ShareError("Only the owner can change who sees this document.")
    remove_perm("templates_lib.view_collateraldocument", colleague, document)
