"""Notifications: email to the requester on a decision, and the portal page listing a user's own."""

from types import SimpleNamespace

from django.core import mail
from django.urls import reverse
from django.utils import timezone

import pytest

from approvals.models import Notification, NotificationKind
from approvals.services import Decision

from ..factories.accounts import UserFactory
from ..factories.approvals import decide, document_in_review


@pytest.fixture
def in_review(reviewed_template, rep):
    return document_in_review(reviewed_template, rep)


def _notification(user, title="Something happened", **kwargs):
    return Notification.objects.create(recipient=user, kind=NotificationKind.APPROVED, title=title, **kwargs)


def _lastmile_mail():
    """Lastmile's own notification emails (Wagtail sends its workflow emails alongside)."""
    return [m for m in mail.outbox if m.subject.startswith("[Lastmile]")]


# --- Email on decision ----------------------------------------------------------------------------


def test_the_requester_is_emailed_when_the_document_is_approved(
    in_review, rep, brand_manager, django_capture_on_commit_callbacks
):
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        decide(in_review, brand_manager, Decision.APPROVE)

    sent = _lastmile_mail()
    assert [m.to for m in sent] == [[rep.email]]
    assert "is approved" in sent[0].subject
    assert reverse("portal:document-edit", args=[in_review.public_id]) in sent[0].body


def test_the_requester_is_emailed_the_field_comments_when_changes_are_requested(
    in_review, rep, brand_manager, django_capture_on_commit_callbacks
):
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        decide(in_review, brand_manager, Decision.REQUEST_CHANGES, field_comments={"subheadline": "Shorter"})

    sent = _lastmile_mail()
    assert [m.to for m in sent] == [[rep.email]]
    assert "Subheadline: Shorter" in sent[0].body
    notification = Notification.objects.get(recipient=rep)
    assert notification.kind == NotificationKind.CHANGES_REQUESTED


def test_no_email_is_sent_before_the_decision_commits(in_review, rep, brand_manager):
    mail.outbox.clear()

    decide(in_review, brand_manager, Decision.REJECT, comment="No")

    assert _lastmile_mail() == []
    notification = Notification.objects.get(recipient=rep)
    assert (notification.kind, notification.title) == (NotificationKind.REJECTED, f"“{in_review.title}” was rejected")


# --- The notifications page -------------------------------------------------------------------------


def test_the_page_lists_only_the_users_own_notifications(rep_client, rep):
    _notification(rep, title="For Dana")
    _notification(UserFactory(username="someone"), title="For someone else")

    response = rep_client.get(reverse("portal:notifications"))

    assert response.status_code == 200
    assert "For Dana" in response.text
    assert "For someone else" not in response.text


def test_the_page_lists_the_newest_first_and_highlights_unread(rep_client, rep):
    _notification(rep, title="Older", read_at=timezone.now())
    _notification(rep, title="Newer")

    response = rep_client.get(reverse("portal:notifications"))

    assert response.text.index("Newer") < response.text.index("Older")
    assert response.text.count("notification--unread") == 1


def test_the_page_is_paginated(rep_client, rep):
    for number in range(25):
        _notification(rep, title=f"Notice {number:02d}")

    first = rep_client.get(reverse("portal:notifications"))
    second = rep_client.get(reverse("portal:notifications"), {"page": 2})

    assert "Notice 24" in first.text
    assert "Notice 04" not in first.text
    assert "Notice 04" in second.text
    assert "Notice 24" not in second.text


def test_the_page_has_an_empty_state(rep_client):
    response = rep_client.get(reverse("portal:notifications"))

    assert "No notifications yet" in response.text
    assert "Mark all as read" not in response.text


def test_opening_a_notification_marks_it_read_and_follows_its_link(rep_client, rep):
    notification = _notification(rep, url="/documents/")
    before = timezone.now()

    response = rep_client.get(reverse("portal:notification-open", args=[notification.pk]))

    notification.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == "/documents/"
    assert before <= notification.read_at <= timezone.now()


def test_a_notification_never_redirects_off_the_site(rep_client, rep):
    notification = _notification(rep, url="https://evil.example/")

    response = rep_client.get(reverse("portal:notification-open", args=[notification.pk]))

    assert response["Location"] == reverse("portal:notifications")


def test_another_users_notification_cannot_be_opened(rep_client):
    notification = _notification(UserFactory(username="someone"))

    response = rep_client.get(reverse("portal:notification-open", args=[notification.pk]))

    notification.refresh_from_db()
    assert response.status_code == 404
    assert notification.read_at is None


def test_mark_all_as_read_marks_only_the_users_own(rep_client, rep):
    mine = [_notification(rep), _notification(rep)]
    theirs = _notification(UserFactory(username="someone"))
    before = timezone.now()

    response = rep_client.post(reverse("portal:notifications-read-all"))

    assert response.status_code == 302
    for notification in mine:
        notification.refresh_from_db()
        assert before <= notification.read_at <= timezone.now()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_as_read_needs_a_post(rep_client, rep):
    notification = _notification(rep)

    response = rep_client.get(reverse("portal:notifications-read-all"))

    notification.refresh_from_db()
    assert response.status_code == 405
    assert notification.read_at is None


def test_the_nav_shows_the_unread_count(rep_client, rep):
    _notification(rep)
    _notification(rep)
    _notification(rep, read_at=timezone.now())

    response = rep_client.get(reverse("portal:documents"))

    assert '<span class="nav-count">2<span class="visually-hidden"> unread</span></span>' in response.text


def test_the_unread_count_costs_one_query(rep_client, rep, django_assert_num_queries):
    from django.test import RequestFactory

    from portal.context_processors import portal

    _notification(rep)
    request = RequestFactory().get("/documents/")
    request.user = rep
    count = portal(request)["unread_notification_count"]

    with django_assert_num_queries(1):
        assert count() == 1
        assert count() == 1


def test_notifications_need_signing_in(client):
    response = client.get(reverse("portal:notifications"))

    assert response.status_code == 302
    assert reverse("portal:login") in response["Location"]


def test_notification_mail_is_handed_to_the_task_worker_after_commit(
    in_review, brand_manager, monkeypatch, django_capture_on_commit_callbacks
):
    queued = []
    monkeypatch.setattr(
        "approvals.notifications.send_notification_mail", SimpleNamespace(enqueue=lambda ids: queued.append(ids))
    )
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        decide(in_review, brand_manager, Decision.APPROVE)

    notification = Notification.objects.get(recipient=in_review.owner, kind=NotificationKind.APPROVED)
    assert queued == [[notification.pk]]
    assert _lastmile_mail() == []


def test_the_worker_emails_each_notification_with_its_link(rep):
    from approvals.tasks import send_notification_mail

    notification = _notification(rep, title="Approved", body="Go ahead.", url="/documents/x/")
    mail.outbox.clear()

    sent = send_notification_mail.enqueue([notification.pk]).return_value

    assert sent == 1
    message = _lastmile_mail()[0]
    assert message.to == [rep.email]
    assert message.subject == "[Lastmile] Approved"
    assert message.body == "Go ahead.\n\nhttp://testserver/documents/x/"
