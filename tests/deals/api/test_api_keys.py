from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

import pytest

from deals.models import ApiKey
from deals.services.api_keys import ApiKeyError, api_key_authenticate, api_key_create, api_key_revoke

pytestmark = pytest.mark.django_db


def test_a_key_is_stored_only_as_its_hash():
    api_key, raw_key = api_key_create(name="Warehouse")
    stored = ApiKey.objects.get(pk=api_key.pk)
    assert raw_key.startswith(f"lm_{stored.prefix}_")
    assert raw_key not in (stored.secret_hash, stored.prefix, stored.name)
    assert len(stored.secret_hash) == 64


def test_the_key_authenticates_and_records_its_last_use():
    api_key, raw_key = api_key_create(name="Warehouse")
    assert api_key_authenticate(raw_key) == api_key
    assert ApiKey.objects.get(pk=api_key.pk).last_used_at is not None


@pytest.mark.parametrize("mangle", [lambda k: k[:-1] + ("A" if k[-1] != "A" else "B"), lambda k: "", lambda k: "lm__x"])
def test_a_wrong_or_malformed_key_authenticates_nothing(mangle):
    _, raw_key = api_key_create(name="Warehouse")
    assert api_key_authenticate(mangle(raw_key)) is None


def test_a_revoked_key_authenticates_nothing():
    api_key, raw_key = api_key_create(name="Warehouse")
    api_key_revoke(api_key=api_key)
    assert api_key_authenticate(raw_key) is None


def test_an_expired_key_authenticates_nothing():
    api_key, raw_key = api_key_create(name="Warehouse", expires_at=timezone.now() + timedelta(days=1))
    ApiKey.objects.filter(pk=api_key.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert api_key_authenticate(raw_key) is None


def test_a_key_of_a_deactivated_organisation_authenticates_nothing(partner_organisation):
    _, raw_key = api_key_create(name="Partner", organisation=partner_organisation)
    partner_organisation.is_active = False
    partner_organisation.save()
    assert api_key_authenticate(raw_key) is None


def test_a_key_needs_a_name():
    with pytest.raises(ApiKeyError):
        api_key_create(name="   ")
    assert not ApiKey.objects.exists()


def test_create_api_key_command_prints_the_key_once(capsys, partner_organisation):
    call_command(
        "create_api_key", "Partner CRM", "--organisation", partner_organisation.name, "--write", "--days", "30"
    )
    out = capsys.readouterr().out
    api_key = ApiKey.objects.get()
    raw_key = next(word for word in out.split() if word.startswith("lm_"))
    assert api_key_authenticate(raw_key) == api_key
    assert api_key.organisation == partner_organisation
    assert api_key.can_write
    assert api_key.expires_at > timezone.now() + timedelta(days=29)
