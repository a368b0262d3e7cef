"""Share links: an approved document opened by a prospect without signing in (ADR 15).

A link is for one named recipient and one deal (or none). Its token is random (256 bits) and only
its SHA-256 is stored, so the full URL exists once, in the answer to its creation. A link works
while it is neither expired nor revoked and its document may still leave the portal
(`final_output_refusal` is empty: template in use, approval holding). Every open is a delivery
event against the link's deal; the owner hears of the first open at once, and of later opens in
one daily summary, unless they switched that off.
"""

import datetime
import hashlib
import re
import secrets
import uuid
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Count, Max, QuerySet
from django.utils import timezone

from accounts.links import document_share_links_page, share_link_page
from accounts.models import User
from approvals.models import NotificationKind
from approvals.notifications import notify
from approvals.output import FinalOutput, final_output_refusal
from brand.text import single_line
from templates_lib.models import CollateralDocument
from templates_lib.selectors import documents_editable_by

from ..models import Channel, Deal, DeliveryEvent, ShareLink
from .choices import DealNotAvailable, pickable_deal, remember_deal_choice
from .events import record_delivery
from .writeback import writeback_queue

TOKEN_BYTES = 32
# secrets.token_urlsafe(32): 43 characters of the URL-safe base64 alphabet. Anything else is
# refused before it is hashed or looked up.
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{43}")
SHARE_CHANNELS = (Channel.SHARE_VIEW, Channel.SHARE_DOWNLOAD)


class ShareLinkError(Exception):
    """The link cannot be made or changed; `errors` maps form fields to messages for the user."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(message for messages in errors.values() for message in messages))


class ShareLinkStatus:
    ACTIVE = "active"
    EXPIRED = "expired"
    REVOKED = "revoked"


@dataclass(frozen=True)
class CreatedShareLink:
    """A new link and its token: the only moment the token exists outside the prospect's URL."""

    link: ShareLink
    token: str

    @property
    def path(self) -> str:
        return share_link_page(self.token)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def share_link_status(link: ShareLink, *, now: datetime.datetime | None = None) -> str:
    if link.revoked_at is not None:
        return ShareLinkStatus.REVOKED
    if link.expires_at <= (now or timezone.now()):
        return ShareLinkStatus.EXPIRED
    return ShareLinkStatus.ACTIVE


def max_expiry_days() -> int:
    return settings.LASTMILE_SHARE_LINK_MAX_DAYS


def default_expiry_days() -> int:
    return min(settings.LASTMILE_SHARE_LINK_DEFAULT_DAYS, max_expiry_days())


def _owned_document(document: CollateralDocument, user: User) -> CollateralDocument:
    """Only the owner shares, revokes and lists: anyone else is told nothing exists."""
    if not documents_editable_by(user).filter(pk=document.pk).exists():
        raise ShareLinkError({"__all__": ["This document does not exist."]})
    return document


def share_link_create(
    *,
    document: CollateralDocument,
    created_by: User,
    recipient_name: str,
    recipient_email: str = "",
    deal_public_id: "uuid.UUID | str | None" = None,
    expires_in_days: int | None = None,
    allow_download: bool = False,
) -> CreatedShareLink:
    """A link to the approved `document` for one recipient and deal. Raises ShareLinkError, naming
    each field at fault, when the user is not the owner, the document may not leave the portal,
    the deal is not theirs to pick, or the recipient or expiry is invalid. Nothing is written then."""
    _owned_document(document, created_by)
    errors: dict[str, list[str]] = {}
    refusal = final_output_refusal(document)
    if refusal:
        errors["__all__"] = [refusal]
    recipient_name = single_line(recipient_name or "").strip()
    if not recipient_name:
        errors["recipient_name"] = ["Name the person you are sharing it with."]
    elif len(recipient_name) > ShareLink._meta.get_field("recipient_name").max_length:
        errors["recipient_name"] = ["Keep the name under 200 characters."]
    recipient_email = (recipient_email or "").strip()
    if recipient_email:
        try:
            if len(recipient_email) > ShareLink._meta.get_field("recipient_email").max_length:
                raise ValidationError("too long")
            validate_email(recipient_email)
        except ValidationError:
            errors["recipient_email"] = ["Enter a valid email address, or leave it empty."]
    days = default_expiry_days() if expires_in_days is None else expires_in_days
    if not 1 <= days <= max_expiry_days():
        errors["expires_in_days"] = [f"Choose between 1 and {max_expiry_days()} days."]
    deal: Deal | None = None
    try:
        deal = pickable_deal(created_by, deal_public_id)
    except DealNotAvailable as exc:
        errors["deal"] = [str(exc)]
    if errors:
        raise ShareLinkError(errors)

    token = secrets.token_urlsafe(TOKEN_BYTES)
    with transaction.atomic():
        link = ShareLink.objects.create(
            token_hash=token_hash(token),
            document=document,
            deal=deal,
            created_by=created_by,
            recipient_name=recipient_name,
            recipient_email=recipient_email,
            allow_download=allow_download,
            expires_at=timezone.now() + datetime.timedelta(days=days),
        )
        remember_deal_choice(document, deal, user=created_by)
    return CreatedShareLink(link=link, token=token)


def share_link_revoke(*, link: ShareLink, by: User) -> ShareLink:
    """Stop the link at once (revoking twice keeps the first time). ShareLinkError if `by` does not own it."""
    _owned_document(link.document, by)
    ShareLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    link.refresh_from_db()
    return link


