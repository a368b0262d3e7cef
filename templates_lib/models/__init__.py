from .document import ApprovalState, CollateralDocument, DocumentQuerySet
from .grants import DocumentUserGrant, TemplateGroupGrant
from .template import CollateralTemplate, Orientation, PageSize, TemplateField, TemplateTag

__all__ = [
    "ApprovalState",
    "CollateralTemplate",
    "CollateralDocument",
    "DocumentQuerySet",
    "DocumentUserGrant",
    "TemplateGroupGrant",
    "Orientation",
    "PageSize",
    "TemplateField",
    "TemplateTag",
]
