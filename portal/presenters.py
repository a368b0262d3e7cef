"""Display-ready wrappers for portal templates."""

from datetime import timedelta
from functools import cached_property

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.urls import reverse
from django.utils import timezone

from django_tasks import TaskResultStatus
from django_tasks.base import TaskError
from django_tasks.exceptions import TaskResultDoesNotExist, TaskResultMismatch

from approvals.history import review_rounds
from approvals.models import ReviewOutcome
from approvals.output import draft_output_refusal, final_output_refusal, has_approved_content
from approvals.rules import assess_document
from approvals.services import submit_refusal
from approvals.tasks import render_final_pdf
from templates_lib.field_locks import LockMode
from templates_lib.layouts import Kind
from templates_lib.models import ApprovalState
from templates_lib.rendering.errors import RenderError
from templates_lib.rendering.profile import Profile
from templates_lib.services.lifecycle import newer_template_revision

from .worker import WorkerStoppedError


class TemplateCard:
    def __init__(self, template):
        self.template = template

    @property
    def title(self) -> str:
        return self.template.title

    @property
    def description(self) -> str:
        return self.template.description

    @property
    def kind_label(self) -> str:
        return Kind(self.template.kind).label if self.template.kind else ""

    @property
    def tags(self) -> list[str]:
        return sorted(tag.name for tag in self.template.tags.all())

    @property
    def last_used_at(self):
        """When the viewer last changed a document made from it (recently_used_templates), else None."""
        return getattr(self.template, "last_used_at", None)

    @property
    def url(self) -> str:
        return reverse("portal:template-detail", args=[self.template.public_id])

    @property
    def personalise_url(self) -> str:
        return reverse("portal:template-personalise", args=[self.template.public_id])

    def thumb_url(self, page: int = 0, large: bool = False) -> str:
        url = reverse("portal:template-thumbnail", args=[self.template.public_id, self.template.live_revision_id, page])
        return url + ("?size=large" if large else "")

    @property
    def thumb(self) -> str:
        return self.thumb_url()


def customisable_summary(template) -> dict[str, list[str]]:
    """What a rep may change in this template, grouped for the detail page."""
    groups = {"write": [], "choose": [], "filled": [], "locked": []}
    for tf in template.field_list():
        if tf.lock_mode == LockMode.FREE:
            limit = f" (up to {tf.max_chars} characters)" if tf.max_chars else ""
            groups["write"].append(f"{tf.label}{limit}")
        elif tf.lock_mode in (LockMode.CHOICE, LockMode.IMAGE):
            groups["choose"].append(tf.label)
        elif tf.lock_mode == LockMode.TOKEN:
            groups["filled"].append(tf.label)
        else:
            groups["locked"].append(tf.label)
    return groups


class DocumentRow:
    def __init__(self, document, viewer=None):
        self.document = document
        self.viewer = viewer

    @property
    def is_mine(self) -> bool:
        return self.viewer is None or self.document.owner_id == self.viewer.pk

    @property
    def owner_name(self) -> str:
        return str(self.document.owner)

    @property
    def title(self) -> str:
        return self.document.title

    @property
    def template_title(self) -> str:
        return self.document.template.title

    @property
    def updated_at(self):
        return self.document.updated_at

    @property
    def has_newer_template(self) -> bool:
        return newer_template_revision(self.document) is not None

    @property
    def edit_url(self) -> str:
        return reverse("portal:document-edit", args=[self.document.public_id])

    @property
    def approval_state(self) -> str:
        return self.document.approval_state

    @property
    def approval_state_label(self) -> str:
        return approval_state_label(self.document.approval_state)

    @cached_property
    def can_download_final(self) -> bool:
        return not final_output_refusal(self.document)

    @property
    def final_is_previous_version(self) -> bool:
        """The final PDF is the last approved version: a newer edit waits for approval."""
        return self.can_download_final and self.document.latest_revision_id != self.document.live_revision_id

    @property
    def can_download_draft_only(self) -> bool:
        """Never approved, but the template is still in use: a watermarked draft is what there is."""
        return not self.can_download_final and not draft_output_refusal(self.document)

    @property
    def download_url(self) -> str:
        """The final PDF when there may be one; otherwise the page that says why not."""
        return reverse("portal:document-download", args=[self.document.public_id])

    @property
    def draft_url(self) -> str:
        return reverse("portal:document-draft-pdf", args=[self.document.public_id])

    @property
    def public_id(self):
        return self.document.public_id


# --- The approval loop, as the requester sees it ----------------------------------------------

APPROVAL_NEXT_STEPS = {
    ApprovalState.NEEDS_APPROVAL: (
        "Part of this document needs the brand team's approval. Submit it for review; "
        "until it is approved you can download a draft preview."
    ),
    ApprovalState.IN_REVIEW: (
        "The brand team is reviewing it, so it cannot be changed for now. "
        "You will be notified when they decide; withdraw it if you need to edit."
    ),
    ApprovalState.CHANGES_REQUESTED: (
        "The brand team asked for changes. Edit the fields marked below, save, then submit it again."
    ),
    ApprovalState.REJECTED: (
        "The brand team rejected this version. Read their reason, change it, save, and submit it again."
    ),
    ApprovalState.APPROVED: "The final PDF is ready to download.",
}


