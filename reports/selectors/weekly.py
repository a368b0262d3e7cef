"""The weekly record's figures: what happened in one week (Monday to Sunday, local days) in one
region, or in the whole company, as plain JSON-ready data that the record keeps as its snapshot.

- Templates used: final downloads and share views per template in the week (the `ActivityDay`
  rollup, by the deliverer's region at the time), and the deals won this week that used the
  template before closing (`TemplateDealUse`, by the deal's region).
- Documents rejected: brand reviews ended "rejected" in the week, with the reviewer's reason, by
  the document owner's region.
- New requests: template requests made in the week (by the request's region). "Me too"s: support
  added in the week by someone other than the requester (by the supporter's region). Ratings:
  ratings given or changed in the week (by the rater's region).
- Templates that went unused: published templates without a final download in the week
  (reports.selectors.unused, its rules on regions), "never used" if nothing was delivered from
  them by the end of the week, with their last download by then.
- Priority deals that received no collateral: priority deals marked by the end of the week, not
  deleted and not closed before it began, with no delivery event for the deal in the week (by the
  priority's region, else the deal's).
- Adoption: people with access, active people, documents made, downloads and deals touched, this
  week against the week before (reports.selectors.adoption).

A week "has activity" when anything happened in it: a delivery, a document made, a deal won with a
template, a rejection, a request, a "me too" or a rating. Unused templates and neglected priority
deals are standing conditions, not activity: a week with only those is not mailed."""

import datetime
from collections import defaultdict

from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from accounts.models import User
from approvals.models import BrandReviewTaskState, ReviewOutcome
from approvals.reviewers import in_regions
from deals.models import ActivityDay, Deal, DeliveryEvent, Outcome, TemplateDealUse
from feedback.models import PriorityDeal, Rating, RequestSupport, TemplateRequest
from templates_lib.models import CollateralTemplate

from ..access import may_see_reports, report_region_ids
from ..filters import ReportFilters
from ..models import WeeklyRecord
from .adoption import person_adoption_list
from .performance import activity_rows, deal_conditions
from .unused import unused_template_list
from .windows import in_window

FIGURES_VERSION = 1
MAX_ROWS = 200  # per section: a week's record is read, not scrolled; the section's n says how many
REASON_MAX_CHARS = 1000
COMMENT_MAX_CHARS = 300
NOT_CLOSED = ~Q(deal__outcome__in=(Outcome.WON, Outcome.LOST), deal__close_date__isnull=False)


def week_of(day: datetime.date) -> datetime.date:
    """The Monday of the week `day` falls in."""
    return day - datetime.timedelta(days=day.weekday())


def last_complete_week(today: datetime.date | None = None) -> datetime.date:
    """The Monday of the last week that has ended (Monday to Sunday)."""
    return week_of(today or timezone.localdate()) - datetime.timedelta(days=7)


def week_filters(week_start: datetime.date, region_id: int | None) -> ReportFilters:
    return ReportFilters(
        start=week_start,
        end=week_start + datetime.timedelta(days=6),
        region_ids=(region_id,) if region_id is not None else (),
    )


def person_name(user: User | None) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _bounded(rows: list[dict]) -> dict:
    return {"n": len(rows), "rows": rows[:MAX_ROWS]}


def _clip(text: str, limit: int) -> str:
    text = (text or "").strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


# Sections ---------------------------------------------------------------------------------------


