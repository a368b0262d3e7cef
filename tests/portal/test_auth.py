from django.core import mail
from django.urls import reverse

import pytest

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


def test_password_reset_mails_a_link_on_the_configured_site_not_the_request_host(client, person, settings):
    settings.ALLOWED_HOSTS = ["testserver", "other.example"]

    client.post(reverse("portal:password-reset"), {"email": "dana@example.com"}, HTTP_HOST="other.example")

    [message] = mail.outbox
    assert "http://testserver/password-reset/" in message.body
    assert "other.example" not in message.body


def test_password_reset_for_an_unknown_address_says_the_same_and_sends_nothing(client, person):
    response = client.post(reverse("portal:password-reset"), {"email": "nobody@example.com"}, follow=True)

    assert "Check your email" in response.text
    assert mail.outbox == []


def test_sign_out_is_a_post(client, person):
    client.force_login(person)

    response = client.post(reverse("portal:logout"))

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
