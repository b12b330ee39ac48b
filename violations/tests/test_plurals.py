"""Issue 18, item 7: counts and nouns agree in the violations service ("عن 3 مخالفات", not "عن 3 مخالفة")."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.translation import ngettext

from accounts.tests.factories import MembershipFactory, UserFactory
from violations import workflow
from violations.demo import _grant_staff
from violations.tests.factories import FleetVehicleFactory, VehicleFactory, ViolationFactory
from violations.tests.feedfiles import feed_bytes, row

pytestmark = pytest.mark.django_db

BILL_ONE = (
    "Amount: %(amount)s JOD for %(n)s violation. Pay before %(expires)s through eFAWATEERcom "
    "(Government sector, Traffic violations)."
)
BILL_MANY = BILL_ONE.replace("violation.", "violations.")


def _fleet_bill_page(client_for, user, count, language="ar"):
    organisation = MembershipFactory(user=user).organisation
    vehicle = VehicleFactory(plate_code="13", plate_number="45120")
    FleetVehicleFactory.for_vehicle(vehicle, organisation=organisation)
    ids = [ViolationFactory(vehicle=vehicle, amount=Decimal("10.000")).pk for _ in range(count)]
    member = client_for(user, organisation=organisation)
    if language == "en":
        member.cookies["django_language"] = "en"
    response = member.post(reverse("violations:fleet-bill"), {"violation": ids}, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("count", "arabic"), [(1, "عن مخالفة واحدة."), (2, "عن مخالفتين."), (3, "عن 3 مخالفات."), (11, "عن 11 مخالفة.")]
)
def test_the_fleet_bill_counts_its_violations_in_arabic(client_for, user, count, arabic):
    page = _fleet_bill_page(client_for, user, count)
    assert f"دينار أردني {arabic}" in page


@pytest.mark.parametrize(("count", "english"), [(1, "for 1 violation."), (3, "for 3 violations.")])
def test_the_fleet_bill_counts_its_violations_in_english(client_for, user, count, english):
    assert english in _fleet_bill_page(client_for, user, count, language="en")


def test_the_fleet_bill_sentence_has_a_form_for_every_arabic_count():
    values = {"amount": "10.000", "expires": "2026-12-10"}
    with translation.override("ar"):
        texts = [ngettext(BILL_ONE, BILL_MANY, n) % {**values, "n": n} for n in (0, 1, 2, 3, 11, 100)]
    nouns = [text.split(" عن ")[1].split(".")[0] for text in texts]
    assert nouns == ["0 مخالفة", "مخالفة واحدة", "مخالفتين", "3 مخالفات", "11 مخالفة", "100 مخالفة"]


@pytest.mark.parametrize(("limit", "arabic"), [(2, "سطرين"), (3, "3 أسطر"), (2000, "2000 سطر")])
def test_the_fleet_file_limit_counts_its_lines(client_for, user, monkeypatch, limit, arabic):
    monkeypatch.setattr(workflow, "FLEET_CSV_MAX_LINES", limit)
    organisation = MembershipFactory(user=user).organisation
    member = client_for(user, organisation=organisation)
    lines = "".join(f"13,{45000 + i},{8800000 + i}\n" for i in range(limit + 2))
    upload = SimpleUploadedFile("fleet.csv", lines.encode(), content_type="text/csv")
    page = member.post(reverse("violations:fleet-vehicles"), {"file": upload, "upload": "1"}).content.decode()
    assert f"في الملف أكثر من {arabic}." in page


def test_the_admin_import_report_counts_its_rows(client_for):
    _grant_staff()
    member = UserFactory(staff=True)
    member.groups.add(Group.objects.get(name="violations_staff"))
    upload = SimpleUploadedFile("feed.csv", feed_bytes([row("V1"), row("V2", amount="x"), row("V3")]))
    response = client_for(member).post(reverse("admin:violations_feedimport_import"), {"file": upload})
    page = response.content.decode()
    assert "استُورد سطران (جديدة: 2، محدّثة: 0، دون تغيير: 0، أسطر مرفوضة: 1)." in page
