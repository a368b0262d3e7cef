import io

from django.contrib.auth import get_user_model
from django.core.management import call_command

import pytest

from templates_lib.field_locks import LockMode
from templates_lib.layouts import Kind
from templates_lib.models import CollateralDocument, CollateralTemplate

from ..transactions import rolled_back_transaction

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo_output(django_db_setup, django_db_blocker):
    """The demo, loaded once for the module (it takes seconds) in an outer transaction that is
    rolled back after the module's last test; each test's transaction nests in it as a savepoint."""
    with django_db_blocker.unblock(), rolled_back_transaction():
        out = io.StringIO()
        call_command("load_demo", stdout=out)
        yield out.getvalue()


@pytest.fixture
def demo(db, demo_output):
    """What `load_demo` printed; the demo's rows are in the database."""
    return demo_output


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


@pytest.mark.parametrize("username", ["rep", "partner", "brand", "analyst", "admin"])
def test_demo_users_can_sign_in_with_the_demo_password(demo, client, username):
    signed_in = client.login(username=username, password="lastmile-demo")

    assert signed_in is True
    assert client.session["_auth_user_id"] == str(get_user_model().objects.get(username=username).pk)
