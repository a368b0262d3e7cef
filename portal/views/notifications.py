"""The signed-in user's notifications: decisions on their documents, submissions and reminders
for reviewers. Every lookup is scoped to the recipient, so another user's notification is a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from approvals.models import Notification

PAGE_SIZE = 20


def _inbox(user):
    return Notification.objects.filter(recipient=user)


@login_required
@require_GET
def notification_list(request):
    inbox = _inbox(request.user)
    page = Paginator(inbox.order_by("-created_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/pages/notifications.html",
        {
            "page": page,
            "notifications": page.object_list,
            "has_unread": inbox.filter(read_at__isnull=True).exists(),
            "nav": "notifications",
        },
    )


@login_required
@require_GET
def notification_open(request, pk):
    """Mark one notification read and go where it points (a page of this site only)."""
    notification = get_object_or_404(_inbox(request.user), pk=pk)
    if notification.read_at is None:
        _inbox(request.user).filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())
    target = notification.url
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("portal:notifications")


@login_required
@require_POST
def notification_read_all(request):
    count = _inbox(request.user).filter(read_at__isnull=True).update(read_at=timezone.now())
    if count:
        messages.success(request, "All notifications are marked as read.")
    return redirect("portal:notifications")
