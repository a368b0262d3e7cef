"""Credentials at rest: sealed with the first configured key, opened with any, re-sealed on rotation."""

import pytest

from deals.credentials import CredentialsUnavailable, new_key, reseal, seal, unseal

OLD, NEW = new_key(), new_key()


def test_a_sealed_value_opens_to_what_was_sealed(settings):
    settings.LASTMILE_CREDENTIALS_KEYS = [OLD]

    assert unseal(seal({"client_secret": "s3cret"})) == {"client_secret": "s3cret"}


def test_the_sealed_text_does_not_contain_the_value(settings):
    settings.LASTMILE_CREDENTIALS_KEYS = [OLD]

    assert "s3cret" not in seal({"client_secret": "s3cret"})


def test_a_value_sealed_with_the_old_key_opens_while_both_are_configured(settings):
    settings.LASTMILE_CREDENTIALS_KEYS = [OLD]
    token = seal({"token": "abc"})
    settings.LASTMILE_CREDENTIALS_KEYS = [NEW, OLD]

    assert unseal(token) == {"token": "abc"}


def test_resealing_makes_the_old_key_unnecessary(settings):
    settings.LASTMILE_CREDENTIALS_KEYS = [OLD]
    token = seal({"token": "abc"})
    settings.LASTMILE_CREDENTIALS_KEYS = [NEW, OLD]
    token = reseal(token)
    settings.LASTMILE_CREDENTIALS_KEYS = [NEW]

    assert unseal(token) == {"token": "abc"}


def test_a_removed_key_says_so_without_the_value(settings):
    settings.LASTMILE_CREDENTIALS_KEYS = [OLD]
    token = seal({"token": "abc"})
    settings.LASTMILE_CREDENTIALS_KEYS = [NEW]

    with pytest.raises(CredentialsUnavailable, match="cannot be decrypted") as raised:
        unseal(token)
    assert "abc" not in str(raised.value)


def test_no_key_configured_is_a_plain_error(settings):
    settings.LASTMILE_CREDENTIALS_KEYS = []

    with pytest.raises(CredentialsUnavailable, match="Set LASTMILE_CREDENTIALS_KEYS"):
        seal({"token": "abc"})


def test_a_key_that_is_not_a_fernet_key_is_a_plain_error(settings):
    settings.LASTMILE_CREDENTIALS_KEYS = ["not-a-key"]

    with pytest.raises(CredentialsUnavailable, match="not a Fernet key"):
        seal({"token": "abc"})
