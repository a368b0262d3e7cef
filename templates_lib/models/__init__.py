from .customisation import Customisation, CustomisationQuerySet
from .grants import CustomisationUserGrant, TemplateGroupGrant
from .template import CollateralTemplate, Orientation, PageSize, TemplateField, TemplateTag

__all__ = [
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
