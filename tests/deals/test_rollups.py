import datetime

from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError
from django.utils import timezone

import pytest

from deals.models import ActivityDay, DealUse, DeliveryEvent, RevisionDealUse, TemplateDealUse
from deals.services import rollups
from deals.services.events import DeliveryNotRecorded

from ..factories.deals import DealFactory
from .conftest import make_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def at(monkeypatch):
    """Record the next events at a chosen time."""
    field = DeliveryEvent._meta.get_field("occurred_at")

    def set_time(when: datetime.datetime) -> None:
        monkeypatch.setattr(field, "_get_default", lambda: when, raising=False)  # a cached_property

    return set_time


def aware(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=timezone.get_current_timezone())


def test_a_delivery_for_a_deal_counts_the_template_as_used_by_it(approved_document, rep, deal, at):
    at(aware(2026, 3, 2, 10))
    make_event(approved_document, user=rep, deal=deal)

    use = TemplateDealUse.objects.get()
    assert (use.template_id, use.deal_id, use.first_used_on, use.deliveries) == (
        approved_document.template_id,
        deal.pk,
        datetime.date(2026, 3, 2),
        1,
    )


def test_later_deliveries_add_up_and_keep_the_first_day(approved_document, rep, deal, at):
    at(aware(2026, 3, 2, 10))
    make_event(approved_document, user=rep, deal=deal)
    at(aware(2026, 3, 9, 10))
    make_event(approved_document, user=rep, deal=deal, channel="share_view")

    use = TemplateDealUse.objects.get()
    assert (use.first_used_on, use.last_used_at, use.deliveries) == (
        datetime.date(2026, 3, 2),
        aware(2026, 3, 9, 10),
        2,
    )
    assert DealUse.objects.get(deal=deal).deliveries == 2
    assert RevisionDealUse.objects.get().first_used_on == datetime.date(2026, 3, 2)


def test_an_earlier_event_recorded_late_moves_the_first_day_back(approved_document, rep, deal, at):
    at(aware(2026, 3, 9, 10))
    make_event(approved_document, user=rep, deal=deal)
    at(aware(2026, 3, 1, 10))
    make_event(approved_document, user=rep, deal=deal)

    assert TemplateDealUse.objects.get().first_used_on == datetime.date(2026, 3, 1)
    assert DealUse.objects.get().first_used_on == datetime.date(2026, 3, 1)


def test_the_day_is_the_portals_local_day(approved_document, rep, deal, at, settings):
    settings.TIME_ZONE = "Pacific/Auckland"
    at(datetime.datetime(2026, 3, 1, 20, tzinfo=datetime.UTC))  # 2 March, 09:00 in Auckland
    make_event(approved_document, user=rep, deal=deal)

    assert TemplateDealUse.objects.get().first_used_on == datetime.date(2026, 3, 2)


def test_activity_counts_downloads_and_views_per_day_person_and_deal(approved_document, rep, deal, at):
    at(aware(2026, 3, 2, 10))
    make_event(approved_document, user=rep, deal=deal)
    make_event(approved_document, user=rep, deal=deal, channel="portal_png")
    make_event(approved_document, user=rep, deal=deal, channel="share_view")

    day = ActivityDay.objects.get()
    assert (day.day, day.user_id, day.deal_id, day.downloads, day.views) == (
        datetime.date(2026, 3, 2),
        rep.pk,
        deal.pk,
        2,
        1,
    )


def test_a_delivery_without_a_deal_is_activity_only(approved_document, rep):
    make_event(approved_document, user=rep, deal=None)

    assert ActivityDay.objects.get().downloads == 1
    assert not TemplateDealUse.objects.exists()
    assert not DealUse.objects.exists()


def test_a_failed_rollup_records_no_event(approved_document, rep, deal, monkeypatch):
    def broken(event):
        raise DatabaseError("disk full")

    monkeypatch.setattr("deals.services.events.roll_up", broken)

    with pytest.raises(DeliveryNotRecorded):
        make_event(approved_document, user=rep, deal=deal)
    assert not DeliveryEvent.objects.exists()


def test_check_rollups_passes_when_they_match_the_events(approved_document, rep, deal, capsys):
    make_event(approved_document, user=rep, deal=deal)
    make_event(approved_document, user=rep, deal=None)

    call_command("check_rollups")

    assert "Rollups match the events" in capsys.readouterr().out


def test_check_rollups_names_a_changed_counter_and_fails(approved_document, rep, deal, capsys):
    make_event(approved_document, user=rep, deal=deal)
    TemplateDealUse.objects.update(deliveries=5)

    with pytest.raises(CommandError, match="1 rollup rows differ"):
        call_command("check_rollups")
    assert "template_deal" in capsys.readouterr().out


def test_check_rollups_finds_a_missing_row(approved_document, rep, deal):
    make_event(approved_document, user=rep, deal=deal)
    DealUse.objects.all().delete()

    assert [d.table for d in rollups.rollup_differences()] == ["deal"]


def test_repair_rewrites_the_rollups_from_the_events(approved_document, rep, deal, capsys):
    other = DealFactory(owner=rep)
    make_event(approved_document, user=rep, deal=deal)
    make_event(approved_document, user=rep, deal=other, channel="share_view")
    make_event(approved_document, user=rep, deal=None)
    ActivityDay.objects.all().delete()
    TemplateDealUse.objects.update(deliveries=9)

    call_command("check_rollups", "--repair")

    assert "differences repaired" in capsys.readouterr().out
    assert list(rollups.rollup_differences()) == []
    assert TemplateDealUse.objects.count() == 2
