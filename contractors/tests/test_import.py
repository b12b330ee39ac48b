from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from contractors import demo
from contractors.models import Contractor, Permit
from contractors.tests.factories import ContractorFactory, PermitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """The reports are asserted in English; the portal's default language (Arabic) is tested elsewhere."""
    with translation.override("en"):
        yield


HEADER = "contractor_number,name_ar,name_en,classification,phone,permit_number,permit_year,kind,site,valid_from,valid_until,status\n"
GOOD = (
    "10001,شركة البناء الحديث,Modern Building Co.,first,0791234567,P-55,2026,excavation,شارع الجامعة,2026-01-01,2026-12-31,active\n"
    "10001,شركة البناء الحديث,Modern Building Co.,first,0791234567,P-56,2026,site_works,عبدون,2026-03-01,2026-09-30,cancelled\n"
    "10002,مؤسسة الإعمار,,fourth,065001234,,,,,,,\n"
)


def _run(tmp_path, text, name="register.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    out, err = StringIO(), StringIO()
    call_command("import_contractors", str(path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_good_rows_load_contractors_and_their_permits(tmp_path):
    out, err = _run(tmp_path, HEADER + GOOD)

    assert err == ""
    assert "contractors: 2 created" in out and "permits: 2 created" in out
    modern = Contractor.objects.get(number="10001")
    assert modern.name_en == "Modern Building Co." and modern.phone == "+962791234567"
    assert Contractor.objects.get(number="10002").phone == "+96265001234"
    assert sorted(modern.permits.values_list("number", "status")) == [("P-55", "active"), ("P-56", "cancelled")]


def test_loading_the_same_file_twice_changes_nothing(tmp_path):
    _run(tmp_path, HEADER + GOOD)
    before = list(Permit.objects.order_by("pk").values())

    out, err = _run(tmp_path, HEADER + GOOD)

    assert "0 created, 0 updated; permits: 0 created, 0 updated; 3 rows unchanged" in out
    assert list(Permit.objects.order_by("pk").values()) == before
    assert Contractor.objects.count() == 2


def test_a_later_row_updates_the_permit(tmp_path):
    _run(tmp_path, HEADER + GOOD)
    out, _ = _run(
        tmp_path,
        HEADER
        + "10001,شركة البناء الحديث,Modern Building Co.,first,0791234567,p-55,2026,excavation,شارع الجامعة,2026-01-01,2026-12-31,cancelled\n",
    )
    assert "permits: 0 created, 1 updated" in out
    assert Permit.objects.get(number="P-55", year=2026).status == "cancelled"


def test_bad_rows_are_reported_with_line_and_reason_and_good_rows_still_load(tmp_path):
    text = (
        HEADER
        + "ABC,اسم,,first,,,,,,,,\n"  # line 2: not digits
        + "10003,,,first,,,,,,,,\n"  # line 3: no Arabic name
        + "10004,اسم,,tenth,,,,,,,,\n"  # line 4: unknown class
        + "10005,اسم,,first,12345,,,,,,,\n"  # line 5: bad phone
        + "10006,اسم,,first,,P1,2026,excavation,موقع,2026-05-01,2026-04-01,active\n"  # line 6: dates reversed
        + "10007,اسم,,first,,P2,2026,excavation,موقع,01/05/2026,2026-12-31,active\n"  # line 7: bad date
        + "10008,اسم,,first,,P3,2026,bridge,موقع,2026-01-01,2026-12-31,active\n"  # line 8: bad kind
        + "10009,مقاول سليم,,third,,P4,2026,demolition,ماركا,2026-01-01,2026-12-31,\n"  # line 9: good
    )
    out, err = _run(tmp_path, text)

    lines = err.strip().splitlines()
    assert [line.split(":")[0] for line in lines] == [f"line {n}" for n in range(2, 9)]
    assert "contractor_number" in lines[0] and "name_ar" in lines[1] and "classification" in lines[2]
    assert "phone" in lines[3] and "valid_until" in lines[4] and "valid_from" in lines[5] and "kind" in lines[6]
    assert "7 bad rows skipped" in out
    assert list(Contractor.objects.values_list("number", flat=True)) == ["10009"]
    assert Permit.objects.get(number="P4").status == "active"


def test_a_permit_cannot_move_to_another_contractor_and_the_row_is_undone(tmp_path):
    PermitFactory(number="P-9", year=2026, contractor=ContractorFactory(number="20000"))
    out, err = _run(
        tmp_path, HEADER + "20001,مقاول آخر,,first,,P-9,2026,excavation,موقع,2026-01-01,2026-12-31,active\n"
    )

    assert "line 2: permit P-9/2026 belongs to contractor 20000" in err
    # The row's contractor was created inside the row's savepoint: undone with it.
    assert not Contractor.objects.filter(number="20001").exists()
    assert "contractors: 0 created" in out


def test_missing_columns_stop_the_command(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("number,name\n1,x\n", encoding="utf-8")
    with pytest.raises(CommandError, match="missing columns"):
        call_command("import_contractors", str(path), stdout=StringIO(), stderr=StringIO())


def test_the_report_is_in_arabic_by_default(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("number,name\n1,x\n", encoding="utf-8")
    with translation.override("ar"), pytest.raises(CommandError, match="أعمدة ناقصة"):
        call_command("import_contractors", str(path), stdout=StringIO(), stderr=StringIO())


def test_arabic_indic_digits_and_a_bom_are_accepted(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_text(
        HEADER + "١٠٠٢٠,مقاول,,fifth,٠٧٨٥٥٥١٢٣٤,٣٣,٢٠٢٦,tower_crane,خلدا,2026-01-01,2026-12-31,active\n",
        encoding="utf-8-sig",
    )
    call_command("import_contractors", str(path), stdout=StringIO(), stderr=StringIO())
    permit = Permit.objects.select_related("contractor").get()
    assert (permit.contractor.number, permit.contractor.phone, permit.number, permit.year) == (
        "10020",
        "+962785551234",
        "33",
        2026,
    )


def test_the_demo_register_loads_once_with_a_cancelled_and_an_expired_permit():
    demo.load(stdout=StringIO())
    counts = (Contractor.objects.count(), Permit.objects.count())
    demo.load(stdout=StringIO())

    assert (Contractor.objects.count(), Permit.objects.count()) == counts == (3, 6)
    assert set(Permit.objects.values_list("status", flat=True)) == {"active", "expired", "cancelled"}
