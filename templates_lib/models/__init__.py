from .customisation import ApprovalState, Customisation, CustomisationQuerySet
from .grants import CustomisationUserGrant, TemplateGroupGrant
from .template import CollateralTemplate, Orientation, PageSize, TemplateField, TemplateTag

__all__ = [
    "ApprovalState",
    "CollateralTemplate",
    "Customisation",
    "CustomisationQuerySet",
    "CustomisationUserGrant",
    "TemplateGroupGrant",
    "Orientation",
    "PageSize",
    "TemplateField",
    "TemplateTag",
]
