import datetime
import io
from collections import Counter

from django.core.management import call_command
from django.db.models import Exists, OuterRef
from django.utils import timezone

import pytest

from deals.models import Deal, DeliveryEvent, Outcome, ShareLink, TemplateDealUse
from deals.services.rollups import rollup_differences
from portal.demo.report_history import EXTERNAL_ID_PREFIX
from reports.filters import ReportFilters
from reports.models import ReportSettings
from reports.selectors.performance import template_performance
from templates_lib.models import CollateralTemplate

from ..transactions import rolled_back_transaction

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo_loaded(django_db_setup, django_db_blocker):
    """The demo, loaded once for the module in an outer transaction rolled back after the last test
    (as in test_load_demo.py); each test's transaction nests in it as a savepoint."""
    with django_db_blocker.unblock(), rolled_back_transaction():
        call_command("load_demo", stdout=io.StringIO())
        yield


@pytest.fixture
def demo(db, demo_loaded):
    return None


def history_deals():
    return Deal.objects.filter(external_id__startswith=EXTERNAL_ID_PREFIX).select_related("stage", "owner")


def last_year() -> ReportFilters:
    today = timezone.localdate()
    return ReportFilters(start=today - datetime.timedelta(days=365), end=today)


def test_demo_has_a_year_of_mostly_closed_deals(demo):
    today = timezone.localdate()
    deals = list(history_deals())
    closed = [deal for deal in deals if deal.outcome != Outcome.OPEN]
    currencies = Counter(deal.currency for deal in deals)

    assert 150 <= len(deals) <= 250
    assert len(closed) >= 0.7 * len(deals)
    assert all(today - datetime.timedelta(days=365) <= deal.close_date < today for deal in closed)
    assert all(deal.outcome == deal.stage.category for deal in deals)
    assert {deal.owner.username for deal in deals} == {"rep", "partner", "partnermanager"}
    assert set(currencies) == {"EUR", "USD"}
    assert currencies["EUR"] > currencies["USD"]


def test_demo_events_mostly_come_before_the_deals_closed(demo):
    events = DeliveryEvent.objects.filter(
        deal__external_id__startswith=EXTERNAL_ID_PREFIX, deal__close_date__isnull=False
    )
    before = sum(
        timezone.localdate(at) <= closed for at, closed in events.values_list("occurred_at", "deal__close_date")
    )

    assert events.filter(channel="share_view", share_link__isnull=False).exists()
    assert 0.85 * events.count() <= before < events.count()


def test_demo_rollups_match_the_events(demo):
    assert list(rollup_differences()) == []


def test_demo_template_performance_judges_some_templates_and_not_others(demo):
    report = template_performance(last_year(), settings=ReportSettings())
    judged = [row.title for row in report.rows if not row.too_few]
    too_few = [row.title for row in report.rows if row.too_few and row.closed]

    assert len(judged) >= 2
    assert too_few


def test_demo_leaves_a_published_template_never_delivered(demo):
    delivered = DeliveryEvent.objects.filter(template=OuterRef("pk"))
    never = CollateralTemplate.objects.filter(live=True, retired_at__isnull=True).exclude(Exists(delivered))

    assert never.exists()


def test_loading_the_demo_again_adds_no_history(demo):
    counts = (
        Deal.objects.count(),
        DeliveryEvent.objects.count(),
        ShareLink.objects.count(),
        TemplateDealUse.objects.count(),
    )

    call_command("load_demo", stdout=io.StringIO())

    assert (
        Deal.objects.count(),
        DeliveryEvent.objects.count(),
        ShareLink.objects.count(),
        TemplateDealUse.objects.count(),
    ) == counts
