"""Display-ready priority deals and template recommendations for the portal. Deal data and notes
are untrusted text: templates show them through Django's escaping, never as markup."""

from django.urls import reverse

from deals.models import Channel
from feedback.models import PriorityDeal
from feedback.services.priority import NOTE_MAX_CHARS
from reports.selectors.recommendations import Recommendation, Recommendations

from .deal_presenters import DealRow


def percent(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.0f}%"


class PriorityRow(DealRow):
    """One line of the priority list: the deal, its owner, the note and the last collateral sent."""

    def __init__(self, priority: PriorityDeal):
        super().__init__(priority.deal)
        self.priority = priority

    @property
    def note(self) -> str:
        return self.priority.note

    @property
    def region_name(self) -> str:
        return self.priority.region.name if self.priority.region_id else "No region"

    @property
    def marked_by(self) -> str:
        return str(self.priority.marked_by)

    @property
    def marked_at(self):
        return self.priority.marked_at

    @property
    def has_collateral(self) -> bool:
        return getattr(self.priority, "last_sent_at", None) is not None

    @property
    def last_sent_at(self):
        return getattr(self.priority, "last_sent_at", None)

    @property
    def last_sent_template(self) -> str:
        return getattr(self.priority, "last_sent_template", "") or ""

    @property
    def last_sent_channel(self) -> str:
        channel = getattr(self.priority, "last_sent_channel", None)
        return Channel(channel).label if channel in Channel.values else ""


class PriorityControl:
    """The deal page's priority panel: whether the deal is on the list, and the mark/unmark forms."""

    note_max_chars = NOTE_MAX_CHARS

    def __init__(self, deal, priority: PriorityDeal | None, *, can_mark: bool, is_open: bool):
        self.deal = deal
        self.priority = priority
        self.can_mark = can_mark
        self.is_open = is_open

    @property
    def is_priority(self) -> bool:
        return self.priority is not None

    @property
    def is_shown(self) -> bool:
        return self.is_priority or (self.can_mark and self.is_open)

    @property
    def can_add(self) -> bool:
        return self.can_mark and self.is_open and not self.is_priority

    @property
    def note(self) -> str:
        return self.priority.note if self.priority else ""

    @property
    def marked_line(self) -> str:
        if not self.priority:
            return ""
        region = f" on the {self.priority.region.name} list" if self.priority.region_id else ""
        return f"Marked{region} by {self.priority.marked_by} on {self.priority.marked_at:%-d %b %Y}."

    @property
    def mark_url(self) -> str:
        return reverse("portal:deal-priority", args=[self.deal.public_id])

    @property
    def unmark_url(self) -> str:
        return reverse("portal:deal-priority-remove", args=[self.deal.public_id])


class RecommendationRow:
    def __init__(self, item: Recommendation, *, judged: bool):
        self.item = item
        self.judged = judged

    @property
    def title(self) -> str:
        return self.item.template.title

    @property
    def url(self) -> str:
        return reverse("portal:template-personalise", args=[self.item.template.public_id])

    @property
    def already_sent(self) -> bool:
        return self.item.already_sent

    @property
    def evidence(self) -> str:
        item = self.item
        if not self.judged:
            deals = "deal" if item.used_by == 1 else "deals"
            return f"used for {item.used_by} similar {deals}"
        interval = item.interval
        return (
            f"won {item.wins} of {item.n} similar deals ({percent(item.rate)}, "
            f"95% interval {percent(interval.low)}–{percent(interval.high)})"
        )


class RecommendationPanel:
    def __init__(self, result: Recommendations):
        self.result = result

    @property
    def is_judged(self) -> bool:
        return self.result.is_judged

    @property
    def rows(self) -> list[RecommendationRow]:
        return [RecommendationRow(item, judged=self.result.is_judged) for item in self.result.items]

    @property
    def criteria(self) -> str:
        return (
            ", ".join(self.result.criteria)
            if self.result.criteria
            else "all closed deals (this deal has no segment, amount or region to match)"
        )

    @property
    def baseline(self) -> str:
        result = self.result
        if not result.similar_closed:
            return "No similar deal has closed yet."
        interval = result.similar_interval
        return (
            f"Similar closed deals overall: won {result.similar_won} of {result.similar_closed} "
            f"({percent(result.similar_won / result.similar_closed)}, 95% interval "
            f"{percent(interval.low)}–{percent(interval.high)})."
        )

    @property
    def too_few_message(self) -> str:
        result = self.result
        if result.is_judged:
            return ""
        if result.similar_closed < result.min_closed_deals:
            return (
                f"Too few similar closed deals to judge ({result.similar_closed}; "
                f"{result.min_closed_deals} needed) — what similar deals used most:"
            )
        return (
            f"No template was used by {result.min_closed_deals} or more similar closed deals, too few to judge — "
            "what similar deals used most:"
        )

    @property
    def stage_note(self) -> str:
        return self.result.stage_note
