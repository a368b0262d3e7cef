"""`{% document_share_links document user as share %}`: the owner's share links of a document, for
portal/partials/share_links_panel.html on the document page."""

from django import template

from ..share_link_presenters import DocumentShareLinks

register = template.Library()


@register.simple_tag
def document_share_links(document, user) -> DocumentShareLinks:
    return DocumentShareLinks(document, user)
