"""Owners see only their own things: a second person, or another organisation, gets 404 (never 403,
which would say the thing exists) on every URL that names one of someone else's objects."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.tests.factories import MembershipFactory, OrganisationFactory
from payments.models import Bill
from payments.testing import pay_bill
from services.models import IssuedDocument
from violations.models import FleetVehicle
from violations.tests.factories import FleetVehicleFactory, VehicleFactory, ViolationFactory

pytestmark = pytest.mark.django_db

STATEMENT = reverse("violations:statement")
FLEET = reverse("violations:fleet")
VEHICLES = reverse("violations:fleet-vehicles")


def _download(document):
    return reverse("services:document-download", kwargs={"code": document.code})


@pytest.fixture
def vehicle():
    vehicle = VehicleFactory(plate_code="10", plate_number="79210", registration_number="7702154")
    ViolationFactory(vehicle=vehicle, number="V-A", amount=Decimal("15.000"))
    ViolationFactory(vehicle=vehicle, number="V-B", amount=Decimal("20.500"))
    return vehicle


@pytest.fixture
def owner(logged_in, vehicle):
    """A person who proved the vehicle (plate and registration number) in their session."""
    response = logged_in.post(
        reverse("violations:inquiry-vehicle"),
        {"plate_code": "10", "plate_number": "79210", "registration_number": "7702154"},
    )
    assert response.status_code == 200 and "statement" in response.context  # answered with the statement
    return logged_in


@pytest.fixture
def stranger(client_for, other_user):
    return client_for(other_user, ip="10.0.0.2")


@pytest.fixture
def org_member(client_for):
    membership = MembershipFactory()
    return client_for(membership.user, organisation=membership.organisation), membership.organisation


@pytest.fixture
def other_org_member(client_for):
    membership = MembershipFactory(organisation=OrganisationFactory())
    return client_for(membership.user, organisation=membership.organisation, ip="10.0.0.3")


def test_a_second_user_never_sees_a_statement_proved_by_someone_else(owner, stranger):
    assert "V-A" in owner.get(STATEMENT).content.decode()
    response = stranger.get(STATEMENT)
    assert response.status_code == 302 and response["Location"] == reverse("violations:inquiry")
    # Nor can they have its PDF: without their own proof there is nothing to issue.
    assert stranger.post(reverse("violations:statement-pdf"))["Location"] == reverse("violations:inquiry")
    assert not IssuedDocument.objects.exists()


def test_a_second_user_gets_404_on_the_statement_pdf_and_the_payment_notice(owner, stranger):
    bills = owner.get(STATEMENT).context["statement"].bills
    pdf = owner.post(reverse("violations:statement-pdf"))
    statement_document = IssuedDocument.objects.get(kind="violations-statement")
    assert owner.get(pdf["Location"]).status_code == 200
    assert stranger.get(_download(statement_document)).status_code == 404

    pay_bill(Bill.objects.get(billing_number=bills.all))
    notice_url = reverse("violations:payment-notice", args=[bills.all])
    notice = owner.get(notice_url)
    assert notice.status_code == 302
    notice_document = IssuedDocument.objects.get(kind="violations-payment-notice")
    assert stranger.get(notice_url).status_code == 404
    assert stranger.get(_download(notice_document)).status_code == 404
    # ...nor one for a per-violation number of the same statement, nor a malformed number.
    for number in [*bills.per_violation.values(), "123", "0000000000000"]:
        assert stranger.get(reverse("violations:payment-notice", args=[number])).status_code == 404


def test_another_organisation_gets_404_on_this_fleets_objects(org_member, other_org_member):
    member, organisation = org_member
    vehicle = VehicleFactory(plate_code="13", plate_number="45120", registration_number="8810341")
    violation = ViolationFactory(vehicle=vehicle, number="F-1")
    fleet_vehicle = FleetVehicleFactory.for_vehicle(vehicle, organisation=organisation)

    bill = member.post(reverse("violations:fleet-bill"), {"violation": [violation.pk]}).context["bill"]
    member.post(reverse("violations:fleet-pdf"), {"status": "open"})
    document = IssuedDocument.objects.get(kind="violations-fleet-statement")
    assert member.get(_download(document)).status_code == 200
    assert member.get(bill.get_absolute_url()).status_code == 200

    # Their fleet vehicle, their fleet document, their bill: not found.
    assert other_org_member.post(VEHICLES, {"remove": fleet_vehicle.pk}).status_code == 404
    assert FleetVehicle.objects.filter(pk=fleet_vehicle.pk).exists()
    assert other_org_member.get(_download(document)).status_code == 404
    assert other_org_member.get(bill.get_absolute_url()).status_code == 404
    # Filtering by their fleet vehicle, or billing their violation, shows and bills nothing.
    listing = other_org_member.get(FLEET, {"vehicle": fleet_vehicle.pk, "status": "all"})
    assert listing.status_code == 200 and "F-1" not in listing.content.decode()
    refused = other_org_member.post(reverse("violations:fleet-bill"), {"violation": [violation.pk]})
    assert refused.status_code == 302 and Bill.objects.count() == 1
    csv = other_org_member.get(reverse("violations:fleet-csv"), {"status": "all"})
    assert "F-1" not in csv.content.decode("utf-8-sig")


def test_a_member_acting_for_themselves_does_not_get_the_organisations_documents(client_for, org_member):
    member, organisation = org_member
    vehicle = VehicleFactory()
    ViolationFactory(vehicle=vehicle)
    FleetVehicleFactory.for_vehicle(vehicle, organisation=organisation)
    member.post(reverse("violations:fleet-pdf"), {"status": "open"})
    document = IssuedDocument.objects.get(kind="violations-fleet-statement")

    another_member = MembershipFactory(organisation=organisation, role="member")
    colleague = client_for(another_member.user, organisation=organisation, ip="10.0.0.4")
    assert colleague.get(_download(document)).status_code == 200  # the organisation's members share it

    outsider = client_for(MembershipFactory().user, ip="10.0.0.5")  # a member of another organisation only
    assert outsider.get(_download(document)).status_code == 404
