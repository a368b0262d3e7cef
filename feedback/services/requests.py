"""Template requests: a rep or partner asks for a template or a change, others say "me too" (with
their deal) so the demand is counted, and marketing triages them in admin. Everyone involved is
told of each decision, once, after the change is committed; never the person who made it."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from approvals.models import NotificationKind
from approvals.notifications import notify
from brand.services import user_image_upload
from deals.models import Deal
from deals.selectors import deals_visible_to
from templates_lib.models import CollateralTemplate
from templates_lib.selectors import templates_for_user

from ..models import REQUEST_TEXT_MAX_CHARS, RequestKind, RequestStatus, RequestSupport, TemplateRequest, Urgency
from ..selectors.requests import is_active_request, may_triage_requests, requests_visible_to

TITLE_MAX_CHARS = 160
SEGMENT_MAX_CHARS = 120
NOTE_MAX_CHARS = 500


class RequestError(Exception):
    """Nothing was written; `errors` maps each field (or "__all__") to messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(m for messages in errors.values() for m in messages))


class RequestAccessError(Exception):
    """The request (or the deal or template named) is not the user's to see: a 404 in views."""


def request_page(request: TemplateRequest) -> str:
    return reverse("portal:request-detail", args=[request.public_id])


def _check_deal(deal: Deal | None, user: User) -> None:
    if deal is not None and not deals_visible_to(user).filter(pk=deal.pk).exists():
        raise RequestAccessError


def _bounded(value: str, limit: int, field: str, label: str, errors: dict) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        errors.setdefault(field, []).append(f"Keep {label} to {limit:,} characters (it has {len(value):,}).")
    return value


@transaction.atomic
def template_request_create(
    *,
    by: User,
    kind: str,
    title: str,
    purpose: str,
    urgency: str,
    template: CollateralTemplate | None = None,
    segment: str = "",
    deal: Deal | None = None,
    example_image: File | None = None,
) -> TemplateRequest:
    """A new open request, in the requester's organisation, with the requester's own support row
    (and their deal). The example image goes through the one safe upload path (cleaned,
    re-encoded, private). RequestAccessError if the template or deal is not theirs to see;
    RequestError for anything missing or out of bounds (nothing stored then)."""
    errors: dict[str, list[str]] = {}
    title = _bounded(title, TITLE_MAX_CHARS, "title", "the title", errors)
    purpose = _bounded(purpose, REQUEST_TEXT_MAX_CHARS, "purpose", "what it is for", errors)
    segment = _bounded(segment, SEGMENT_MAX_CHARS, "segment", "the segment", errors)
    if not title:
        errors.setdefault("title", []).append("Say in a few words what you need.")
    if not purpose:
        errors.setdefault("purpose", []).append("Say what it is for and who it is for.")
    if kind not in RequestKind.values:
        errors.setdefault("kind", []).append("Choose a new template or a change to one.")
    if urgency not in Urgency.values:
        errors.setdefault("urgency", []).append("Choose how urgent it is.")
    if template is not None and not templates_for_user(by).filter(pk=template.pk).exists():
        raise RequestAccessError
    if kind == RequestKind.CHANGE and template is None:
        errors.setdefault("template", []).append("Choose the template to change.")
    if kind == RequestKind.NEW_TEMPLATE:
        template = None
    _check_deal(deal, by)
    if errors:
        raise RequestError(errors)
    image = None
    if example_image is not None:
        try:
            image = user_image_upload(user=by, file=example_image, title=f"Example for “{title}”"[:255])
        except ValidationError as exc:
            raise RequestError({"example_image": list(exc.messages)}) from exc
    request = TemplateRequest.objects.create(
        kind=kind,
        title=title,
        purpose=purpose,
        template=template,
        segment=segment,
        urgency=urgency,
        example_image=image,
        requested_by=by,
        organisation_id=by.organisation_id,
        region_id=by.effective_region_id,
    )
    RequestSupport.objects.create(request=request, user=by, organisation_id=by.organisation_id, deal=deal)
    return request


@transaction.atomic
def request_support_add(
    *, request: TemplateRequest, by: User, deal: Deal | None = None, note: str = ""
) -> RequestSupport:
    """Say "me too" to a request the user can see, with their deal (optional). RequestAccessError
    for a request or deal they may not see; RequestError when they already support it or the
    request is closed."""
    if not requests_visible_to(by).filter(pk=request.pk).exists():
        raise RequestAccessError
    _check_deal(deal, by)
    errors: dict[str, list[str]] = {}
    note = _bounded(note, NOTE_MAX_CHARS, "note", "the note", errors)
    if errors:
        raise RequestError(errors)
    request = TemplateRequest.objects.select_for_update().get(pk=request.pk)
    if not is_active_request(request):
        raise RequestError(
            {"__all__": [f"This request is {request.get_status_display().lower()}: it takes no more “me too”s."]}
        )
    if request.supports.filter(user=by).exists():
        raise RequestError({"__all__": ["You already said you need this."]})
    try:
        with transaction.atomic():
            return RequestSupport.objects.create(
                request=request, user=by, organisation_id=by.organisation_id, deal=deal, note=note
            )
    except IntegrityError:
        raise RequestError({"__all__": ["You already said you need this."]}) from None


