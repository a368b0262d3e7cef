"""The approval loop's writes. Views call these; they check permissions and states themselves,
so a crafted request gets the same refusal as a click in the UI.

Each function that changes a document's workflow also writes `CollateralDocument.approval_state`
(the cached summary lists filter on) and an audit entry, in the same transaction.
"""

from .assets import image_review, logo_review
from .common import ApprovalError, Decision, DecisionConflict
from .documents import (
    document_create,
    document_delete,
    document_duplicate,
    document_recorded,
    document_submit,
    document_update,
    document_upgrade,
    document_withdraw,
)
from .downloads import final_download_refusal
from .review import DecisionResult, promote_wording, review_decide

__all__ = [
    "ApprovalError",
    "Decision",
    "DecisionConflict",
    "DecisionResult",
    "document_create",
    "document_delete",
    "document_duplicate",
    "document_recorded",
    "document_submit",
    "document_update",
    "document_upgrade",
    "document_withdraw",
    "final_download_refusal",
    "image_review",
    "logo_review",
    "promote_wording",
    "review_decide",
]
