from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from payments.constants import BillStatus
from payments.models import Bill
from payments.services import BillLineSpec, bill_create
from violations.constants import BILL_KIND, BILL_SERVICE_TYPE, ViolationStatus, item_key
from violations.feed import FeedFileError, feed_import
from violations.models import DrivingLicence, FeedImport, Vehicle, Violation
from violations.tests.feedfiles import BASE, feed_bytes, row

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _snapshot():
    return sorted(
        Violation.objects.values_list(
            "number", "vehicle_id", "licence_id", "amount", "status", "payable", "issued_at", "offence_ar", "updated_at"
        )
    )


def _bill_for(violations):
    return bill_create(
        kind=BILL_KIND,
        service_type=BILL_SERVICE_TYPE,
        payer_name="مواطن",
        lines=[
            BillLineSpec(description_ar=v.number, description_en=v.number, amount=v.amount, item_key=item_key(v.pk))
            for v in violations
        ],
    )


def test_good_rows_load_with_vehicles_and_licences():
    data = feed_bytes(
        [
            row("V1"),
            row("V2", amount="20.5", issuer="psd", payable="false"),
            row("V3", plate_code="", plate_number="", registration_number="", licence_number="10118254"),
            row(
                "V4",
                plate_code="",
                plate_number="",
                registration_number="",
                licence_number="551234",
                licence_centre="إربد",
                licence_category="4",
            ),
        ]
    )
    result = feed_import(data=data, file_name="feed.csv")

    assert (result.rows, result.created, result.updated, result.errors) == (4, 4, 0, [])
    v2 = Violation.objects.get(number="V2")
    assert v2.amount == Decimal("20.500") and v2.issuer == "PSD" and v2.payable is False
    assert v2.vehicle.plate == "10-79210" and v2.vehicle.registration_number == "4412345"
    assert Violation.objects.get(number="V3").licence.key == "10118254"
    assert Violation.objects.get(number="V4").licence.key == "551234|إربد|4"
    assert Vehicle.objects.count() == 1 and DrivingLicence.objects.count() == 2
    assert FeedImport.objects.get().created == 4


def test_reimporting_the_same_file_changes_nothing():
    data = feed_bytes([row("V1"), row("V2", status="paid"), row("V3", plate_number="1234", amount="7.250")])
    feed_import(data=data, file_name="feed.csv")
    before = _snapshot()
    vehicles_before = sorted(Vehicle.objects.values_list("pk", "registration_number", "updated_at"))

    again = feed_import(data=data, file_name="feed.csv")

    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert _snapshot() == before
    assert sorted(Vehicle.objects.values_list("pk", "registration_number", "updated_at")) == vehicles_before


def test_bad_lines_are_reported_with_line_number_and_reason_and_good_ones_load():
    data = feed_bytes(
        [
            row("V1"),
            row("V2", amount="abc"),
            row("V3", issued_at="2021-08-15 10:30"),
            row("V4", issuer="XYZ"),
            row("V5", licence_number="123", plate_code="", plate_number="", registration_number=""),
            row("V6", registration_number=""),
            row("V7", amount="1.2345"),
            row("V8"),
        ]
    )
    result = feed_import(data=data, file_name="feed.csv")

    assert sorted(Violation.objects.values_list("number", flat=True)) == ["V1", "V8"]
    lines = {e.line: e.reason for e in result.errors}
    assert set(lines) == {3, 4, 5, 6, 7, 8}
    assert "amount" in lines[3]
    assert "UTC offset" in lines[4]
    assert "issuer" in lines[5]
    assert "8 digits" in lines[6]
    assert "registration_number" in lines[7]
    assert "3 decimals" in lines[8]
    assert FeedImport.objects.get().errors[0] == {"line": 3, "reason": lines[3]}


def test_a_quoted_field_spanning_lines_keeps_later_line_numbers_right():
    text = feed_bytes([row("V1", location="سطر\nثان"), row("V2", amount="-1")])
    result = feed_import(data=text, file_name="feed.csv")
    assert [e.line for e in result.errors] == [4]


def test_a_file_without_the_required_columns_is_refused_whole():
    columns = [c for c in BASE if c != "status"]
    with pytest.raises(FeedFileError, match="status"):
        feed_import(data=feed_bytes([row("V1")], columns=columns), file_name="feed.csv")
    with pytest.raises(FeedFileError):
        feed_import(data=b"\xff\xfe\x00binary", file_name="feed.csv")
    assert not Violation.objects.exists()


def test_a_later_row_for_the_same_number_updates_it():
    feed_import(data=feed_bytes([row("V1")]), file_name="a.csv")
    result = feed_import(data=feed_bytes([row("V1", status="open"), row("V1", status="paid")]), file_name="b.csv")
    assert result.updated == 1
    assert Violation.objects.get(number="V1").status == ViolationStatus.PAID


def test_a_new_registration_number_replaces_the_old_one():
    feed_import(data=feed_bytes([row("V1")]), file_name="a.csv")
    feed_import(data=feed_bytes([row("V2", registration_number="9990001")]), file_name="b.csv")
    assert Vehicle.objects.get().registration_number == "9990001"


@pytest.mark.parametrize(
    "change", [{"status": "paid"}, {"status": "cancelled"}, {"payable": "false"}, {"amount": "30"}]
)
def test_a_feed_change_closes_the_open_bills_that_cover_the_violation(change):
    feed_import(data=feed_bytes([row("V1"), row("V2")]), file_name="a.csv")
    v1, v2 = Violation.objects.order_by("number")
    single, together, other = _bill_for([v1]), _bill_for([v1, v2]), _bill_for([v2])

    result = feed_import(data=feed_bytes([row("V1", **change), row("V2")]), file_name="b.csv")

    assert result.bills_closed == 2
    statuses = dict(Bill.objects.values_list("pk", "status"))
    assert statuses[single.pk] == statuses[together.pk] == BillStatus.CLOSED
    assert statuses[other.pk] == BillStatus.OPEN


def test_a_lagging_feed_does_not_reopen_a_violation_paid_through_the_portal():
    feed_import(data=feed_bytes([row("V1")]), file_name="a.csv")
    Violation.objects.filter(number="V1").update(
        status=ViolationStatus.PAID, paid_billing_number="1000326480165", paid_at="2026-01-01T10:00:00+03:00"
    )
    result = feed_import(data=feed_bytes([row("V1", status="open")]), file_name="b.csv")
    assert result.kept_paid == 1
    assert Violation.objects.get(number="V1").status == ViolationStatus.PAID


def test_import_command_reports_bad_lines_and_is_idempotent(tmp_path, capsys):
    path = tmp_path / "feed.csv"
    path.write_bytes(feed_bytes([row("V1"), row("V2", status="unknown"), row("V3")]))

    call_command("import_violations", str(path))
    first = capsys.readouterr()
    call_command("import_violations", str(path))
    second = capsys.readouterr()

    assert "line 3:" in first.err and "status" in first.err
    assert "2 created" in first.out and "1 bad lines" in first.out
    assert "0 created, 0 updated, 2 unchanged" in second.out
    assert Violation.objects.count() == 2


def test_import_command_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        call_command("import_violations", str(tmp_path / "nope.csv"))