def templates_used(filters: ReportFilters) -> dict:
    totals = (
        activity_rows(filters)
        .order_by()
        .values("template_id")
        .annotate(downloads=Sum("downloads"), views=Sum("views"), deals=Count("deal_id", distinct=True))
    )
    usage = {row["template_id"]: row for row in totals}
    won_uses = TemplateDealUse.objects.filter(
        deal_conditions(filters, prefix="deal__"), deal__outcome=Outcome.WON, first_used_on__lte=F("deal__close_date")
    ).order_by()
    won = dict(won_uses.values_list("template_id").annotate(n=Count("deal_id", distinct=True)))
    titles = dict(CollateralTemplate.objects.filter(pk__in=usage.keys() | won.keys()).values_list("pk", "title"))
    rows = [
        {
            "template_id": template_id,
            "title": titles.get(template_id, ""),
            "downloads": usage.get(template_id, {}).get("downloads") or 0,
            "views": usage.get(template_id, {}).get("views") or 0,
            "deals": usage.get(template_id, {}).get("deals") or 0,
            "won": won.get(template_id, 0),
        }
        for template_id in usage.keys() | won.keys()
    ]
    rows.sort(key=lambda row: (-row["won"], -row["downloads"], -row["views"], row["title"].casefold()))
    closed = dict(
        Deal.objects.filter(deal_conditions(filters)).order_by().values_list("outcome").annotate(n=Count("pk"))
    )
    section = _bounded(rows)
    section.update(
        downloads=sum(row["downloads"] for row in rows),
        views=sum(row["views"] for row in rows),
        deals_won_with_template=won_uses.values("deal_id").distinct().count(),
        deals_won=closed.get(Outcome.WON, 0),
        deals_lost=closed.get(Outcome.LOST, 0),
    )
    return section


def documents_rejected(filters: ReportFilters) -> dict:
    rounds = BrandReviewTaskState.objects.filter(in_window("finished_at", filters), outcome=ReviewOutcome.REJECTED)
    if filters.region_ids:
        rounds = rounds.filter(in_regions(filters.region_ids))
    rounds = rounds.select_related("document__template", "document__owner", "finished_by").order_by("finished_at", "pk")
    rows = [
        {
            "document": state.document.title,
            "template": state.document.template.title,
            "owner": person_name(state.document.owner),
            "reviewer": person_name(state.finished_by),
            "at": timezone.localtime(state.finished_at).isoformat(timespec="minutes"),
            "reason": _clip(state.comment, REASON_MAX_CHARS),
        }
        for state in rounds
    ]
    return _bounded(rows)


def new_requests(filters: ReportFilters) -> dict:
    requests = TemplateRequest.objects.filter(in_window("created_at", filters))
    if filters.region_ids:
        requests = requests.filter(region_id__in=filters.region_ids)
    requests = requests.select_related("requested_by", "template").annotate(supporters=Count("supports"))
    rows = [
        {
            "title": request.title,
            "kind": request.get_kind_display(),
            "template": request.template.title if request.template_id else "",
            "urgency": request.get_urgency_display(),
            "requested_by": person_name(request.requested_by),
            "supporters": request.supporters,
        }
        for request in requests.order_by("created_at", "pk")
    ]
    return _bounded(rows)


def me_toos(filters: ReportFilters) -> dict:
    supports = RequestSupport.objects.filter(in_window("created_at", filters)).exclude(
        user_id=F("request__requested_by_id")
    )
    if filters.region_ids:
        supports = supports.filter(in_regions(filters.region_ids, prefix="user__"))
    this_week = dict(supports.order_by().values_list("request_id").annotate(n=Count("pk")))
    requests = TemplateRequest.objects.filter(pk__in=this_week).annotate(total=Count("supports"))
    rows = [
        {
            "request": request.title,
            "status": request.get_status_display(),
            "this_week": this_week[request.pk],
            "supporters": request.total,
        }
        for request in requests
    ]
    rows.sort(key=lambda row: (-row["this_week"], -row["supporters"], row["request"].casefold()))
    section = _bounded(rows)
    section["me_toos"] = sum(this_week.values())
    return section


