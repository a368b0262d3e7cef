from .customisation import Customisation, CustomisationQuerySet
from .template import CollateralTemplate, PageSize, Orientation, TemplateField, TemplateTag

__all__ = [
    "CollateralTemplate",
    "Customisation",
    "CustomisationQuerySet",
    "Orientation",
    "PageSize",
    "TemplateField",
    "TemplateTag",
]
