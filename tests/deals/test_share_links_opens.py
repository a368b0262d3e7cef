"""Opens of a share link: each one an event against the link's deal, the first one notified to the
owner at once (once, however the opens race), later ones in one daily summary."""

import datetime
import hashlib

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

import pytest

from approvals.models import Notification, NotificationKind
from approvals.output import final_output
from deals.models import Channel, DeliveryEvent, ShareLink
from deals.services.share_links import share_link_opened, share_link_set_notifications, share_summaries_send
from deals.services.share_pages import final_pdf, page_image, pages_in
from deals.tasks import send_share_summaries
from templates_lib.rendering.profile import Profile

pytestmark = pytest.mark.django_db


def _open(link, channel=Channel.SHARE_VIEW):
    output = final_output(link.document, profile=Profile.DIGITAL, deal=link.deal)
    pdf = final_pdf(output)
    return share_link_opened(link=link, output=output, channel=channel, delivered=pdf, pages_seen=[1]), pdf


def _opened_notifications():
    return Notification.objects.filter(kind=NotificationKind.SHARE_OPENED)


def test_an_open_is_an_event_against_the_links_deal(shared, rep_deal, approved_onepager):
    event, pdf = _open(shared.link)

    event = DeliveryEvent.objects.get(pk=event.pk)
    assert event.channel == Channel.SHARE_VIEW
    assert event.deal == rep_deal
    assert event.share_link == shared.link
    assert event.user is None
    assert event.document == approved_onepager
    assert event.document_revision_id == approved_onepager.live_revision_id
    assert event.sha256 == hashlib.sha256(pdf).hexdigest()
    assert event.detail == {"pages_seen": [1]}
    assert pdf.startswith(b"%PDF")


def test_the_first_open_notifies_the_owner_by_portal_and_email(shared, rep, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _open(shared.link)

    notification = _opened_notifications().get()
    assert notification.recipient == rep
    assert notification.title == "Pat Prospect opened “Forecasting one-pager”"
    assert "Acme renewal" in notification.body
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [rep.email]


def test_the_first_open_is_notified_once_when_opens_race(shared):
    """Both requests loaded the link before either recorded its open (first_opened_at empty in
    both): only the one whose conditional update wins notifies."""
    stale_a = ShareLink.objects.get(pk=shared.link.pk)
    stale_b = ShareLink.objects.get(pk=shared.link.pk)

    _open(stale_a)
    _open(stale_b)

    assert _opened_notifications().count() == 1
    assert DeliveryEvent.objects.filter(share_link=shared.link).count() == 2


def test_later_opens_do_not_notify_at_once(shared):
    _open(shared.link)
    shared.link.refresh_from_db()

    _open(shared.link)
    _open(shared.link)

    assert _opened_notifications().count() == 1


def test_the_first_open_time_is_recorded(shared):
    event, _ = _open(shared.link)

    shared.link.refresh_from_db()
    assert shared.link.first_opened_at == event.occurred_at


def test_no_notification_when_the_owner_switched_them_off(shared, rep):
    share_link_set_notifications(link=shared.link, by=rep, notify_opens=False)
    shared.link.refresh_from_db()

    _open(shared.link)

    assert not _opened_notifications().exists()
    assert DeliveryEvent.objects.filter(share_link=shared.link).count() == 1


def _later(minutes: int) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(minutes=minutes)


def test_the_daily_summary_counts_the_opens_after_the_first(shared, rep):
    _open(shared.link)
    _open(shared.link)
    _open(shared.link, Channel.SHARE_DOWNLOAD)

    told = share_summaries_send(now=_later(1))

    assert told == 1
    summary = Notification.objects.get(kind=NotificationKind.SHARE_SUMMARY)
    assert summary.recipient == rep
    assert "Pat Prospect (Acme renewal): 2 opens" in summary.body
    assert "“Forecasting one-pager”" in summary.body


def test_a_summary_is_sent_once_for_the_same_opens(shared):
    _open(shared.link)
    _open(shared.link)
    share_summaries_send(now=_later(1))

    told_again = share_summaries_send(now=_later(2))

    assert told_again == 0
    assert Notification.objects.filter(kind=NotificationKind.SHARE_SUMMARY).count() == 1


def test_opens_after_a_summary_go_in_the_next_one(shared):
    _open(shared.link)
    _open(shared.link)
    share_summaries_send()

    _open(shared.link)
    share_summaries_send(now=_later(1))

    latest = Notification.objects.filter(kind=NotificationKind.SHARE_SUMMARY).first()
    assert latest.body.endswith(": 1 open")
    assert Notification.objects.filter(kind=NotificationKind.SHARE_SUMMARY).count() == 2


def test_a_link_opened_only_once_needs_no_summary(shared):
    _open(shared.link)

    assert share_summaries_send(now=_later(1)) == 0


def test_no_summary_when_notifications_are_off(shared, rep):
    _open(shared.link)
    _open(shared.link)
    share_link_set_notifications(link=shared.link, by=rep, notify_opens=False)

    assert share_summaries_send(now=_later(1)) == 0
    assert not Notification.objects.filter(kind=NotificationKind.SHARE_SUMMARY).exists()


def test_the_management_command_sends_the_summaries(shared, monkeypatch):
    _open(shared.link)
    _open(shared.link)
    out = []

    class Out:
        def write(self, text):
            out.append(text)

    call_command("send_share_summaries", stdout=Out())

    assert Notification.objects.filter(kind=NotificationKind.SHARE_SUMMARY).count() == 1
    assert "Sent share-link summaries to 1 owner." in "".join(out)


def test_the_task_sends_the_summaries(shared):
    _open(shared.link)
    _open(shared.link)

    result = send_share_summaries.enqueue()

    assert result.return_value == 1


def test_page_images_and_the_page_count_come_from_the_cache_after_the_first_time(shared, monkeypatch):
    output = final_output(shared.link.document, profile=Profile.DIGITAL, deal=shared.link.deal)
    first = page_image(output, page=1)
    assert pages_in(output) == 1

    def no_rasterising(*args, **kwargs):
        raise AssertionError("rasterised again")

    monkeypatch.setattr("deals.services.share_pages.page_png", no_rasterising)
    monkeypatch.setattr("deals.services.share_pages.page_count", no_rasterising)

    assert page_image(output, page=1) == first
    assert pages_in(output) == 1
    assert first.startswith(b"\x89PNG")


def test_a_page_the_pdf_does_not_have_is_an_index_error(shared):
    output = final_output(shared.link.document, profile=Profile.DIGITAL, deal=shared.link.deal)

    with pytest.raises(IndexError):
        page_image(output, page=2)
    with pytest.raises(IndexError):
        page_image(output, page=0)