def approval_state_label(state: str) -> str:
    return ApprovalState(state).label if state in ApprovalState.values else ""


class DocumentApproval:
    """Where one document stands in the approval loop, and what its owner can do next."""

    def __init__(self, document):
        self.document = document
        self.state = document.approval_state

    @property
    def state_label(self) -> str:
        return approval_state_label(self.state)

    @cached_property
    def refusal(self) -> str:
        """Why there is no final PDF ("" when there is one)."""
        return final_output_refusal(self.document)

    @property
    def withdrawal_reason(self) -> str:
        return self.document.template.withdrawal_reason

    @property
    def next_step(self) -> str:
        if self.withdrawal_reason:
            return self.refusal
        if self.state == ApprovalState.NEEDS_APPROVAL and not self.needs_review:
            step = "Everything in it is now within the brand rules: submit it and it is approved at once."
        else:
            step = APPROVAL_NEXT_STEPS.get(self.state, "")
        if self.final_is_previous_version:
            step += " Meanwhile the last approved version is still available to download."
        return step

    @property
    def is_frozen(self) -> bool:
        return self.state == ApprovalState.IN_REVIEW

    @cached_property
    def can_submit(self) -> bool:
        return not submit_refusal(self.document)

    @property
    def is_resubmission(self) -> bool:
        return self.state in (ApprovalState.CHANGES_REQUESTED, ApprovalState.REJECTED)

    @property
    def can_withdraw(self) -> bool:
        return self.state == ApprovalState.IN_REVIEW

    @property
    def can_download_final(self) -> bool:
        return not self.refusal

    @property
    def final_is_previous_version(self) -> bool:
        """The final PDF is the last approved version: a newer edit waits for approval."""
        return (
            has_approved_content(self.document)
            and not self.withdrawal_reason
            and self.document.latest_revision_id != self.document.live_revision_id
        )

    @property
    def approved_at(self):
        """When the approved content (the final PDF's) was approved."""
        return self.document.last_published_at

    @cached_property
    def can_download_draft(self) -> bool:
        return not draft_output_refusal(self.document)

    @property
    def offers_draft(self) -> bool:
        """A draft preview is worth offering when the latest content is not the final PDF's."""
        return self.can_download_draft and (not self.can_download_final or self.final_is_previous_version)

    @cached_property
    def needs_review(self) -> list:
        """The fields a person must look at, with why (the brand rule's label)."""
        if self.state == ApprovalState.APPROVED:
            return []
        return assess_document(self.document).needs_review

    @cached_property
    def rounds(self) -> list:
        return review_rounds(self.document, include_automatic=True)

    @property
    def history(self) -> list:
        """The rounds a person reviewed (and the ones withdrawn), newest first."""
        return [r for r in reversed(self.rounds) if not r.automatic]

    @property
    def pending_round(self):
        return next((r for r in reversed(self.rounds) if r.is_pending), None)

    @property
    def decision(self):
        """The reviewer's latest "changes requested" or "rejected", while the owner still has to act on it."""
        if self.state not in (ApprovalState.CHANGES_REQUESTED, ApprovalState.REJECTED, ApprovalState.NEEDS_APPROVAL):
            return None
        human = self.history
        if human and human[0].sent_back:
            return human[0]
        return None

    @property
    def approval(self):
        """The round that approved the current content (automatic or by a reviewer)."""
        if self.state != ApprovalState.APPROVED:
            return None
        return next((r for r in reversed(self.rounds) if r.outcome == ReviewOutcome.APPROVED), None)

    def field_rows(self, fields) -> list["EditorFieldRow"]:
        comments = self.decision.comments_by_field() if self.decision else {}
        reasons = {verdict.key: verdict.rule_label for verdict in self.needs_review}
        return [
            EditorFieldRow(f, comments=comments.get(f.key, []), review_reason=reasons.get(f.key, "")) for f in fields
        ]


class EditorFieldRow:
    """An editor field with what the brand team said about it."""

    def __init__(self, field, *, comments: list[str] | None = None, review_reason: str = ""):
        self.field = field
        self.comments = comments or []
        self.review_reason = review_reason

    @property
    def is_flagged(self) -> bool:
        return bool(self.comments or self.review_reason)


def editor_field_rows(fields, approval: DocumentApproval | None = None) -> list[EditorFieldRow]:
    if approval is None:
        return [EditorFieldRow(f) for f in fields]
    return approval.field_rows(fields)


def after_save_message(document, *, created: bool, changed: bool) -> tuple[str, str]:
    """What to tell the owner after a save: (level, text) for django.contrib.messages."""
    saved = f"Saved “{document.title}”." if created else "Your changes are saved."
    state = document.approval_state
    if state == ApprovalState.APPROVED:
        if changed:
            return "success", f"{saved} Approved automatically: everything is within the brand rules."
        return "success", f"{saved} It is approved: the final PDF is ready to download."
    if state == ApprovalState.CHANGES_REQUESTED:
        return "info", f"{saved} When you have made the changes the brand team asked for, submit it again."
    if state == ApprovalState.REJECTED:
        return "info", f"{saved} Change what the brand team turned down, then submit it again."
    return "info", f"{saved} It needs approval by the brand team: submit it for review when you are ready."


