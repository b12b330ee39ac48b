import csv
import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import MembershipFactory, OrganisationFactory
from payments.constants import BillStatus
from payments.models import Bill
from services.models import IssuedDocument
from violations.models import FleetVehicle
from violations.tests.factories import FleetVehicleFactory, VehicleFactory, ViolationFactory

pytestmark = pytest.mark.django_db

FLEET = reverse("violations:fleet")
VEHICLES = reverse("violations:fleet-vehicles")


@pytest.fixture
def organisation(user):
    return MembershipFactory(user=user).organisation


@pytest.fixture
def member(client_for, user, organisation):
    return client_for(user, organisation=organisation)


@pytest.fixture
def fleet(organisation):
    """Two registered vehicles with violations, and one whose registration number was mistyped."""
    vans = [VehicleFactory(plate_code="13", plate_number=str(45120 + i)) for i in range(3)]
    for fleet_vehicle in vans[:2]:
        FleetVehicleFactory.for_vehicle(fleet_vehicle, organisation=organisation)
    FleetVehicleFactory(
        organisation=organisation, plate_code="13", plate_number=vans[2].plate_number, registration_number="0000"
    )
    now = timezone.now()
    violations = {
        "a1": ViolationFactory(vehicle=vans[0], issued_at=now - timedelta(days=40), amount=Decimal("15.000")),
        "a2": ViolationFactory(vehicle=vans[0], issued_at=now - timedelta(days=5), amount=Decimal("20.000")),
        "b1": ViolationFactory(vehicle=vans[1], issued_at=now - timedelta(days=10), amount=Decimal("50.000")),
        "b2": ViolationFactory(vehicle=vans[1], paid=True),
        "b3": ViolationFactory(vehicle=vans[1], not_payable=True),
        "hidden": ViolationFactory(vehicle=vans[2]),
    }
    return vans, violations


def _numbers(response):
    return {v.number for v in response.context["page"].object_list}


def _summary(response) -> str:
    """The text of the summary above the table (#fleet-totals), tags and runs of spaces removed."""
    block = re.search(r'<div id="fleet-totals"[^>]*>(.*?)</div>', response.content.decode(), re.S)
    assert block, "no summary on the page"
    return " ".join(re.sub(r"<[^>]+>", " ", block.group(1)).split())


def _text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


ALL_FLEET_URLS = [
    ("get", FLEET),
    ("get", VEHICLES),
    ("get", reverse("violations:fleet-csv")),
    ("post", reverse("violations:fleet-pdf")),
    ("post", reverse("violations:fleet-bill")),
    ("post", VEHICLES),
]


def test_someone_acting_for_no_organisation_is_told_what_fleet_inquiry_is_and_what_to_do(logged_in):
    for url in (FLEET, VEHICLES):
        response = logged_in.get(url)
        assert response.status_code == 200
        assert "violations/fleet_needs_organisation.html" in [t.name for t in response.templates]
        html = response.content.decode()
        text = _text(response)
        assert "يتيح الاستعلام عن مخالفات الأسطول للشركة" in text  # what it is
        assert "شركة أو مؤسسة مسجلة في البوابة كجهة" in text  # who can use it
        # What they can do now: their own vehicle's violations, register an organisation, be invited.
        assert f'href="{reverse("violations:inquiry")}"' in html
        assert f'href="{reverse("accounts:organisation-create")}"' in html
        assert f'href="{reverse("accounts:organisation-list")}"' in html
        assert "page" not in response.context


def test_a_member_acting_for_themselves_is_offered_to_act_for_their_organisation(client_for, user, organisation, fleet):
    client = client_for(user)  # signed in, acting for themselves
    response = client.get(FLEET)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'action="{reverse("accounts:acting-for")}"' in html and f'name="next" value="{FLEET}"' in html
    assert f'name="party" value="{organisation.pk}"' in html and f"مثّل {organisation.name_ar}" in html
    # The button does what it says: back to the fleet, acting for the organisation.
    chosen = client.post(reverse("accounts:acting-for"), {"party": organisation.pk, "next": FLEET})
    assert chosen["Location"] == FLEET
    assert client.get(FLEET).context["page"].object_list


