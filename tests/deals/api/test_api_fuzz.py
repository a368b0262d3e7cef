"""Schemathesis drives every operation of the published schema with generated input, with a valid
read-write key: no answer is a server error, and every answer matches the schema (status code,
content type, body). Schemathesis' own pytest plugin does not run under pytest 9, so the test
drives its Hypothesis strategies itself."""

from django.core.signals import request_finished, request_started
from django.db import close_old_connections

import pytest
import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from ...factories.deals import DealFactory

EXAMPLES_PER_OPERATION = 15


@pytest.fixture
def api_schema(db):
    from portal.wsgi import application

    # Django's test client does the same: a request's close_old_connections would close the
    # test's connection (its transaction is open) on PostgreSQL.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_the_api_answers_every_generated_request_within_its_schema(api_schema, company_key, rep, settings):
    settings.LASTMILE_API_RATE = "100000/m"
    DealFactory(owner=rep, name="A deal")
    headers = {"Authorization": f"Bearer {company_key[1]}"}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 8

    for operation in operations:

        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case):
            # A made-up cursor is "valid" to the schema (a string) but rightly refused: cursors are opaque.
            case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])

        check()
