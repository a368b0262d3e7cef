"""`{% download_choices document as choices %}`: a document's two final downloads, the default
first (portal.presenters.download_choices), for portal/partials/download_choices.html."""

from django import template

from ..presenters import DownloadChoice
from ..presenters import download_choices as choices_for

register = template.Library()


@register.simple_tag
def download_choices(document) -> list[DownloadChoice]:
    return choices_for(document)