def test_a_member_of_an_unverified_organisation_is_told_it_awaits_verification(client_for, user):
    unverified = MembershipFactory(user=user, organisation=OrganisationFactory(unverified=True)).organisation
    text = _text(client_for(user).get(FLEET))
    assert f"{unverified.name_ar} مسجلة لكنها لم توثَّق بعد" in text
    assert "مثّل" not in text


@pytest.mark.parametrize(("method", "url"), ALL_FLEET_URLS[2:])
def test_fleet_actions_without_an_organisation_are_refused_with_the_explanation(logged_in, fleet, method, url):
    _vans, v = fleet
    response = getattr(logged_in, method)(url, {"violation": [v["a1"].pk]} if "bill" in url else {})
    assert response.status_code == 403
    assert "يتيح الاستعلام عن مخالفات الأسطول للشركة" in _text(response)
    assert not Bill.objects.exists() and not IssuedDocument.objects.exists()


@pytest.mark.parametrize(("method", "url"), ALL_FLEET_URLS)
def test_anonymous_visitors_of_the_fleet_pages_are_sent_to_sign_in(client, method, url):
    response = getattr(client, method)(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_the_fleet_table_shows_open_violations_of_vehicles_whose_registration_matches(member, fleet):
    _vans, v = fleet
    response = member.get(FLEET)
    assert _numbers(response) == {v["a1"].number, v["a2"].number, v["b1"].number, v["b3"].number}
    assert response.context["totals"].unpaid_total == Decimal("100.000")


def test_the_summary_says_what_the_unpaid_filter_lists(member, fleet):
    for query in ({}, {"status": "open"}):
        summary = _summary(member.get(FLEET, query))
        assert summary == "غير المدفوع: 4 مخالفات، بمبلغ 100.000 دينار أردني (القابل منها للدفع الإلكتروني: 3)."


def test_the_summary_says_what_the_paid_filter_lists(member, fleet):
    response = member.get(FLEET, {"status": "paid"})
    assert len(_numbers(response)) == 1
    assert _summary(response) == "المدفوع: مخالفة واحدة، بمبلغ 15.000 دينار أردني."
    # Nothing to select, so no "one e-payment number for the selected violations" button.
    assert "رقم دفع إلكتروني واحد للمخالفات المختارة" not in response.content.decode()
    assert "رقم دفع إلكتروني واحد للمخالفات المختارة" in member.get(FLEET).content.decode()


def test_the_summary_says_both_under_all(member, fleet):
    response = member.get(FLEET, {"status": "all"})
    assert len(_numbers(response)) == 5
    assert _summary(response) == (
        "غير المدفوع: 4 مخالفات، بمبلغ 100.000 دينار أردني (القابل منها للدفع الإلكتروني: 3). "
        "المدفوع: مخالفة واحدة، بمبلغ 15.000 دينار أردني."
    )


def test_the_summary_follows_the_vehicle_filter_and_an_invalid_filter_shows_unpaid(member, fleet, organisation):
    vans, _v = fleet
    second = FleetVehicle.objects.get(organisation=organisation, plate_number=vans[1].plate_number)
    both = _summary(member.get(FLEET, {"vehicle": second.pk, "status": "all"}))
    assert both.startswith("غير المدفوع: مخالفتان، بمبلغ 65.000 دينار أردني") and "المدفوع: مخالفة واحدة" in both
    # A filter that cannot be applied (end before start) lists unpaid violations: the summary says unpaid.
    response = member.get(FLEET, {"status": "paid", "date_from": "2026-05-02", "date_to": "2026-05-01"})
    assert _summary(response).startswith("غير المدفوع: 4 مخالفات")


@pytest.mark.parametrize(
    ("count", "words"),
    [
        (0, "0 مخالفة،"),
        (1, "مخالفة واحدة،"),
        (2, "مخالفتان،"),
        (3, "3 مخالفات،"),
        (11, "11 مخالفة،"),
        (100, "100 مخالفة،"),
    ],
)
def test_the_summary_counts_violations_in_arabic_with_all_six_plural_forms(member, organisation, count, words):
    van = VehicleFactory()
    FleetVehicleFactory.for_vehicle(van, organisation=organisation)
    ViolationFactory.create_batch(count, vehicle=van, paid=True, amount=Decimal("1.000"))
    assert _summary(member.get(FLEET, {"status": "paid"})) == f"المدفوع: {words} بمبلغ {count}.000 دينار أردني."


@pytest.mark.parametrize(("count", "words"), [(1, "1 violation,"), (3, "3 violations,")])
def test_the_summary_counts_violations_in_english(member, organisation, count, words):
    van = VehicleFactory()
    FleetVehicleFactory.for_vehicle(van, organisation=organisation)
    ViolationFactory.create_batch(count, vehicle=van, amount=Decimal("2.000"))
    member.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    summary = _summary(member.get(FLEET))
    assert summary.startswith(f"Unpaid: {words} {2 * count}.000 JOD")


def test_another_organisation_sees_nothing_of_this_fleet(client_for, fleet):
    other = MembershipFactory(organisation=OrganisationFactory())
    response = client_for(other.user, organisation=other.organisation).get(FLEET)
    assert _numbers(response) == set()


def test_the_table_filters_by_vehicle_date_and_status(member, fleet, organisation):
    vans, v = fleet
    second = FleetVehicle.objects.get(organisation=organisation, plate_number=vans[1].plate_number)
    assert _numbers(member.get(FLEET, {"vehicle": second.pk})) == {v["b1"].number, v["b3"].number}
    assert _numbers(member.get(FLEET, {"vehicle": second.pk, "status": "paid"})) == {v["b2"].number}
    assert len(_numbers(member.get(FLEET, {"status": "all"}))) == 5
    since = (timezone.localdate() - timedelta(days=12)).isoformat()
    assert _numbers(member.get(FLEET, {"date_from": since})) == {v["a2"].number, v["b1"].number}


def test_selected_violations_get_one_bill(member, fleet, organisation):
    _vans, v = fleet
    ids = [v["a1"].pk, v["b1"].pk]
    response = member.post(reverse("violations:fleet-bill"), {"violation": ids})
    bill = response.context["bill"]
    assert bill.amount == Decimal("65.000") and bill.organisation == organisation
    assert sorted(bill.lines.values_list("item_key", flat=True)) == sorted(f"violation:{i}" for i in ids)
    again = member.post(reverse("violations:fleet-bill"), {"violation": ids})
    assert again.context["bill"].pk == bill.pk  # reused while open
    assert Bill.objects.filter(status=BillStatus.OPEN).count() == 1


def test_a_violation_outside_the_fleet_or_not_payable_cannot_be_billed(member, fleet):
    _vans, v = fleet
    for ids in ([v["hidden"].pk], [v["a1"].pk, v["b3"].pk], []):
        response = member.post(reverse("violations:fleet-bill"), {"violation": ids})
        assert response.status_code == 302
    assert not Bill.objects.exists()


def test_adding_vehicles_one_by_one_refuses_duplicates(member, organisation):
    form = {"plate_code": "13", "plate_number": "45120", "registration_number": "8810341", "label": "فان"}
    assert member.post(VEHICLES, form).status_code == 302
    again = member.post(VEHICLES, form)
    assert again.status_code == 200 and again.context["add_form"].errors["plate_number"]
    assert FleetVehicle.objects.filter(organisation=organisation).count() == 1


def test_a_fleet_csv_with_bad_lines_reports_them_and_loads_the_good_ones(member, organisation):
    content = "\n".join(
        [
            "plate_code,plate_number,registration_number,label",
            "13,45120,8810341,فان 1",
            "13,ABC,8810342",
            "13,45121",
            "١٣,٤٥١٢٢,8810343",
            "13,45120,8810341",
            "",
            "1234,1,1",
        ]
    ).encode()
    upload = SimpleUploadedFile("fleet.csv", content, content_type="text/csv")
    response = member.post(VEHICLES, {"upload": "1", "file": upload})
    result = response.context["csv_result"]
    assert [fv.plate for fv in result.added] == ["13-45120", "13-45122"]
    assert [line for line, _reason in result.errors] == [3, 4, 6, 8]
    html = response.content.decode()  # in Arabic, the portal's first language
    assert "السطر 3:" in html and "مسجلة في أسطولك من قبل" in html
    assert FleetVehicle.objects.filter(organisation=organisation).count() == 2


def test_a_binary_file_is_refused_as_csv(member):
    upload = SimpleUploadedFile("fleet.csv", b"\x89PNG\r\n\x1a\n\x00\x00", content_type="text/csv")
    response = member.post(VEHICLES, {"upload": "1", "file": upload})
    assert response.context["csv_form"].errors["file"]


def test_removing_a_vehicle_only_touches_ones_own_fleet(member, organisation):
    mine = FleetVehicleFactory(organisation=organisation)
    theirs = FleetVehicleFactory()
    assert member.post(VEHICLES, {"remove": theirs.pk}).status_code == 404
    assert member.post(VEHICLES, {"remove": mine.pk}).status_code == 302
    assert list(FleetVehicle.objects.all()) == [theirs]


def test_the_fleet_statement_downloads_as_csv_and_pdf(member, fleet, organisation):
    _vans, v = fleet
    response = member.get(reverse("violations:fleet-csv"), {"status": "all"})
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert {r["violation_number"] for r in rows} == {v[k].number for k in ("a1", "a2", "b1", "b2", "b3")}
    assert {r["amount_jod"] for r in rows} >= {"15.000", "50.000"}

    pdf = member.post(reverse("violations:fleet-pdf"), {"status": "open"})
    document = IssuedDocument.objects.get(kind="violations-fleet-statement")
    assert pdf["Location"] == reverse("services:document-download", kwargs={"code": document.code})
    assert document.owner_organisation == organisation
    assert dict(document.summary)


def test_finding_5_a_strangers_wrong_fleet_entries_do_not_block_the_owners_fleet(settings, client_for, member):
    settings.VIOLATIONS_RATE_GUESS = "2/h"
    VehicleFactory(plate_code="13", plate_number="45120", registration_number="8810341")
    stranger = MembershipFactory(organisation=OrganisationFactory())
    client = client_for(stranger.user, organisation=stranger.organisation, ip="10.0.7.1")
    answers = []
    for guess in ("1111111", "2222222", "3333333"):
        response = client.post(VEHICLES, {"plate_code": "13", "plate_number": "45120", "registration_number": guess})
        answers.append(response.status_code)
        FleetVehicle.objects.filter(organisation=stranger.organisation).delete()
    assert answers == [302, 302, 200]
    assert "أرقام خاطئة كثيرة" in str(response.context["add_form"].errors["registration_number"])
    # The owner's business adds the vehicle with its right number.
    form = {"plate_code": "13", "plate_number": "45120", "registration_number": "8810341"}
    assert member.post(VEHICLES, form).status_code == 302


def test_a_fleet_csv_counts_each_wrong_registration_number_as_a_guess(settings, member, organisation):
    settings.VIOLATIONS_RATE_SUBJECT = "1/h"
    VehicleFactory(plate_code="13", plate_number="45120", registration_number="8810341")
    content = b"13,45120,1111111\n13,45121,1\n"
    member.post(VEHICLES, {"upload": "1", "file": SimpleUploadedFile("fleet.csv", content, content_type="text/csv")})
    FleetVehicle.objects.filter(organisation=organisation).delete()
    response = member.post(
        VEHICLES, {"upload": "1", "file": SimpleUploadedFile("fleet.csv", content, content_type="text/csv")}
    )
    assert [line for line, _reason in response.context["csv_result"].errors] == [1, 2]


def test_used_up_guesses_are_refused_in_arabic(settings, member):
    settings.VIOLATIONS_RATE_GUESS = "1/h"
    form = {"plate_code": "13", "plate_number": "45120", "registration_number": "1"}
    member.post(VEHICLES, form)
    FleetVehicle.objects.all().delete()
    response = member.post(VEHICLES, form)
    assert "جُرِّبت أرقام خاطئة كثيرة" in response.content.decode()


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("open", {"المخالفات غير المدفوعة": "4", "مجموع غير المدفوع (دينار أردني)": "100.000"}),
        ("paid", {"المخالفات المدفوعة": "1", "مجموع المدفوع (دينار أردني)": "15.000"}),
        (
            "all",
            {
                "المخالفات غير المدفوعة": "4",
                "مجموع غير المدفوع (دينار أردني)": "100.000",
                "المخالفات المدفوعة": "1",
                "مجموع المدفوع (دينار أردني)": "15.000",
            },
        ),
    ],
)
def test_the_fleet_pdf_summary_says_what_its_list_shows(member, fleet, status, expected):
    member.post(reverse("violations:fleet-pdf"), {"status": status})
    summary = dict(IssuedDocument.objects.get(kind="violations-fleet-statement").summary)
    counted = {k: v for k, v in summary.items() if "مدفوع" in k}
    assert counted == expected
