"""Writes for customisations (a user's documents). Every value goes through the validation service."""

from typing import Any

from django.db import transaction
from django.utils import timezone

from ..models import ApprovalState, CollateralTemplate, Customisation
from ..tokens import TokenContext
from .validation import CleanResult, customisation_values_clean


class CustomisationError(Exception):
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
def customisation_create(
    *, template: CollateralTemplate, owner, values: dict[str, Any], title: str = "", check_fit: bool = True
) -> Customisation:
    """Create a document from the template's live revision. Raises CustomisationError with
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
    document = Customisation.objects.create(
        owner=owner,
        template=template,
        template_revision=revision,
        title=title or default_title(template),
        values=result.values,
    )
    return document


@transaction.atomic
def customisation_update(
    *, customisation: Customisation, values: dict[str, Any], title: str | None = None, check_fit: bool = True
) -> Customisation:
    """Replace the document's values, validated against its pinned revision. Refused while the
    document waits for brand review. approvals.services.document_update wraps this and records
    the change as a revision that goes through the brand rules."""
    # Locked, so a save and a submission of the same document happen one after the other.
    current = Customisation.objects.select_for_update(of=("self",)).only(*WORKFLOW_FIELDS).get(pk=customisation.pk)
    for name in WORKFLOW_FIELDS:
        setattr(customisation, name, getattr(current, name))
    if customisation.approval_state == ApprovalState.IN_REVIEW:
        raise DocumentFrozenError("This document is waiting for brand review. Withdraw it to make changes.")
    result = _clean(customisation.pinned_template(), values, customisation.owner, check_fit)
    customisation.values = result.values
    update_fields = ["values", "updated_at"]
    if title is not None:
        customisation.title = " ".join(title.split())[:200] or customisation.title
        update_fields.append("title")
    customisation.save(update_fields=update_fields)
    return customisation


def _clean(template, values, owner, check_fit) -> CleanResult:
    result = customisation_values_clean(
        template=template, submitted=values, token_context=TokenContext(user=owner), check_fit=check_fit
    )
    if not result.is_valid:
        raise CustomisationError(result.errors)
    return result


@transaction.atomic
def customisation_rename(*, customisation: Customisation, title: str) -> Customisation:
    title = " ".join(title.split())[:200]
    if not title:
        raise CustomisationError({"title": ["Give the document a name."]})
    customisation.title = title
    customisation.save(update_fields=["title", "updated_at"])
    return customisation


@transaction.atomic
def customisation_duplicate(*, customisation: Customisation, owner) -> Customisation:
    """A copy with the same pinned revision and values, owned by `owner`."""
    copy = Customisation.objects.create(
        owner=owner,
        template=customisation.template,
        template_revision=customisation.template_revision,
        title=f"{customisation.title} (copy)"[:200],
        values=dict(customisation.values),
    )
    return copy


@transaction.atomic
def customisation_delete(*, customisation: Customisation) -> None:
    """Soft delete: the row stays, so download records made later keep their document."""
    customisation.deleted_at = timezone.now()
    customisation.save(update_fields=["deleted_at"])


def customisation_queue_render(*, customisation: Customisation, profile: str = "print") -> None:
    """Render the final PDF in the background once the surrounding transaction commits, so the
    download that usually follows a save is served from the cache."""
    from ..tasks import render_customisation_pdf

    customisation_id = customisation.pk
    transaction.on_commit(lambda: render_customisation_pdf.enqueue(customisation_id, profile))


class ShareError(Exception):
    pass


@transaction.atomic
def customisation_share(*, customisation: Customisation, by, email: str):
    """Share a document read-only with a colleague of the same organisation (a guardian grant).
    The error for an address outside the organisation is the same as for an unknown one, so
    sharing never reveals who exists elsewhere."""
    from django.contrib.auth import get_user_model

    from guardian.shortcuts import assign_perm

    if customisation.owner_id != by.pk:
        raise ShareError("Only the owner can share this document.")
    colleague = (
        get_user_model()
        .objects.filter(email__iexact=email.strip(), is_active=True, organisation_id=by.organisation_id)
        .exclude(pk=by.pk)
        .first()
    )
    if colleague is None:
        raise ShareError("Nobody in your organisation has that email address.")
    assign_perm("templates_lib.view_customisation", colleague, customisation)
    return colleague


@transaction.atomic
def customisation_unshare(*, customisation: Customisation, by, colleague) -> None:
    from guardian.shortcuts import remove_perm

    if customisation.owner_id != by.pk:
        raise ShareError("Only the owner can change who sees this document.")
    remove_perm("templates_lib.view_customisation", colleague, customisation)
