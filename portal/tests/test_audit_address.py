"""The audit trail records the client's address as core.ratelimit.client_ip reads it (issue 17)."""

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from portal.audit import record
from portal.models import AuditEntry

pytestmark = [pytest.mark.django_db, pytest.mark.security]


def test_behind_the_tls_proxy_the_trail_records_the_client_address_not_the_proxy(client, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.5"]
    person = UserFactory()
    client.force_login(UserFactory(staff=True, is_superuser=True))
    url = reverse("admin:accounts_user_change", args=[person.pk])
    response = client.get(url, REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.7")
    assert response.status_code == 200
    assert AuditEntry.objects.get(action="view", object_id=str(person.pk)).ip_address == "203.0.113.7"
    # A header sent straight to the portal is not believed.
    client.get(url, REMOTE_ADDR="198.51.100.4", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert AuditEntry.objects.filter(action="view").latest("pk").ip_address == "198.51.100.4"


def test_outside_a_request_the_trail_has_no_address():
    assert record(action="create").ip_address is None
