"""The approval loop's background tasks, as the worker runs them."""

from django.core import mail

from approvals import tasks
from approvals.models import Notification, NotificationKind

from ..factories.accounts import UserFactory
from ..locks import sqlite_only
from ..queue import outside_transaction


@sqlite_only
@outside_transaction
def test_notification_mail_waits_out_a_locked_database_and_is_sent_once(lock_database, monkeypatch):
    recipient = UserFactory(email="dana@example.com")
    notification = Notification.objects.create(recipient=recipient, kind=NotificationKind.APPROVED, title="Approved")
    held = lock_database()
    monkeypatch.setattr("accounts.task_retry.sleep", lambda seconds: held.release())

    sent = tasks.send_notification_mail.call([notification.pk])

    assert sent == 1
    assert [message.to for message in mail.outbox] == [["dana@example.com"]]
