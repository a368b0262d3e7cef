import shutil

from django.conf import settings

import pytest

from accounts.roles import Role, ensure_role_groups

from .factories.accounts import UserFactory
from .factories.approvals import make_reviewed_template
from .factories.brand import make_brand_kit
from .factories.templates_lib import make_template
from .locks import lock_database  # noqa: F401 (a fixture: the database locked from another connection)
from .queue import task_queue  # noqa: F401 (a fixture: tasks wait for the worker, as in production)


def pytest_sessionfinish(session, exitstatus):
    shutil.rmtree(getattr(settings, "TEST_FILES_ROOT", "/nonexistent"), ignore_errors=True)


@pytest.fixture
def roles(db):
    return ensure_role_groups()


def _user_with_role(roles, role: Role, **kwargs):
    user = UserFactory(**kwargs)
    user.groups.add(roles[role])
    return user


@pytest.fixture
def rep(roles):
    return _user_with_role(roles, Role.SALES_REP, username="rep", first_name="Dana", last_name="Whitfield")


@pytest.fixture
def partner_organisation(db):
    from .factories.accounts import OrganisationFactory

    return OrganisationFactory(name="Brightpath Partners")


@pytest.fixture
def partner_user(roles, partner_organisation):
    from accounts.services import organisation_member_add

    user = _user_with_role(roles, Role.PARTNER_USER, username="partner")
    organisation_member_add(organisation=partner_organisation, user=user)
    return user


@pytest.fixture
def manager(roles, partner_organisation):
    """The partner manager of `partner_organisation`."""
    from .factories.accounts import partner_member

    user = partner_member(partner_organisation, username="manager", first_name="Mia", last_name="Ortega")
    user.groups.add(roles[Role.PARTNER_MANAGER])
    return user


@pytest.fixture
def brand_manager(roles):
    return _user_with_role(roles, Role.BRAND_MANAGER, username="brand")


@pytest.fixture
def analyst(roles):
    return _user_with_role(roles, Role.MARKETING_ANALYST, username="analyst")


@pytest.fixture
def brand_kit(db):
    return make_brand_kit()


@pytest.fixture
def onepager(db, brand_kit):
    return make_template()


@pytest.fixture
def reviewed_template(db, brand_kit):
    """A published one-pager whose subheadline the brand team reviews (tests/factories/approvals.py)."""
    return make_reviewed_template()


@pytest.fixture
def brand_client(client, brand_manager):
    client.force_login(brand_manager)
    return client


@pytest.fixture
def rep_client(client, rep):
    client.force_login(rep)
    return client


@pytest.fixture(autouse=True)
def _empty_cache():
    """Throttling counters and other cached state never leak from one test into the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
