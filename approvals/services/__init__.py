"""The approval loop's writes. Views call these; they check permissions and states themselves,
so a crafted request gets the same refusal as a click in the UI.

Each function that changes a document's workflow also writes `CollateralDocument.approval_state`
(the cached summary lists filter on) and an audit entry, in the same transaction.
"""

from .assets import image_review, logo_review
from .common import ApprovalError, Decision, DecisionConflict
from .documents import (
    SaveResult,
    document_create,
    document_delete,
    document_duplicate,
    document_recorded,
    document_save,
    document_submit,
    document_update,
    document_upgrade,
    document_withdraw,
    submit_refusal,
)
from .review import DecisionResult, promote_wording, review_decide

__all__ = [
    "ApprovalError",
    "Decision",
    "DecisionConflict",
    "DecisionResult",
    "document_create",
    "document_delete",
    "document_duplicate",
    "SaveResult",
    "document_recorded",
    "document_save",
    "document_submit",
    "document_update",
    "document_upgrade",
    "document_withdraw",
    "image_review",
    "logo_review",
    "promote_wording",
    "submit_refusal",
    "review_decide",
]