def ratings(filters: ReportFilters) -> dict:
    given = Rating.objects.filter(in_window("updated_at", filters))
    if filters.region_ids:
        given = given.filter(in_regions(filters.region_ids, prefix="user__"))
    by_template: dict[int, list[Rating]] = defaultdict(list)
    for rating in given.select_related("template").order_by("updated_at", "pk"):
        by_template[rating.template_id].append(rating)
    rows = []
    for template_ratings in by_template.values():
        stars = [rating.stars for rating in template_ratings]
        rows.append(
            {
                "template": template_ratings[0].template.title,
                "n": len(stars),
                "average": round(sum(stars) / len(stars), 2),
                "low": sum(1 for star in stars if star <= 2),
                "comments": [
                    f"{rating.stars}/5: {_clip(rating.comment, COMMENT_MAX_CHARS)}"
                    for rating in template_ratings
                    if rating.comment.strip()
                ][:10],
            }
        )
    rows.sort(key=lambda row: (-row["n"], row["average"], row["template"].casefold()))
    section = _bounded(rows)
    section["ratings"] = sum(row["n"] for row in rows)
    return section


def unused_templates(filters: ReportFilters) -> dict:
    """As the unused-content report has it for the week, with "never used" and the last download
    as they stood at the end of the week (the report's are as of today)."""
    rows = unused_template_list(filters, today=filters.end + datetime.timedelta(days=1))
    until_then = (
        ActivityDay.objects.filter(template_id__in=[row.template_id for row in rows], day__lte=filters.end)
        .order_by()
        .values("template_id")
        .annotate(last_delivery=Max("day"), last_download=Max("day", filter=Q(downloads__gt=0)))
    )
    history = {row["template_id"]: row for row in until_then}
    section_rows = []
    for row in rows:
        known = history.get(row.template_id, {})
        last_download = known.get("last_download")
        section_rows.append(
            {
                "title": row.title,
                "status": "No download this week" if known.get("last_delivery") else "Never used",
                "last_download": last_download.isoformat() if last_download else "",
            }
        )
    section_rows.sort(key=lambda row: (row["status"] != "Never used", row["last_download"], row["title"].casefold()))
    return _bounded(section_rows)


def neglected_priority_deals(filters: ReportFilters) -> dict:
    priorities = PriorityDeal.objects.filter(
        in_window("marked_at", ReportFilters(end=filters.end)), deal__deleted_at__isnull=True
    ).filter(NOT_CLOSED | Q(deal__close_date__gte=filters.start))
    if filters.region_ids:
        priorities = priorities.filter(
            Q(region_id__in=filters.region_ids) | Q(region__isnull=True, deal__region_id__in=filters.region_ids)
        )
    delivered = DeliveryEvent.objects.filter(in_window("occurred_at", filters), deal_id=OuterRef("deal_id"))
    total = priorities.count()
    neglected = (
        priorities.filter(~Exists(delivered)).select_related("deal__owner", "region").order_by("marked_at", "pk")
    )
    rows = [
        {
            "deal": priority.deal.name,
            "owner": person_name(priority.deal.owner),
            "stage": priority.deal.get_outcome_display(),
            "region": priority.region.name if priority.region_id else "",
            "note": priority.note,
            "marked_on": timezone.localdate(priority.marked_at).isoformat(),
        }
        for priority in neglected
    ]
    section = _bounded(rows)
    section["priority_deals"] = total
    return section


def _adoption_figures(filters: ReportFilters) -> dict[str, int]:
    people = person_adoption_list(filters)
    return {
        "people": len(people),
        "active": sum(1 for row in people if row.is_active),
        "documents": sum(row.documents for row in people),
        "downloads": sum(row.downloads for row in people),
        "deals_touched": activity_rows(filters).exclude(deal_id=None).values("deal_id").distinct().count(),
    }


ADOPTION_LABELS = {
    "people": "People with portal access",
    "active": "Active (made or downloaded a document)",
    "documents": "Documents made (by people with access)",
    "downloads": "Final downloads (by people with access)",
    "deals_touched": "Deals touched (download or share view)",
}


def adoption_change(filters: ReportFilters) -> dict:
    week = datetime.timedelta(days=7)
    previous = ReportFilters(start=filters.start - week, end=filters.end - week, region_ids=filters.region_ids)
    now, before = _adoption_figures(filters), _adoption_figures(previous)
    rows = [
        {
            "key": key,
            "label": label,
            "this_week": now[key],
            "previous_week": before[key],
            "change": now[key] - before[key],
        }
        for key, label in ADOPTION_LABELS.items()
    ]
    return {"n": len(rows), "rows": rows}


