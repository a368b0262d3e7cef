"""Connection credentials and webhook secrets, encrypted at rest (ADR 20).

Fernet (AES-128-CBC with HMAC-SHA256) from `cryptography`, with keys from the environment:
LASTMILE_CREDENTIALS_KEYS is a comma-separated list, the first key encrypts, every key decrypts,
so a new key goes first and `manage.py rotate_credentials` re-encrypts everything with it before
the old one is removed. Not SECRET_KEY: rotating that must not lose every CRM connection, and
a leaked SECRET_KEY must not open them."""

import json

from django.conf import settings
from django.views.decorators.debug import sensitive_variables

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class CredentialsUnavailable(Exception):
    """No key is configured, or none of them opens what is stored (say so; never show the value)."""


def _cipher() -> MultiFernet:
    keys = [key.strip() for key in settings.LASTMILE_CREDENTIALS_KEYS if key.strip()]
    if not keys:
        raise CredentialsUnavailable(
            "Set LASTMILE_CREDENTIALS_KEYS (make one with `manage.py rotate_credentials --new-key`) "
            "before storing CRM credentials."
        )
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except ValueError:
        raise CredentialsUnavailable("LASTMILE_CREDENTIALS_KEYS holds a value that is not a Fernet key.") from None


def new_key() -> str:
    return Fernet.generate_key().decode()


@sensitive_variables("values")
def seal(values: dict[str, str]) -> str:
    """The encrypted form of `values` (a small dict of strings) for the database."""
    return _cipher().encrypt(json.dumps(values, sort_keys=True).encode()).decode()


@sensitive_variables()
def unseal(token: str) -> dict[str, str]:
    if not token:
        return {}
    try:
        return json.loads(_cipher().decrypt(token.encode()))
    except InvalidToken:
        raise CredentialsUnavailable(
            "The stored credentials cannot be decrypted with the configured keys: was a key removed too early?"
        ) from None


def reseal(token: str) -> str:
    """`token` encrypted again with the first key (for rotation); unchanged if empty."""
    if not token:
        return token
    try:
        return _cipher().rotate(token.encode()).decode()
    except InvalidToken:
        raise CredentialsUnavailable("A stored value cannot be decrypted with the configured keys.") from None
