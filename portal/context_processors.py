from functools import cache

from django.conf import settings

from accounts.services import is_partner_manager
from approvals.models import Notification
from brand.services import brand_snapshot

from .colours import portal_colours


def portal(request):
    """The brand for the portal header, and whether to show the links to Wagtail admin and the team page."""
    if request.path.startswith("/admin/"):
        return {}
    brand = brand_snapshot()
    user = getattr(request, "user", None)
    return {
        "portal_brand": brand,
        "portal_colours": portal_colours(brand.colours),
        "portal_logo_url": f"{settings.MEDIA_URL}{brand.primary_logo.file_name}" if brand.primary_logo else "",
        "can_access_admin": bool(user and user.is_authenticated and user.has_perm("wagtailadmin.access_admin")),
        "is_partner_manager": bool(user and is_partner_manager(user)),
        "unread_notification_count": _unread_count(user),
    }


def _unread_count(user):
    """The nav badge: counted only if a template shows it, at most once per response (one
    query on the recipient/read_at index)."""

    @cache
    def count() -> int:
        if not (user and user.is_authenticated):
            return 0
        return Notification.objects.filter(recipient=user, read_at__isnull=True).count()

    return count