# The record -------------------------------------------------------------------------------------


def weekly_figures(*, week_start: datetime.date, region_id: int | None) -> dict:
    """Everything the record of this week and region shows, JSON-ready (see the module docstring)."""
    filters = week_filters(week_start, region_id)
    used = templates_used(filters)
    rejected = documents_rejected(filters)
    requests = new_requests(filters)
    supports = me_toos(filters)
    rated = ratings(filters)
    adoption = adoption_change(filters)
    documents_made = next(row["this_week"] for row in adoption["rows"] if row["key"] == "documents")
    has_activity = bool(
        used["downloads"]
        or used["views"]
        or used["deals_won_with_template"]
        or documents_made
        or rejected["n"]
        or requests["n"]
        or supports["me_toos"]
        or rated["ratings"]
    )
    return {
        "version": FIGURES_VERSION,
        "week_start": filters.start.isoformat(),
        "week_end": filters.end.isoformat(),
        "has_activity": has_activity,
        "templates_used": used,
        "documents_rejected": rejected,
        "new_requests": requests,
        "me_toos": supports,
        "ratings": rated,
        "unused_templates": unused_templates(filters),
        "neglected_priority_deals": neglected_priority_deals(filters),
        "adoption": adoption,
    }


# Who sees which record --------------------------------------------------------------------------


def weekly_records_for(user: User) -> QuerySet[WeeklyRecord]:
    """The records `user` may read: every one for those with every region; a region-limited brand
    manager, only their regions' (not the whole company's), as with every other report."""
    if not may_see_reports(user):
        return WeeklyRecord.objects.none()
    records = WeeklyRecord.objects.select_related("region", "decided_by")
    scope = report_region_ids(user)
    return records.filter(region_id__in=scope) if scope else records


def may_see_region_record(user: User, region_id: int | None) -> bool:
    if not may_see_reports(user):
        return False
    scope = report_region_ids(user)
    return not scope or region_id in scope


# What the page and the mail show ----------------------------------------------------------------


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _signed(change: int) -> str:
    return f"+{change}" if change > 0 else str(change) if change < 0 else "no change"


def headline_figures(figures: dict) -> list[dict]:
    """The handful of numbers at the top of the record, each with what it counts."""
    used = figures["templates_used"]
    adoption = {row["key"]: row for row in figures["adoption"]["rows"]}
    active, people = adoption["active"], adoption["people"]
    priority = figures["neglected_priority_deals"]
    return [
        {"label": "Final downloads", "value": used["downloads"], "note": f"and {used['views']} share views"},
        {
            "label": "Deals won with a template",
            "value": used["deals_won_with_template"],
            "note": f"of {used['deals_won']} won, {used['deals_won'] + used['deals_lost']} closed",
        },
        {"label": "Documents rejected", "value": figures["documents_rejected"]["n"], "note": "by the brand team"},
        {
            "label": "New requests",
            "value": figures["new_requests"]["n"],
            "note": f"{_count(figures['me_toos']['me_toos'], '“me too”', '“me too”s')}, "
            f"{_count(figures['ratings']['ratings'], 'rating', 'ratings')}",
        },
        {
            "label": "Active people",
            "value": active["this_week"],
            "note": f"of {people['this_week']} with access; {_signed(active['change'])} on the week before",
        },
        {
            "label": "Priority deals without collateral",
            "value": priority["n"],
            "note": f"of {priority['priority_deals']} priority deals",
        },
    ]


def record_context(record: WeeklyRecord) -> dict:
    """What the record's page and its mail are drawn from: the snapshot, never today's data."""
    figures = record.figures
    adoption_rows = [{**row, "change_label": _signed(row["change"])} for row in figures["adoption"]["rows"]]
    return {
        "record": record,
        "title": str(record),
        "scope": record.region.name if record.region_id else "Whole company",
        "figures": figures,
        "headlines": headline_figures(figures),
        "adoption_rows": adoption_rows,
        "max_rows": MAX_ROWS,
    }