def share_link_set_notifications(*, link: ShareLink, by: User, notify_opens: bool) -> ShareLink:
    """Switch the owner's open notifications (first open and daily summary) on or off."""
    _owned_document(link.document, by)
    ShareLink.objects.filter(pk=link.pk).update(notify_opens=notify_opens)
    link.refresh_from_db()
    return link


def share_links_for_document(document: CollateralDocument, user: User) -> QuerySet[ShareLink]:
    """The document's links with their opens, for its owner only (nothing for anyone else)."""
    if not documents_editable_by(user).filter(pk=document.pk).exists():
        return ShareLink.objects.none()
    return (
        ShareLink.objects.filter(document=document)
        .select_related("deal")
        .annotate(open_count=Count("events"), last_opened_at=Max("events__occurred_at"))
        .order_by("-created_at", "-pk")
    )


def share_link_for_token(token: str) -> ShareLink | None:
    """The working link for `token`, or None for every kind of failure alike: malformed, unknown,
    expired, revoked, document deleted, template retired, approval no longer holding."""
    if not isinstance(token, str) or not TOKEN_PATTERN.fullmatch(token):
        return None
    link = (
        ShareLink.objects.select_related("document__owner__organisation", "document__template", "deal", "created_by")
        .filter(token_hash=token_hash(token), revoked_at__isnull=True, expires_at__gt=timezone.now())
        .order_by()
        .first()
    )
    if link is None or link.document.deleted_at is not None or final_output_refusal(link.document):
        return None
    return link


def share_link_opened(
    *, link: ShareLink, output: FinalOutput, channel: str, delivered: bytes, pages_seen: list[int]
) -> DeliveryEvent:
    """Record one open of `link` as a delivery event against its deal, before anything is sent
    (DeliveryNotRecorded propagates: the open then fails). The first open notifies the owner, once
    even when opens race: only the request that sets `first_opened_at` sends it."""
    with transaction.atomic():
        event = record_delivery(
            output=output,
            channel=channel,
            delivered=delivered,
            user=None,
            deal=link.deal,
            share_link=link,
            detail={"pages_seen": pages_seen},
        )
        is_first = link.first_opened_at is None and ShareLink.objects.filter(
            pk=link.pk, first_opened_at__isnull=True
        ).update(first_opened_at=event.occurred_at)
        if is_first:
            writeback_queue(event)
        if is_first and link.notify_opens:
            _notify_first_open(link, event)
    return event


def _document_url(link: ShareLink) -> str:
    return document_share_links_page(link.document.public_id)


def _notify_first_open(link: ShareLink, event: DeliveryEvent) -> None:
    document = link.document
    verb = "downloaded" if event.channel == Channel.SHARE_DOWNLOAD else "opened"
    deal = f" ({link.deal.name})" if link.deal_id else ""
    notify(
        [link.created_by],
        kind=NotificationKind.SHARE_OPENED,
        title=f"{link.recipient_name} {verb} “{document.title}”",
        body=f"{link.recipient_name}{deal} {verb} your share link for the first time on "
        f"{timezone.localtime(event.occurred_at):%d %b %Y at %H:%M}. "
        "Later opens come in one daily summary.",
        url=_document_url(link),
        document=document,
    )


def share_summaries_send(*, now: datetime.datetime | None = None) -> int:
    """One notification per owner listing their links' opens since the last summary (opens after
    the first, which was notified at once). Links with notifications off are skipped but still
    move on, so switching back on does not bring old opens. Returns how many owners were told.
    Each owner's links are locked while summarised, so overlapping runs tell them once."""
    now = now or timezone.now()
    owners = (
        ShareLink.objects.filter(first_opened_at__isnull=False, first_opened_at__lt=now)
        .values_list("created_by_id", flat=True)
        .distinct()
    )
    told = 0
    for owner_id in list(owners):
        with transaction.atomic():
            links = list(
                ShareLink.objects.select_for_update(of=("self",))
                .filter(created_by_id=owner_id, first_opened_at__isnull=False)
                .select_related("document", "deal", "created_by")
                .order_by("pk")
            )
            lines_by_document: dict[CollateralDocument, list[str]] = defaultdict(list)
            for link in links:
                since = link.opens_summarised_until or link.first_opened_at
                opens = DeliveryEvent.objects.filter(
                    share_link=link, channel__in=SHARE_CHANNELS, occurred_at__gt=since, occurred_at__lte=now
                ).count()
                if opens and link.notify_opens:
                    deal = f" ({link.deal.name})" if link.deal_id else ""
                    lines_by_document[link.document].append(
                        f"{link.recipient_name}{deal}: {opens} open{'' if opens == 1 else 's'}"
                    )
                if opens or link.opens_summarised_until is None:
                    ShareLink.objects.filter(pk=link.pk).update(opens_summarised_until=now)
            if not lines_by_document:
                continue
            body = "\n".join(
                f"“{document.title}”\n" + "\n".join(f"  {line}" for line in lines)
                for document, lines in lines_by_document.items()
            )
            total = sum(len(lines) for lines in lines_by_document.values())
            first = next(iter(lines_by_document))
            notify(
                [links[0].created_by],
                kind=NotificationKind.SHARE_SUMMARY,
                title=f"Your share links were opened again ({total} link{'' if total == 1 else 's'})",
                body=body,
                url=document_share_links_page(first.public_id),
                document=first if len(lines_by_document) == 1 else None,
            )
            told += 1
    return told
