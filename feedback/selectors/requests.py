"""Reads for template requests: who sees which, the demand behind each (the open deals of its
supporters, per currency), and the list in demand order.

Demand order: there is no company main currency, and amounts in different currencies are never
added, so requests are ordered by the number of distinct open, not-deleted deals behind them, then
by the number of people who need them, then newest first. Per-currency totals are shown beside."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet

from accounts.models import User
from deals.models import Outcome
from templates_lib.selectors import is_signed_in_member

from ..models import RequestStatus, RequestSupport, TemplateRequest

OPEN_DEAL = Q(supports__deal__deleted_at__isnull=True, supports__deal__outcome=Outcome.OPEN)
DEMAND_ORDER = ["-open_deal_count", "-support_count", "-created_at", "-pk"]
ACTIVE_STATUSES = (RequestStatus.OPEN, RequestStatus.ACCEPTED)


def with_demand(requests: QuerySet[TemplateRequest]) -> QuerySet[TemplateRequest]:
    """`open_deal_count` and `support_count` on each request, ordered by demand."""
    return requests.annotate(
        open_deal_count=Count("supports__deal", filter=OPEN_DEAL, distinct=True),
        support_count=Count("supports", distinct=True),
    ).order_by(*DEMAND_ORDER)


def requests_visible_to(user: User) -> QuerySet[TemplateRequest]:
    """Requests `user` sees in the portal: a partner their own organisation's, an internal user the
    internal ones (no organisation). Marketing sees every request in admin, not here."""
    if not is_signed_in_member(user):
        return TemplateRequest.objects.none()
    if user.organisation_id is not None:
        return TemplateRequest.objects.filter(organisation_id=user.organisation_id)
    return TemplateRequest.objects.filter(organisation__isnull=True)


def request_list(user: User, *, query: str = "", status: str = "") -> QuerySet[TemplateRequest]:
    requests = requests_visible_to(user)
    if query:
        requests = requests.filter(
            Q(title__icontains=query) | Q(purpose__icontains=query) | Q(segment__icontains=query)
        )
    if status:
        requests = requests.filter(status=status)
    return with_demand(requests.select_related("requested_by", "template", "answered_by"))


@dataclass(frozen=True)
class Demand:
    open_deals: int
    totals: tuple[tuple[str, Decimal], ...]  # (currency, sum of amounts), by currency

    @property
    def totals_label(self) -> str:
        return "; ".join(f"{currency or '(no currency)'} {amount:,.0f}" for currency, amount in self.totals) or "–"


def demand_for(request_ids) -> dict[int, Demand]:
    """The open deals behind each request and their amounts per currency. A deal named by two
    supporters counts once; amounts in different currencies are never added together."""
    rows = (
        RequestSupport.objects.filter(
            request_id__in=list(request_ids), deal__deleted_at__isnull=True, deal__outcome=Outcome.OPEN
        )
        .values_list("request_id", "deal_id", "deal__currency", "deal__amount")
        .distinct()
    )
    deals: dict[int, dict[int, tuple[str, Decimal | None]]] = defaultdict(dict)
    for request_id, deal_id, currency, amount in rows:
        deals[request_id][deal_id] = (currency, amount)
    demand = {}
    for request_id in request_ids:
        totals: dict[str, Decimal] = defaultdict(Decimal)
        for currency, amount in deals[request_id].values():
            if amount is not None:
                totals[currency.upper()] += amount
        demand[request_id] = Demand(open_deals=len(deals[request_id]), totals=tuple(sorted(totals.items())))
    return demand


def supports_of(request: TemplateRequest) -> QuerySet[RequestSupport]:
    return request.supports.select_related("user", "deal").order_by("created_at", "pk")


def support_get(request: TemplateRequest, user: User) -> RequestSupport | None:
    return request.supports.filter(user=user).select_related("deal").first()


def is_requester(request: TemplateRequest, user: User) -> bool:
    return getattr(user, "is_authenticated", False) and request.requested_by_id == user.pk


def may_see_example(request: TemplateRequest, user: User) -> bool:
    """The example image is for the requester and for marketing triaging in admin, nobody else."""
    return is_requester(request, user) or may_triage_requests(user)


def may_triage_requests(user: User) -> bool:
    return (
        is_signed_in_member(user) and user.organisation_id is None and user.has_perm("feedback.change_templaterequest")
    )


def may_view_requests_in_admin(user: User) -> bool:
    return is_signed_in_member(user) and user.organisation_id is None and user.has_perm("feedback.view_templaterequest")


def is_active_request(request: TemplateRequest) -> bool:
    return request.status in ACTIVE_STATUSES
