"""Addresses of portal pages that the layers below the portal put in emails and notifications.

The portal's URL configuration (portal/urls.py) names these pages; this module is the one place
below the portal that knows those names, so renaming a portal URL changes one file here. Links
in emails are absolute and built from the configured base URL, never from a request's Host."""

from uuid import UUID

from django.conf import settings
from django.urls import reverse


def absolute_url(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def document_page(public_id: UUID) -> str:
    """The document's page in the portal: its editor for the owner, read-only for others."""
    return reverse("portal:document-edit", args=[public_id])


def team_page() -> str:
    """A partner organisation's team page (members, invitations, logo)."""
    return reverse("portal:team")


def invitation_page(token: str) -> str:
    return reverse("portal:invitation-accept", args=[token])


def share_link_page(token: str) -> str:
    """The page a prospect opens from a share link (no sign-in)."""
    return reverse("portal:share-link", args=[token])


def document_share_links_page(public_id: UUID) -> str:
    """The owner's list of a document's share links, with their opens."""
    return reverse("portal:document-share-links", args=[public_id])
