"""Whether a final PDF may leave the portal."""

from templates_lib.models import ApprovalState, CollateralDocument

# --- Downloads ------------------------------------------------------------------------------


def final_download_refusal(document: CollateralDocument) -> str:
    """Why the final PDF of `document` may not leave the portal ("" when it may)."""
    template = document.template
    reason = template.withdrawal_reason
    if reason:
        from templates_lib.services.lifecycle import usable_replacement

        replacement = usable_replacement(template)
        hint = f" Use “{replacement.title}” instead." if replacement else ""
        return f"“{template.title}” is {reason}, so its documents can no longer be downloaded.{hint}"
    if document.approval_state != ApprovalState.APPROVED or document.latest_revision_id != document.live_revision_id:
        return {
            ApprovalState.IN_REVIEW: "This document is waiting for brand review. You can download a draft preview.",
            ApprovalState.CHANGES_REQUESTED: "The brand team asked for changes. Edit and resubmit it first.",
            ApprovalState.REJECTED: "The brand team rejected this document. Edit it and submit it again.",
        }.get(document.approval_state, "This document needs approval before a final PDF. Submit it for review.")
    return ""
