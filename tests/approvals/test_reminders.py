"""`manage.py send_review_reminders`: reviewers hear about submissions waiting too long, once per
round per period."""

from datetime import timedelta
from io import StringIO

from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

import pytest

from accounts.roles import Role
from approvals.models import BrandReviewTaskState, Notification, NotificationKind
from approvals.services import Decision

from ..factories.accounts import RegionFactory, UserFactory
from ..factories.approvals import decide, document_in_review, pending_round


@pytest.fixture
def waiting(reviewed_template, rep, brand_manager):
    """A document in review for three days."""
    document = document_in_review(reviewed_template, rep)
    Notification.objects.all().delete()
    _age(document, hours=72)
    return document


def _age(document, *, hours):
    BrandReviewTaskState.objects.filter(document=document).update(started_at=timezone.now() - timedelta(hours=hours))


def _remind(**options) -> str:
    out = StringIO()
    call_command("send_review_reminders", stdout=out, **options)
    return out.getvalue()


def _reminders():
    return Notification.objects.filter(kind=NotificationKind.REMINDER)


@override_settings(LASTMILE_REVIEW_REMINDER_HOURS=48)
def test_reviewers_are_reminded_of_a_submission_waiting_too_long(
    waiting, brand_manager, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    before = timezone.now()

    with django_capture_on_commit_callbacks(execute=True):
        output = _remind()

    reminder = _reminders().get()
    assert reminder.recipient == brand_manager
    assert reminder.document == waiting
    assert "3 days" in reminder.title
    assert [m.to for m in mail.outbox] == [[brand_manager.email]]
    assert before <= pending_round(waiting).reminded_at <= timezone.now()
    assert "Sent reminders for 1 submission " in output


@override_settings(LASTMILE_REVIEW_REMINDER_HOURS=48)
def test_a_second_run_sends_nothing(waiting):
    _remind()

    output = _remind()

    assert _reminders().count() == 1
    assert "Sent reminders for 0 submissions" in output


@override_settings(LASTMILE_REVIEW_REMINDER_HOURS=48)
def test_another_reminder_follows_once_the_period_has_passed_again(waiting):
    _remind()
    BrandReviewTaskState.objects.filter(document=waiting).update(reminded_at=timezone.now() - timedelta(hours=49))

    _remind()

    assert _reminders().count() == 2


@override_settings(LASTMILE_REVIEW_REMINDER_HOURS=48)
def test_a_recent_submission_is_not_reminded(waiting):
    _age(waiting, hours=47)

    _remind()

    assert not _reminders().exists()


@override_settings(LASTMILE_REVIEW_REMINDER_HOURS=48)
def test_the_hours_option_overrides_the_setting(waiting):
    _age(waiting, hours=5)

    _remind(hours=4)

    assert _reminders().count() == 1


@override_settings(LASTMILE_REVIEW_REMINDER_HOURS=48)
def test_decided_submissions_are_not_reminded(waiting, brand_manager):
    decide(waiting, brand_manager, Decision.APPROVE)
    Notification.objects.all().delete()

    _remind()

    assert not _reminders().exists()


@override_settings(LASTMILE_REVIEW_REMINDER_HOURS=48)
def test_only_the_regions_reviewers_are_reminded(waiting, brand_manager, roles):
    elsewhere = UserFactory(username="elsewhere")
    elsewhere.groups.add(roles[Role.BRAND_MANAGER])
    elsewhere.review_regions.add(RegionFactory(name="Far away", code="far"))

    _remind()

    assert list(_reminders().values_list("recipient__username", flat=True)) == [brand_manager.username]


def test_hours_must_be_positive(waiting):
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        _remind(hours=0)
