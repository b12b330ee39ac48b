import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.groups import CONTRACTORS_STAFF, VIOLATIONS_STAFF, grant
from accounts.tests.factories import UserFactory
from contractors.constants import RenewalStatus
from contractors.models import RenewalRequest
from contractors.tests.factories import PermitFactory, RenewalRequestFactory
from contractors.workflow import renewal_refuse

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:contractors_renewalrequest_changelist")


@pytest.fixture
def department(client):
    """A member of the contractor-permits department, signed in to the admin."""
    grant(CONTRACTORS_STAFF, "contractors")
    member = UserFactory(staff=True)
    member.groups.add(Group.objects.get(name=CONTRACTORS_STAFF))
    client.force_login(member)
    return member


def _approve_url(renewal):
    return reverse("admin:contractors_renewalrequest_approve", args=[renewal.pk])


def _refuse_url(renewal):
    return reverse("admin:contractors_renewalrequest_refuse", args=[renewal.pk])


def test_the_changelist_shows_each_queue_with_its_count(client, frozen, department, staff):
    for _ in range(3):
        RenewalRequestFactory()
    refused = RenewalRequestFactory()
    renewal_refuse(renewal=refused, staff=staff, reason="ناقص")

    response = client.get(CHANGELIST)

    assert response.status_code == 200
    queues = {key: count for key, _label, count in response.context["queues"]}
    assert queues == {"to_review": 3, "awaiting_payment": 0, "issued": 0, "refused": 1, "cancelled": 0}
    only_to_review = client.get(CHANGELIST, {"queue": "to_review"})
    assert only_to_review.context["cl"].result_count == 3


def test_the_changelist_query_count_does_not_grow_with_rows(client, frozen, department, django_assert_max_num_queries):
    for _ in range(2):
        RenewalRequestFactory()
    with django_assert_max_num_queries(30) as few:
        client.get(CHANGELIST)
    for _ in range(8):
        RenewalRequestFactory()
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(CHANGELIST)


def test_staff_approve_with_period_and_fee(client, frozen, department):
    renewal = RenewalRequestFactory(permit=PermitFactory(kind="tower_crane"))
    form = client.get(_approve_url(renewal))
    assert form.context["form"].initial == {
        "approved_from": dt.date(2027, 1, 1),
        "approved_until": dt.date(2027, 12, 31),
        "fee": Decimal("250.000"),
    }

    response = client.post(
        _approve_url(renewal), {"approved_from": "2027-01-01", "approved_until": "2027-06-30", "fee": "125.500"}
    )

    renewal = RenewalRequest.objects.get(pk=renewal.pk)
    assert response.status_code == 302
    assert renewal.status == RenewalStatus.AWAITING_PAYMENT and renewal.approved_until == dt.date(2027, 6, 30)
    assert renewal.bill.amount == Decimal("125.500")
    assert renewal.events.last().actor == department


def test_staff_refuse_with_a_reason_only(client, frozen, department):
    renewal = RenewalRequestFactory()

    empty = client.post(_refuse_url(renewal), {"reason": ""})
    assert empty.status_code == 200 and empty.context["form"].errors
    client.post(_refuse_url(renewal), {"reason": "التصريح موقوف بقرار من اللجنة"})

    renewal = RenewalRequest.objects.get(pk=renewal.pk)
    assert renewal.status == RenewalStatus.REFUSED and renewal.refusal_reason == "التصريح موقوف بقرار من اللجنة"


def test_a_decided_request_shows_no_decision_buttons_and_refuses_a_second_decision(client, frozen, department, staff):
    renewal = RenewalRequestFactory()
    renewal_refuse(renewal=renewal, staff=staff, reason="سبب")

    page = client.get(reverse("admin:contractors_renewalrequest_change", args=[renewal.pk]))
    assert page.status_code == 200 and not page.context["decidable"]
    again = client.post(
        _approve_url(renewal), {"approved_from": "2027-01-01", "approved_until": "2027-12-31", "fee": "10"}
    )
    assert again.status_code == 200 and again.context["form"].non_field_errors()


def test_another_department_cannot_decide(client, frozen):
    grant(VIOLATIONS_STAFF, "violations")
    outsider = UserFactory(staff=True)
    outsider.groups.add(Group.objects.get(name=VIOLATIONS_STAFF))
    client.force_login(outsider)
    renewal = RenewalRequestFactory()

    assert client.get(_approve_url(renewal)).status_code == 403
    assert client.post(_refuse_url(renewal), {"reason": "x"}).status_code == 403
    assert RenewalRequest.objects.get(pk=renewal.pk).status == RenewalStatus.SUBMITTED


def test_the_register_is_managed_in_the_admin(client, frozen, department):
    permit = PermitFactory()

    assert client.get(reverse("admin:contractors_contractor_changelist")).status_code == 200
    assert client.get(reverse("admin:contractors_contractor_change", args=[permit.contractor.pk])).status_code == 200
    assert client.get(reverse("admin:contractors_permit_changelist"), {"q": permit.number}).status_code == 200
