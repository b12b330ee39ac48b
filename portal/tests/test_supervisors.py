"""Issue 18, item 3: the supervisor saw only accidents, accounts and payments in the admin: no contractor,
licensing or violations queues, no audit trail. A supervisor sees every department, read-only."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.groups import SUPERVISORS
from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

EVERY_DEPARTMENT = [
    "accidents_accidentclaim",
    "contractors_renewalrequest",
    "contractors_contractor",
    "licensing_splitapplication",
    "licensing_inspectionslot",
    "violations_violation",
    "violations_feedimport",
    "payments_bill",
    "payments_payment",
    "services_application",
    "services_holiday",
    "notifications_notification",
    "portal_auditentry",
]


@pytest.fixture
def supervisor(client):
    user = UserFactory(staff=True)
    user.groups.add(Group.objects.get(name=SUPERVISORS))  # as the data migrations left the group
    client.force_login(user)
    return user


@pytest.mark.parametrize("changelist", EVERY_DEPARTMENT)
def test_a_supervisor_sees_every_departments_queue_and_the_audit_trail(client, supervisor, changelist):
    assert client.get(reverse(f"admin:{changelist}_changelist")).status_code == 200


def test_a_supervisor_sees_the_dashboard(client, supervisor):
    assert client.get(reverse("performance:dashboard")).status_code == 200


def test_a_supervisor_looks_but_never_decides(supervisor):
    granted = supervisor.get_all_permissions()
    assert granted and all(name.split(".", 1)[1].startswith("view_") for name in granted)
    assert not supervisor.has_perm("licensing.inspect_splitapplication")
    assert not supervisor.has_perm("contractors.change_renewalrequest")
