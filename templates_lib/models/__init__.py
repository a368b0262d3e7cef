from .customisation import Customisation, CustomisationQuerySet
from .template import CollateralTemplate, Orientation, PageSize, TemplateField, TemplateTag

__all__ = [
    "CollateralTemplate",
    "Customisation",
    "CustomisationQuerySet",
    "Orientation",
    "PageSize",
    "TemplateField",
    "TemplateTag",
]
