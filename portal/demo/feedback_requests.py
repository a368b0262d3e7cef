"""Demo ratings and template requests: ratings from users who downloaded the templates in the
report history, a few internal and partner requests (one with a "me too" and its deal, one
accepted, one declined with its reason), made through the services so the rules and the
notifications are the real ones. Loading the demo again changes nothing."""

from django.db import transaction

from deals.models import Channel, DeliveryEvent, Outcome
from deals.selectors import deals_visible_to
from feedback.models import Rating, RequestKind, RequestStatus, TemplateRequest, Urgency
from feedback.services.ratings import RatingAccessError, RatingError, rating_set
from feedback.services.requests import request_decide, request_support_add, template_request_create
from templates_lib.selectors import templates_for_user

COMMENTS = [
    "Clear layout; customers read the key figures first.",
    "Good, but the legal footer takes a lot of room on page 2.",
    "",
    "Works well for first meetings. A Nordic version would help.",
]
RATINGS_PER_USER = 4


def load_feedback_requests(users: dict) -> None:
    with transaction.atomic():
        _load_ratings(users)
        _load_requests(users)


def _load_ratings(users: dict) -> None:
    if Rating.objects.exists():
        return
    for index, username in enumerate(("rep", "partner", "partnermanager")):
        user = users.get(username)
        if user is None:
            continue
        template_ids = (
            DeliveryEvent.objects.filter(user=user, channel__in=(Channel.PORTAL_PDF, Channel.PORTAL_PNG))
            .values_list("template_id", flat=True)
            .distinct()
        )
        visible = templates_for_user(user).filter(pk__in=template_ids).order_by("title")[:RATINGS_PER_USER]
        for offset, template in enumerate(visible):
            try:
                rating_set(
                    template=template,
                    user=user,
                    stars=5 - (index + offset) % 3,
                    comment=COMMENTS[(index + offset) % len(COMMENTS)],
                )
            except (RatingError, RatingAccessError):
                continue


def _open_deal(user):
    return deals_visible_to(user).filter(owner=user, outcome=Outcome.OPEN).order_by("name", "pk").first()


def _load_requests(users: dict) -> None:
    rep, partner, manager, brand = (users.get(name) for name in ("rep", "partner", "partnermanager", "brand"))
    if TemplateRequest.objects.exists() or rep is None or brand is None:
        return
    template_request_create(
        by=rep,
        kind=RequestKind.NEW_TEMPLATE,
        title="Case study one-pager for port operators",
        purpose="Three port operators are comparing us with a local vendor; they ask for proof from a similar port.",
        segment="Ports and logistics",
        urgency=Urgency.THIS_WEEK,
        deal=_open_deal(rep),
    )
    accepted = template_request_create(
        by=rep,
        kind=RequestKind.NEW_TEMPLATE,
        title="Pricing sheet in NOK",
        purpose="Norwegian buyers want list prices in their own currency, with VAT shown separately.",
        segment="Norway",
        urgency=Urgency.THIS_MONTH,
    )
    request_decide(request=accepted, by=brand, status=RequestStatus.ACCEPTED, reason="Finance is checking the rates.")
    declined = template_request_create(
        by=rep,
        kind=RequestKind.NEW_TEMPLATE,
        title="Comic-style brochure",
        purpose="Something playful for a trade-show giveaway.",
        urgency=Urgency.WHEN_POSSIBLE,
    )
    request_decide(
        request=declined,
        by=brand,
        status=RequestStatus.DECLINED,
        reason="Outside the brand guidelines. Use the event flyer, which allows a custom headline.",
    )
    if partner is None:
        return
    partner_request = template_request_create(
        by=partner,
        kind=RequestKind.NEW_TEMPLATE,
        title="Co-branded datasheet for resellers",
        purpose="Our customers expect our logo beside yours on the datasheet, with our support contact.",
        segment="DACH resellers",
        urgency=Urgency.THIS_MONTH,
        deal=_open_deal(partner),
    )
    if manager is not None:
        request_support_add(
            request=partner_request, by=manager, deal=_open_deal(manager), note="Two tenders need it in May."
        )
