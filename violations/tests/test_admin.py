import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import UserFactory
from violations.demo import _grant_staff
from violations.models import InquiryLog, Violation
from violations.tests.factories import VehicleFactory, ViolationFactory
from violations.tests.feedfiles import feed_bytes, row
from violations.workflow import vehicle_inquire

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client_for):
    _grant_staff()
    member = UserFactory(staff=True)
    member.groups.add(Group.objects.get(name="violations_staff"))
    return client_for(member)


def test_staff_find_violations_by_plate_number_and_licence(staff):
    vehicle = VehicleFactory(plate_code="10", plate_number="79210")
    mine = ViolationFactory(vehicle=vehicle)
    ViolationFactory(vehicle=VehicleFactory(plate_code="11", plate_number="79210"))
    on_licence = ViolationFactory(on_licence=True)
    url = reverse("admin:violations_violation_changelist")

    by_plate = staff.get(url, {"q": "10-79210"})
    assert [v.pk for v in by_plate.context["cl"].result_list] == [mine.pk]
    by_number = staff.get(url, {"q": mine.number})
    assert [v.pk for v in by_number.context["cl"].result_list] == [mine.pk]
    by_licence = staff.get(url, {"q": on_licence.licence.number})
    assert [v.pk for v in by_licence.context["cl"].result_list] == [on_licence.pk]
    assert staff.get(reverse("admin:violations_vehicle_changelist"), {"q": "10 79210"}).context["cl"].result_count == 1


def test_staff_read_but_do_not_edit_the_partners_data(staff):
    violation = ViolationFactory()
    change = staff.get(reverse("admin:violations_violation_change", args=[violation.pk]))
    assert change.status_code == 200 and not change.context["has_change_permission"]
    staff.post(reverse("admin:violations_violation_change", args=[violation.pk]), {"amount": "1"})
    assert Violation.objects.get(pk=violation.pk).amount == violation.amount
    assert staff.get(reverse("admin:violations_violation_add")).status_code == 403


def test_staff_find_inquiries_of_a_plate_through_its_hash(staff, user):
    VehicleFactory(plate_code="10", plate_number="79210", registration_number="1")
    vehicle_inquire(user=user, ip="10.0.0.9", plate_code="10", plate_number="79210", registration_number="2")
    vehicle_inquire(user=user, ip="10.0.0.9", plate_code="10", plate_number="11111", registration_number="2")
    response = staff.get(reverse("admin:violations_inquirylog_changelist"), {"q": "10-79210"})
    assert [log.matched for log in response.context["cl"].result_list] == [False]
    assert InquiryLog.objects.count() == 2


def test_staff_import_the_feed_from_the_admin(staff):
    url = reverse("admin:violations_feedimport_import")
    upload = SimpleUploadedFile("feed.csv", feed_bytes([row("V1"), row("V2", amount="x"), row("V3")]))
    response = staff.post(url, {"file": upload})
    assert response.status_code == 200
    result = response.context["result"]
    assert (result.created, [e.line for e in result.errors]) == (2, [3])
    assert Violation.objects.count() == 2
    listing = staff.get(reverse("admin:violations_feedimport_changelist"))
    assert reverse("admin:violations_feedimport_import") in listing.content.decode()


def test_import_needs_the_permission(client_for):
    clerk = UserFactory(staff=True)
    assert client_for(clerk).get(reverse("admin:violations_feedimport_import")).status_code == 403


def test_violation_changelist_queries_do_not_grow_with_rows(staff):
    url = reverse("admin:violations_violation_changelist")
    ViolationFactory.create_batch(3)
    ViolationFactory.create_batch(2, on_licence=True)
    staff.get(url)
    with CaptureQueriesContext(connection) as few:
        staff.get(url)
    ViolationFactory.create_batch(30)
    ViolationFactory.create_batch(10, on_licence=True)
    with CaptureQueriesContext(connection) as many:
        staff.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)
