from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import pytest
from django_tasks.signals import task_enqueued

from portal.services import login_throttle

from ..factories.accounts import UserFactory

PASSWORD = "correct horse battery staple"


@pytest.fixture
def person(db):
    return UserFactory(username="dana", email="dana@example.com")


def _sign_in(client, username, password, **extra):
    return client.post(reverse("portal:login"), {"username": username, "password": password}, **extra)


def test_sign_in_lands_on_the_template_library(client, person):
    response = _sign_in(client, "dana", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:library")


def test_a_wrong_password_is_refused_with_a_clear_message(client, person):
    response = _sign_in(client, "dana", "wrong")

    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.text
    assert "_auth_user_id" not in client.session


def test_repeated_failures_lock_the_account_for_a_while_even_with_the_right_password(client, person):
    for _ in range(5):
        _sign_in(client, "dana", "wrong")

    response = _sign_in(client, "dana", PASSWORD)

    assert "Too many failed sign-in attempts" in response.text
    assert "_auth_user_id" not in client.session


def test_rotating_forwarded_for_addresses_does_not_dodge_the_limit(client, person):
    for n in range(5):
        _sign_in(client, "dana", "wrong", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")

    response = _sign_in(client, "dana", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7")

    assert "Too many failed sign-in attempts" in response.text


def test_a_successful_sign_in_clears_earlier_failures(client, person):
    for _ in range(4):
        _sign_in(client, "dana", "wrong")
    _sign_in(client, "dana", PASSWORD)
    client.logout()

    for _ in range(4):
        _sign_in(client, "dana", "wrong")
    response = _sign_in(client, "dana", PASSWORD)

    assert response.status_code == 302


@pytest.fixture
def pauses(monkeypatch):
    """The seconds sign-in attempts were held for (recorded, not slept)."""
    recorded = []
    monkeypatch.setattr(login_throttle.time, "sleep", recorded.append)
    return recorded


def _fail_from_one_address(client, count, address="198.51.100.20"):
    for n in range(count):
        _sign_in(client, f"guess{n}", "wrong", REMOTE_ADDR=address)


def test_failures_for_other_accounts_from_one_address_never_refuse_a_correct_password(client, person, pauses):
    _fail_from_one_address(client, 40)

    response = _sign_in(client, "dana", PASSWORD, REMOTE_ADDR="198.51.100.20")

    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == person.pk


def test_an_address_over_its_limit_is_slowed_down_more_with_each_failure(client, person, settings, pauses):
    settings.LASTMILE_LOGIN_MAX_FAILURES_PER_ADDRESS = 30
    settings.LASTMILE_LOGIN_ADDRESS_DELAY_SECONDS = 1
    settings.LASTMILE_LOGIN_ADDRESS_MAX_DELAY_SECONDS = 3
    _fail_from_one_address(client, 29)
    assert pauses == []

    _fail_from_one_address(client, 5)

    assert pauses == [1, 2, 3, 3]


def test_a_correct_password_from_a_slowed_address_waits_its_turn(client, person, settings, pauses):
    settings.LASTMILE_LOGIN_ADDRESS_DELAY_SECONDS = 0.5
    _fail_from_one_address(client, 32)
    pauses.clear()

    _sign_in(client, "dana", PASSWORD, REMOTE_ADDR="198.51.100.20")

    assert pauses == [1.5]


def test_other_addresses_are_not_slowed_down(client, person, pauses):
    _fail_from_one_address(client, 40)
    pauses.clear()

    _sign_in(client, "dana", PASSWORD, REMOTE_ADDR="192.0.2.1")

    assert pauses == []


def test_an_open_redirect_after_sign_in_is_refused(client, person):
    response = client.post(
        reverse("portal:login") + "?next=//evil.example/",
        {"username": "dana", "password": PASSWORD, "next": "//evil.example/"},
    )

    assert response["Location"] == reverse("portal:library")


def test_pages_need_sign_in(client, db):
    response = client.get(reverse("portal:library"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:login"))


def _reset(client, email, **extra):
    return client.post(reverse("portal:password-reset"), {"email": email}, **extra)


def test_password_reset_mails_a_link_on_the_configured_site_not_the_request_host(
    client, person, settings, django_capture_on_commit_callbacks
):
    settings.ALLOWED_HOSTS = ["testserver", "other.example"]

    with django_capture_on_commit_callbacks(execute=True):
        _reset(client, "dana@example.com", HTTP_HOST="other.example")

    [message] = mail.outbox
    assert "http://testserver/password-reset/" in message.body
    assert "other.example" not in message.body


def test_password_reset_for_an_unknown_address_says_the_same_and_sends_nothing(
    client, person, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _reset(client, "nobody@example.com", follow=True)

    assert "Check your email" in response.text
    assert mail.outbox == []


def test_password_reset_mail_is_sent_by_the_task_worker_once_the_request_commits(
    client, person, django_capture_on_commit_callbacks
):
    enqueued = []

    def remember(sender, task_result, **kwargs):
        enqueued.append(task_result.task.module_path)

    task_enqueued.connect(remember)
    try:
        with django_capture_on_commit_callbacks() as callbacks:
            _reset(client, "dana@example.com")
        assert mail.outbox == []
        for callback in callbacks:
            callback()
    finally:
        task_enqueued.disconnect(remember)

    assert enqueued == ["accounts.tasks.send_password_reset_email"]
    [message] = mail.outbox
    assert message.to == ["dana@example.com"]


def test_the_reset_request_never_looks_the_account_up(client, person):
    with CaptureQueriesContext(connection) as queries:
        response = _reset(client, "dana@example.com")

    assert response.status_code == 302
    assert not [query for query in queries.captured_queries if "accounts_user" in query["sql"]]


def test_reset_requests_from_one_client_address_are_limited(client, db, settings, django_capture_on_commit_callbacks):
    settings.LASTMILE_PASSWORD_RESET_MAX_PER_ADDRESS = 3
    people = [UserFactory(username=f"person{n}") for n in range(6)]

    with django_capture_on_commit_callbacks(execute=True):
        for person in people:
            _reset(client, person.email)

    assert sorted(message.to[0] for message in mail.outbox) == sorted(person.email for person in people[:3])


def test_rotating_forwarded_for_addresses_does_not_dodge_the_reset_limit(
    client, db, settings, django_capture_on_commit_callbacks
):
    settings.LASTMILE_PASSWORD_RESET_MAX_PER_ADDRESS = 3
    people = [UserFactory(username=f"person{n}") for n in range(6)]

    with django_capture_on_commit_callbacks(execute=True):
        for n, person in enumerate(people):
            _reset(client, person.email, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")

    assert len(mail.outbox) == 3


def test_reset_requests_for_one_account_are_limited_whichever_address_they_come_from(
    client, person, settings, django_capture_on_commit_callbacks
):
    settings.LASTMILE_TRUSTED_PROXY_COUNT = 1
    settings.LASTMILE_PASSWORD_RESET_MAX_PER_ACCOUNT = 2
    spellings = ["dana@example.com", "Dana@Example.com", " DANA@EXAMPLE.COM", "dana@example.com"]

    with django_capture_on_commit_callbacks(execute=True):
        for n, email in enumerate(spellings):
            _reset(client, email, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")

    assert len(mail.outbox) == 2


def test_a_limited_reset_request_gets_the_same_answer_as_any_other(client, person, settings):
    settings.LASTMILE_PASSWORD_RESET_MAX_PER_ACCOUNT = 1
    first = _reset(client, "dana@example.com")

    limited = _reset(client, "dana@example.com")
    unknown = _reset(client, "nobody@example.com")

    answers = {(r.status_code, r["Location"], r.content) for r in (first, limited, unknown)}
    assert answers == {(302, reverse("portal:password-reset-done"), b"")}


def test_sign_out_is_a_post(client, person):
    client.force_login(person)

    response = client.post(reverse("portal:logout"))

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
