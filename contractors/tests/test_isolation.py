"""Owners see only their own renewal requests, bills and renewed permits: anyone else gets 404."""

from decimal import Decimal

import pytest
from django.test import Client, TestCase
from django.urls import reverse

from accounts.tests.factories import MembershipFactory
from contractors.models import RenewalRequest
from contractors.tests.factories import RenewalRequestFactory
from contractors.workflow import renewal_approve, renewal_default_period
from payments.testing import pay_bill

pytestmark = pytest.mark.django_db

TRACK = reverse("contractors:track")


def _issued(permit, staff, **kwargs) -> RenewalRequest:
    renewal = RenewalRequestFactory(permit=permit, **kwargs)
    start, end = renewal_default_period(renewal=renewal)
    renewal = renewal_approve(renewal=renewal, staff=staff, approved_from=start, approved_until=end, fee=Decimal("150"))
    # The renewed permit is issued by a task enqueued once the payment has committed.
    with TestCase.captureOnCommitCallbacks(execute=True):
        pay_bill(renewal.bill)
    return RenewalRequest.objects.select_related("bill").get(pk=renewal.pk)


def _object_urls(renewal: RenewalRequest) -> dict[str, str]:
    document = renewal.renewed_permit()
    return {
        "track detail": reverse("contractors:track-detail", kwargs={"reference": renewal.reference}),
        "renewed permit pdf": reverse("contractors:track-document", kwargs={"reference": renewal.reference}),
        "my application": reverse("services:application-detail", kwargs={"reference": renewal.reference}),
        "bill": reverse("payments:bill-detail", kwargs={"billing_number": renewal.bill.billing_number}),
        "receipt": reverse("payments:bill-receipt", kwargs={"billing_number": renewal.bill.billing_number}),
        "document download": reverse("services:document-download", kwargs={"code": document.display_code}),
    }


def test_the_owner_opens_every_object_url(client, frozen, permit, staff, user):
    renewal = _issued(permit, staff, user=user)
    client.force_login(user)

    statuses = {name: client.get(url).status_code for name, url in _object_urls(renewal).items()}

    assert statuses == {
        "track detail": 200,
        "renewed permit pdf": 200,
        "my application": 200,
        "bill": 200,
        "receipt": 302,  # to the receipt's own document download
        "document download": 200,
    }


def test_a_second_user_gets_404_on_every_object_url(client, frozen, permit, staff, user, other_user):
    renewal = _issued(permit, staff, user=user)
    client.force_login(other_user)

    statuses = {name: client.get(url).status_code for name, url in _object_urls(renewal).items()}

    assert set(statuses.values()) == {404}, statuses
    assert permit.contractor.name_ar not in client.get(_object_urls(renewal)["track detail"]).content.decode()


def test_a_member_of_another_organisation_gets_404(client, frozen, permit, staff, user):
    membership = MembershipFactory(user=user)
    renewal = _issued(permit, staff, user=user, organisation=membership.organisation)
    outsider = MembershipFactory().user
    client.force_login(outsider)

    statuses = {name: client.get(url).status_code for name, url in _object_urls(renewal).items()}

    assert set(statuses.values()) == {404}, statuses


def test_an_anonymous_request_is_shown_only_to_whoever_proves_the_phone(frozen, permit, staff, user):
    renewal = _issued(permit, staff, phone="+962791112233")
    detail = reverse("contractors:track-detail", kwargs={"reference": renewal.reference})
    pdf = reverse("contractors:track-document", kwargs={"reference": renewal.reference})

    stranger, logged_in = Client(), Client()
    logged_in.force_login(user)
    for visitor in (stranger, logged_in):
        assert visitor.get(detail).status_code == 404
        assert visitor.get(pdf).status_code == 404
        assert renewal.reference not in visitor.get(reverse("services:my-applications")).content.decode()

    applicant = Client()
    assert applicant.post(TRACK, {"reference": renewal.reference, "phone": "0791112233"}).status_code == 302
    assert applicant.get(detail).status_code == 200
    assert applicant.get(pdf)["Content-Type"] == "application/pdf"
    # Proving it in one browser grants nothing to another.
    assert stranger.get(detail).status_code == 404


def test_an_unknown_reference_looks_the_same_as_someone_elses(client, frozen, permit, user):
    renewal = RenewalRequestFactory(permit=permit, user=user)
    mine = client.get(reverse("contractors:track-detail", kwargs={"reference": renewal.reference}))
    unknown = client.get(reverse("contractors:track-detail", kwargs={"reference": "CP-AAAA-AA"}))

    assert mine.status_code == unknown.status_code == 404
    assert mine.templates[0].name == unknown.templates[0].name == "contractors/track.html"
