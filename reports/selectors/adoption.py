"""Adoption: who uses the portal, per person (reps and partner users) and per partner organisation.

- People with access: active users in the Sales reps, Partner users or Partner managers group;
  a partner counts only while their organisation is active.
- Documents made: documents created in the period, including any deleted since (making one is
  the use). Downloads: final PDFs and PNGs in the period (`ActivityDay.downloads`; share-link
  page views are not downloads). Deals touched: distinct deals with a download or share view in
  the period.
- Active in the period: made a document or downloaded one. Everyone else is inactive.
- First and last use: the first and last day with a delivery, ever (not limited to the period).
- Region: a person's effective region (a partner's organisation's region, staff's own).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Max, Min, Q, QuerySet, Sum

from accounts.models import Organisation, User
from accounts.roles import Role
from approvals.reviewers import in_regions
from deals.models import ActivityDay
from templates_lib.models import CollateralDocument

from ..filters import ReportFilters
from .windows import in_window

PORTAL_ROLES = (Role.SALES_REP, Role.PARTNER_USER, Role.PARTNER_MANAGER)


@dataclass(frozen=True)
class PersonAdoptionRow:
    user_id: int
    name: str
    username: str
    role: str
    organisation: str
    region: str
    documents: int
    downloads: int
    deals_touched: int
    first_use: datetime.date | None
    last_use: datetime.date | None

    @property
    def is_active(self) -> bool:
        return bool(self.documents or self.downloads)

    @property
    def status(self) -> str:
        return "Active" if self.is_active else "Inactive"


@dataclass(frozen=True)
class OrganisationAdoptionRow:
    organisation_id: int
    name: str
    tier: str
    region: str
    users_with_access: int
    active_users: int
    documents: int
    downloads: int
    deals_touched: int
    first_use: datetime.date | None
    last_use: datetime.date | None

    @property
    def active_share(self) -> float | None:
        return self.active_users / self.users_with_access if self.users_with_access else None

    @property
    def active_label(self) -> str:
        """ "3 of 8 (38%)": the share always carries its n."""
        if not self.users_with_access:
            return "No users"
        return f"{self.active_users} of {self.users_with_access} ({self.active_share:.0%})"

    @property
    def is_active(self) -> bool:
        return self.active_users > 0


def people_with_access(filters: ReportFilters) -> QuerySet[User]:
    people = (
        User.objects.filter(is_active=True, groups__name__in=[role.label for role in PORTAL_ROLES])
        .filter(Q(organisation__isnull=True) | Q(organisation__is_active=True))
        .distinct()
    )
    if filters.region_ids:
        people = people.filter(in_regions(filters.region_ids, prefix=""))
    if filters.organisation_id:
        people = people.filter(organisation_id=filters.organisation_id)
    if filters.tier_id:
        people = people.filter(organisation__tier_id=filters.tier_id)
    return people


def _period(filters: ReportFilters, field: str) -> Q:
    period = Q()
    if filters.start:
        period &= Q(**{f"{field}__gte": filters.start})
    if filters.end:
        period &= Q(**{f"{field}__lte": filters.end})
    return period


def _role_labels(user_ids) -> dict[int, str]:
    labels = {}
    # The most senior portal role wins when someone is in two groups.
    for role in PORTAL_ROLES:
        for user_id in User.objects.filter(pk__in=user_ids, groups__name=role.label).values_list("pk", flat=True):
            labels[user_id] = role.label.removesuffix("s")
    return labels


def person_adoption_list(filters: ReportFilters, *, inactive_only: bool = False) -> list[PersonAdoptionRow]:
    """One row per person with access, most downloads first; `inactive_only` keeps those
    with neither a document made nor a download in the period."""
    people = list(people_with_access(filters).select_related("organisation__region", "region"))
    ids = [person.pk for person in people]
    documents = dict(
        CollateralDocument.objects.filter(in_window("created_at", filters), owner_id__in=ids)
        .values("owner_id")
        .annotate(n=Count("pk"))
        .values_list("owner_id", "n")
    )
    activity = {
        row["user_id"]: row
        for row in ActivityDay.objects.filter(_period(filters, "day"), user_id__in=ids)
        .values("user_id")
        .annotate(downloads=Sum("downloads"), deals=Count("deal", distinct=True))
    }
    ever = {
        row["user_id"]: row
        for row in ActivityDay.objects.filter(user_id__in=ids)
        .values("user_id")
        .annotate(first=Min("day"), last=Max("day"))
    }
    roles = _role_labels(ids)
    rows = []
    for person in people:
        period = activity.get(person.pk, {})
        lifetime = ever.get(person.pk, {})
        region = person.organisation.region if person.organisation_id else person.region
        rows.append(
            PersonAdoptionRow(
                user_id=person.pk,
                name=person.get_full_name() or person.get_username(),
                username=person.get_username(),
                role=roles.get(person.pk, ""),
                organisation=person.organisation.name if person.organisation_id else "",
                region=region.name if region else "",
                documents=documents.get(person.pk, 0),
                downloads=period.get("downloads") or 0,
                deals_touched=period.get("deals") or 0,
                first_use=lifetime.get("first"),
                last_use=lifetime.get("last"),
            )
        )
    if inactive_only:
        rows = [row for row in rows if not row.is_active]
    rows.sort(key=lambda row: (-row.downloads, -row.documents, row.name.casefold(), row.user_id))
    return rows


def organisation_adoption_list(filters: ReportFilters, *, inactive_only: bool = False) -> list[OrganisationAdoptionRow]:
    """One row per active partner organisation in scope (people as in `person_adoption_list`),
    highest share of active users first; `inactive_only` keeps those where nobody was active."""
    people = person_adoption_list(filters)
    organisation_of = dict(
        people_with_access(filters).filter(organisation__isnull=False).values_list("pk", "organisation_id")
    )
    organisations = Organisation.objects.filter(is_active=True).select_related("tier", "region")
    if filters.region_ids:
        organisations = organisations.filter(region_id__in=filters.region_ids)
    if filters.organisation_id:
        organisations = organisations.filter(pk=filters.organisation_id)
    if filters.tier_id:
        organisations = organisations.filter(tier_id=filters.tier_id)
    totals: dict[int, dict] = defaultdict(lambda: {"users": 0, "active": 0, "documents": 0, "downloads": 0})
    first: dict[int, datetime.date] = {}
    last: dict[int, datetime.date] = {}
    for row in people:
        organisation_id = organisation_of.get(row.user_id)
        if organisation_id is None:
            continue
        total = totals[organisation_id]
        total["users"] += 1
        total["active"] += row.is_active
        total["documents"] += row.documents
        total["downloads"] += row.downloads
        if row.first_use and (organisation_id not in first or row.first_use < first[organisation_id]):
            first[organisation_id] = row.first_use
        if row.last_use and (organisation_id not in last or row.last_use > last[organisation_id]):
            last[organisation_id] = row.last_use
    # Distinct across the organisation: two members on the same deal touch it once.
    deals = dict(
        ActivityDay.objects.filter(_period(filters, "day"), user_id__in=organisation_of.keys())
        .values("user__organisation_id")
        .annotate(n=Count("deal", distinct=True))
        .values_list("user__organisation_id", "n")
    )
    rows = []
    for organisation in organisations:
        total = totals[organisation.pk]
        rows.append(
            OrganisationAdoptionRow(
                organisation_id=organisation.pk,
                name=organisation.name,
                tier=organisation.tier.name if organisation.tier_id else "",
                region=organisation.region.name if organisation.region_id else "",
                users_with_access=total["users"],
                active_users=total["active"],
                documents=total["documents"],
                downloads=total["downloads"],
                deals_touched=deals.get(organisation.pk, 0),
                first_use=first.get(organisation.pk),
                last_use=last.get(organisation.pk),
            )
        )
    if inactive_only:
        rows = [row for row in rows if not row.is_active]
    rows.sort(key=lambda row: (-(row.active_share or 0), -row.users_with_access, row.name.casefold()))
    return rows
