"""What leaves the portal, and from which content (DOMAIN rules 5 and 9).

Final output (a final PDF or PNG, on every channel: the portal's downloads, the background render,
and later share links and the API) is rendered from the document's **approved revision**, its live
revision, by `final_output`. The document's row holds the latest content, which may be an edit
still waiting for review, so it is never the source of a final PDF: while a newer edit is reviewed,
the owner can still download the last approved version, labelled as such.

Draft output is the latest content with the draft watermark on every page, for anyone who may see
the document, while its template is in use (`draft_render_job`).
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings

from templates_lib.models import ApprovalState, CollateralDocument
from templates_lib.rendering.cache import RenderJob, render_job_for_document
from templates_lib.rendering.profile import Profile
from templates_lib.services.lifecycle import usable_replacement

NOT_APPROVED_REASONS = {
    ApprovalState.IN_REVIEW: "This document is waiting for brand review. You can download a draft preview.",
    ApprovalState.CHANGES_REQUESTED: "The brand team asked for changes. Edit and resubmit it first.",
    ApprovalState.REJECTED: "The brand team rejected this document. Edit it and submit it again.",
}
NEEDS_APPROVAL_REASON = "This document needs approval before a final PDF. Submit it for review."


class OutputRefused(Exception):
    """This output may not leave the portal; `reason` says why, for the user."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


@dataclass(frozen=True)
class FinalOutput:
    """A final render of a document: its approved content and the job that renders it."""

    document: CollateralDocument
    content: CollateralDocument
    revision_id: int
    approved_at: datetime | None
    job: RenderJob

    @property
    def is_latest(self) -> bool:
        """False while a newer edit of the document waits for approval."""
        return self.document.latest_revision_id == self.revision_id


def withdrawal_refusal(document: CollateralDocument) -> str:
    """Why nothing of `document` may be downloaded because its template was retired or expired
    ("" while the template is in use), pointing to a replacement when there is one."""
    template = document.template
    reason = template.withdrawal_reason
    if not reason:
        return ""
    replacement = usable_replacement(template)
    hint = f" Use “{replacement.title}” instead." if replacement else ""
    return f"“{template.title}” is {reason}, so its documents can no longer be downloaded.{hint}"


def has_approved_content(document: CollateralDocument) -> bool:
    return bool(document.live and document.live_revision_id)


def final_output_refusal(document: CollateralDocument) -> str:
    """Why no final output of `document` may leave the portal ("" when it may)."""
    withdrawn = withdrawal_refusal(document)
    if withdrawn:
        return withdrawn
    if not has_approved_content(document):
        return NOT_APPROVED_REASONS.get(document.approval_state, NEEDS_APPROVAL_REASON)
    return ""


def approved_content(document: CollateralDocument) -> CollateralDocument:
    """The document as its approved (live) revision holds it. Fields that belong to the row (title,
    owner) come from the row; values and the pinned template revision come from the revision."""
    return document.at_revision(document.live_revision)


def final_output(document: CollateralDocument, *, profile: str, deal: Any = None) -> FinalOutput:
    """The one way to final output, for every channel. Raises OutputRefused with the reason.

    `deal` fills the deal tokens (the deals app passes the deal the output is for): token values
    never need approval, so one approved document can serve several deals."""
    reason = final_output_refusal(document)
    if reason:
        raise OutputRefused(reason)
    content = approved_content(document)
    return FinalOutput(
        document=document,
        content=content,
        revision_id=document.live_revision_id,
        approved_at=document.last_published_at,
        job=render_job_for_document(content, profile=profile, deal=deal),
    )


def draft_output_refusal(document: CollateralDocument) -> str:
    """Why no draft preview of `document` may be downloaded ("" when it may)."""
    return withdrawal_refusal(document)


def draft_render_job(document: CollateralDocument, *, profile: str = Profile.DIGITAL, deal: Any = None) -> RenderJob:
    """The latest content, watermarked as a draft on every page. Raises OutputRefused."""
    reason = draft_output_refusal(document)
    if reason:
        raise OutputRefused(reason)
    return render_job_for_document(document, profile=profile, watermark=settings.LASTMILE_DRAFT_WATERMARK, deal=deal)
