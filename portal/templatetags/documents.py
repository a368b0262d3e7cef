"""`{% others_documents as others %}`: what the portal calls the documents, beyond their own, that
the signed-in user may read (approvals.selectors.others_reach): `others.tab` for the document list's
tab and breadcrumbs, `others.intro` for the sentence under the page's heading."""

from dataclasses import dataclass

from django import template

from approvals.selectors import OthersReach, others_reach

register = template.Library()


@dataclass(frozen=True)
class OthersLabel:
    tab: str
    intro: str


LABELS = {
    OthersReach.EVERYONE: OthersLabel(
        tab="All documents (read-only)",
        intro="Every document made in the portal, to read and download. Only their owners can change them.",
    ),
    OthersReach.ORGANISATION: OthersLabel(
        tab="My organisation’s documents",
        intro="Documents made by the members of your organisation, to read and download.",
    ),
    OthersReach.SHARED: OthersLabel(
        tab="Shared with me",
        intro="Documents colleagues have shared with you, to read and download.",
    ),
}


@register.simple_tag(takes_context=True)
def others_documents(context) -> OthersLabel:
    return LABELS[others_reach(context["request"].user)]