# The two downloads, named for what they are for: the PDF for email and screen (tagged, compact, no
# marks) is the default; the PDF for print (bleed, crop marks, PDF/X) is asked for with ?profile=print.
DOWNLOAD_NAMES = {Profile.DIGITAL: "PDF for email and screen", Profile.PRINT: "PDF for print"}
DOWNLOAD_HELP = {
    Profile.DIGITAL: "Attach it to an email or show it on screen: small, tagged for screen readers, no print marks.",
    Profile.PRINT: "For a print shop: bleed and crop marks, PDF/X.",
}


class DownloadChoice:
    """One of a document's final downloads, as its page offers it (portal/partials/download_choices.html)."""

    def __init__(self, document, profile: str):
        self.profile = profile
        self.name = DOWNLOAD_NAMES[profile]
        self.help = DOWNLOAD_HELP[profile]
        url = reverse("portal:document-download", args=[document.public_id])
        self.url = url if profile == Profile.DIGITAL else f"{url}?profile={profile}"


def download_choices(document) -> list[DownloadChoice]:
    """The default download first."""
    return [DownloadChoice(document, Profile.DIGITAL), DownloadChoice(document, Profile.PRINT)]


class RenderProgress:
    """Where a download's background render stands, for the status box of the "preparing" page
    (portal/partials/render_status.html): still working, failed with a message meant for the
    user, or waiting far too long (the worker is down or stuck), each with a way to try again.
    It never says "working" for ever: after LASTMILE_QUEUE_STUCK_SECONDS it says the render is
    stuck, and the page stops polling."""

    WORKING, FAILED, STALLED = "working", "failed", "stalled"

    BUSY = "The PDF could not be made because the server was too busy. Try again in a minute."
    STOPPED = "The PDF could not be made because the background worker stopped while making it. Try again."
    PROBLEM = (
        "The PDF could not be made because of a problem on the server. Try again; if it fails again, "
        "tell your administrator."
    )
    NOT_QUEUED = "This PDF is no longer being prepared. Try again."
    OUT_OF_DATE = "The PDF was made from an earlier version of this document. Try again to make it from this one."
    STUCK = (
        "Making this PDF is taking far longer than it should: the background worker may be stopped or "
        "overloaded. Try again in a few minutes; if it happens again, tell your administrator."
    )

    def __init__(self, state: str, message: str = "", *, retry_url: str = ""):
        self.state = state
        self.message = message
        self.retry_url = retry_url

    @classmethod
    def of(cls, result_id: str | None, *, document, profile: str) -> "RenderProgress":
        """The progress of the render task `result_id`, queued by `document_download`."""
        retry_url = reverse("portal:document-download", args=[document.public_id]) + f"?profile={profile}"
        if not result_id:
            return cls(cls.FAILED, cls.NOT_QUEUED, retry_url=retry_url)
        try:
            result = render_final_pdf.get_result(result_id)
        except (TaskResultDoesNotExist, TaskResultMismatch, NotImplementedError):
            # Pruned, or a task backend that keeps no results.
            return cls(cls.FAILED, cls.NOT_QUEUED, retry_url=retry_url)
        if result.status == TaskResultStatus.FAILED:
            return cls(
                cls.FAILED, render_failure_message(result.errors[-1] if result.errors else None), retry_url=retry_url
            )
        if result.status == TaskResultStatus.SUCCESSFUL:
            # The caller found no cached PDF for the document as it is now.
            return cls(cls.FAILED, cls.OUT_OF_DATE, retry_url=retry_url)
        waited = timezone.now() - result.enqueued_at if result.enqueued_at else timedelta(0)
        if waited > timedelta(seconds=settings.LASTMILE_QUEUE_STUCK_SECONDS):
            return cls(cls.STALLED, cls.STUCK, retry_url=retry_url)
        return cls(cls.WORKING)


def render_failure_message(error: TaskError | None) -> str:
    """What the user is told about a failed render: chosen by the kind of error, never the error's
    own text, except for a RenderError, whose text is written for users (render_failed.html)."""
    try:
        exception_class = error.exception_class if error else None
    except (ImportError, ValueError):
        exception_class = None
    if exception_class is None:
        return RenderProgress.PROBLEM
    if issubclass(exception_class, OperationalError | InterfaceError):
        return RenderProgress.BUSY
    if issubclass(exception_class, WorkerStoppedError):
        return RenderProgress.STOPPED
    if issubclass(exception_class, RenderError):
        detail = error.traceback.rpartition(f"{error.exception_class_path}: ")[2].strip()
        return f"The PDF could not be made: {detail} Open the document, check the fields marked in red, and try again."
    return RenderProgress.PROBLEM