@transaction.atomic
def request_support_withdraw(*, request: TemplateRequest, by: User) -> None:
    """Take back the user's "me too". The requester's own row stays: they asked for it.
    RequestAccessError for a request they may not see; RequestError if there is nothing to take back."""
    if not requests_visible_to(by).filter(pk=request.pk).exists():
        raise RequestAccessError
    if request.requested_by_id == by.pk:
        raise RequestError({"__all__": ["You made this request; your own support stays with it."]})
    deleted, _ = RequestSupport.objects.filter(request=request, user=by).delete()
    if not deleted:
        raise RequestError({"__all__": ["You had not said “me too” to this request."]})


def decision_errors(*, status: str, reason: str, answered_by: CollateralTemplate | None) -> dict[str, list[str]]:
    """What a triage decision is missing: a declined request needs a reason, a done one the
    template that answers it. One rule, for the admin form and the service alike."""
    errors: dict[str, list[str]] = {}
    if status not in RequestStatus.values:
        errors["status"] = ["Choose a status."]
    if status == RequestStatus.DECLINED and not (reason or "").strip():
        errors["decision_reason"] = ["Say why the request is declined: the requester and the “me too”s read it."]
    if status == RequestStatus.DONE and answered_by is None:
        errors["answered_by"] = ["Choose the template that answers the request."]
    if len((reason or "").strip()) > REQUEST_TEXT_MAX_CHARS:
        errors["decision_reason"] = [f"Keep the reason to {REQUEST_TEXT_MAX_CHARS:,} characters."]
    return errors


def _people_to_tell(request: TemplateRequest, by: User) -> list[User]:
    people: dict[int, User] = {request.requested_by_id: request.requested_by}
    for support in request.supports.select_related("user"):
        people.setdefault(support.user_id, support.user)
    return [user for pk, user in people.items() if pk != by.pk]


def _notify_decision(request: TemplateRequest, recipients: Iterable[User]) -> None:
    status = RequestStatus(request.status)
    title = {
        RequestStatus.OPEN: f"Your request “{request.title}” is open again",
        RequestStatus.ACCEPTED: f"Marketing accepted the request “{request.title}”",
        RequestStatus.DECLINED: f"Marketing declined the request “{request.title}”",
        RequestStatus.DONE: f"The request “{request.title}” is done",
    }[status]
    body = request.decision_reason
    if status == RequestStatus.DONE and request.answered_by is not None:
        body = "\n".join(filter(None, [f"Use the template “{request.answered_by.title}”.", body]))
    notify(list(recipients), kind=NotificationKind.REQUEST, title=title, body=body, url=request_page(request))


@transaction.atomic
def request_decide(
    *,
    request: TemplateRequest,
    by: User,
    status: str,
    reason: str = "",
    answered_by: CollateralTemplate | None = None,
) -> TemplateRequest:
    """Marketing's triage: open, accepted, declined (a reason is required) or done (the template
    that answers it is required). The requester and everyone who said "me too" are notified once
    each, after commit, except whoever made the change; saving without a change tells no one.
    PermissionError without the change permission (internal users only); RequestError otherwise."""
    if not may_triage_requests(by):
        raise PermissionError("Only marketing triages template requests.")
    errors = decision_errors(status=status, reason=reason, answered_by=answered_by)
    if errors:
        raise RequestError(errors)
    current = TemplateRequest.objects.select_for_update().select_related("requested_by").get(pk=request.pk)
    reason = (reason or "").strip()
    answered_by = answered_by if status == RequestStatus.DONE else None
    changed = (current.status, current.decision_reason, current.answered_by_id) != (
        status,
        reason,
        answered_by.pk if answered_by else None,
    )
    if not changed:
        return current
    current.status = status
    current.decision_reason = reason
    current.answered_by = answered_by
    current.decided_by = by
    current.decided_at = timezone.now()
    current.save(update_fields=["status", "decision_reason", "answered_by", "decided_by", "decided_at", "updated_at"])
    recipients = _people_to_tell(current, by)
    transaction.on_commit(lambda: _notify_decision(current, recipients))
    return current
