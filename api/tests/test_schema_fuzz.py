"""Schemathesis against the live schema: generated requests (valid and not) to every operation, with a
signed-in token. No 5xx, every answer's status, content type and body as the schema declares."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from api.models import ApiToken
from violations.tests.factories import VehicleFactory, ViolationFactory

# The schema the app itself serves, called in-process through WSGI (pytest-django has set Django up).
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
# Unknown query parameters are ignored, as HTTP APIs do; a missing token is tested in test_api.py
# (here the token is always sent, so a case "without" it would be a false alarm).
schema.config.generation.update(allow_extra_parameters=False, with_security_parameters=False)


@pytest.fixture
def keep_test_connection():
    """Like Django's test client, keep the request cycle from closing the test's connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(user):
    vehicle = VehicleFactory(plate_code="10", plate_number="79210", registration_number="4412345")
    ViolationFactory(vehicle=vehicle)
    _row, raw = ApiToken.issue(user=user, device="schemathesis")
    return raw


@schema.parametrize()
@hypothesis_settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_answers_as_its_schema_says(case, token, keep_test_connection, settings):
    settings.AXES_FAILURE_LIMIT = 1000  # generated sign-ins must not lock the test user out mid-run
    # A real server always sets REMOTE_ADDR (rate limits key on it); the in-process client does not.
    # Schema-valid input can still break a business rule (a 7-digit licence without its centre): 422
    # is then the right answer, so the "valid data accepted" heuristic is left out.
    case.call_and_validate(
        headers={"Authorization": f"Bearer {token}"},
        environ_base={"REMOTE_ADDR": "10.9.9.9"},
        excluded_checks=[schemathesis.checks.positive_data_acceptance],
    )
