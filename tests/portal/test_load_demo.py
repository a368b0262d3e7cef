import io

from django.contrib.auth import get_user_model
from django.core.management import call_command

import pytest

from templates_lib.field_locks import LockMode
from templates_lib.layouts import Kind
from templates_lib.models import CollateralDocument, CollateralTemplate

pytestmark = pytest.mark.slow


@pytest.fixture
def demo(db):
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def test_demo_prints_the_logins(demo):
    for username in ("rep", "partner", "brand", "analyst", "admin"):
        assert f"  {username} " in demo
    assert "lastmile-demo" in demo


def test_demo_publishes_templates_of_every_kind_and_lock_mode(demo):
    templates = CollateralTemplate.objects.filter(live=True)

    assert templates.count() >= 6
    assert {t.kind for t in templates} == {kind.value for kind in Kind}
    modes = {f.lock_mode for t in templates for f in t.live_revision.as_object().field_list()}
    assert modes == {mode.value for mode in LockMode}


def test_demo_can_be_loaded_twice_without_duplicates(demo):
    counts = (CollateralTemplate.objects.count(), CollateralDocument.objects.count(), get_user_model().objects.count())

    call_command("load_demo", stdout=io.StringIO())

    assert (
        CollateralTemplate.objects.count(),
        CollateralDocument.objects.count(),
        get_user_model().objects.count(),
    ) == counts


def test_demo_users_can_sign_in_with_the_demo_password(demo, client):
    assert client.login(username="rep", password="lastmile-demo")
