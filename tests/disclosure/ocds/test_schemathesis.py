"""schemathesis over the OCDS operations of the OpenAPI schema (/api/schema/), against the Django
WSGI application in process: valid and invalid parameters, a few dozen cases an operation, and no
answer is a server error."""

import hypothesis
import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, strategies

from config.wsgi import application
from disclosure.ocds import bulk
from tests.disclosure.ocds import scenario

pytestmark = pytest.mark.django_db

EXAMPLES = 30


@pytest.fixture
def keep_test_connection():
    """As Django's test client does: the WSGI handler must not close the test's connection (and
    its transaction) at the end of each request."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def test_no_generated_request_makes_a_server_error(
    ocds_lot, make_release_rows, settings, keep_test_connection
):
    settings.PUBLIC_RATE_LIMIT = "100000/minute"  # the limiter has its own test; here every case runs
    make_release_rows(scenario.lifecycle(), ocds_lot)
    bulk.write_changed_days()
    schema = schemathesis.openapi.from_wsgi("/api/schema/", application).include(path_regex="^/api/ocds/")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.path for op in operations} >= {
        "/api/ocds/releases/",
        "/api/ocds/releases/{release_id}/",
        "/api/ocds/records/{ocid}/",
        "/api/ocds/bulk/",
        "/api/ocds/bulk/{name}",
    }
    statuses: set[int] = set()
    cases = strategies.one_of(
        schema.as_strategy(generation_mode=schemathesis.GenerationMode.POSITIVE),
        schema.as_strategy(generation_mode=schemathesis.GenerationMode.NEGATIVE),
    )

    @hypothesis.settings(
        max_examples=EXAMPLES * len(operations),
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @hypothesis.given(case=cases)
    def call(case):
        response = case.call()
        statuses.add(response.status_code)
        assert response.status_code < 500, (
            f"{case.method} {case.formatted_path} {case.query}: {response.text}"
        )

    call()
    assert 200 in statuses and 400 in statuses and 404 in statuses
