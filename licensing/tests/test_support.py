"""Working days, the dues CSV import, and the demo data."""

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from accounts import demo as accounts_demo
from licensing import demo
from licensing.models import DuesEntry, InspectionSlot, ProfessionLicence, SplitApplication
from services.models import Holiday
from services.workdays import is_working_day, working_days_add, working_days_between

pytestmark = pytest.mark.django_db


def test_friday_and_saturday_are_not_working_days():
    assert [is_working_day(date(2026, 11, d)) for d in range(19, 25)] == [True, False, False, True, True, True]


def test_three_working_days_from_a_thursday_skip_the_weekend_and_holidays():
    thursday = date(2026, 11, 19)
    assert working_days_add(thursday, 3) == date(2026, 11, 24)  # Sun, Mon, Tue
    Holiday.objects.create(date=date(2026, 11, 23), name="عطلة")
    assert working_days_add(thursday, 3) == date(2026, 11, 25)
    assert working_days_between(thursday, date(2026, 11, 25)) == 3


CSV = """owner_id_number,deed_reference,kind,year,amount,description,paid
9900000001,TD-1,property_tax,2025,86.500,مسقفات,false
9900000001,TD-1,other,2025,24,تحققات,
9900000002,TD-2,rent,2025,10,,false
9900000003,TD-3,property_tax,20x5,10,,false
9900000004,TD-4,property_tax,2025,-5,,false
9900000005,TD-5,other,2025,1.2345,,false
9900000006,TD-6,other,2024,12.000,,true
"""


def test_the_dues_file_loads_good_lines_and_reports_bad_ones(tmp_path):
    path = tmp_path / "dues.csv"
    path.write_text(CSV, encoding="utf-8")
    out, err = StringIO(), StringIO()
    call_command("import_dues", str(path), stdout=out, stderr=err)
    assert "3 created" in out.getvalue()
    assert "4 bad rows skipped" in out.getvalue()
    reported = err.getvalue()
    for line in ("line 4: kind", "line 5: year", "line 6: amount", "line 7: amount"):
        assert line in reported
    assert DuesEntry.objects.get(deed_reference="TD-1", kind="property_tax").amount == Decimal("86.500")
    assert DuesEntry.objects.get(deed_reference="TD-6").paid_at is not None

    out = StringIO()
    call_command("import_dues", str(path), stdout=out, stderr=StringIO())
    assert "0 created, 0 updated, 3 unchanged" in out.getvalue()

    path.write_text(CSV.replace("86.500", "90.000"), encoding="utf-8")
    out = StringIO()
    call_command("import_dues", str(path), stdout=out, stderr=StringIO())
    assert "1 updated" in out.getvalue()
    assert DuesEntry.objects.get(deed_reference="TD-1", kind="property_tax").amount == Decimal("90.000")


def test_a_file_without_the_needed_columns_is_refused(tmp_path):
    path = tmp_path / "dues.csv"
    path.write_text("owner,deed\n1,2\n", encoding="utf-8")
    # The report is translated (core.rows); in English here, as contractors/tests/test_import.py does.
    with translation.override("en"), pytest.raises(CommandError, match="missing column"):
        call_command("import_dues", str(path), stdout=StringIO(), stderr=StringIO())


def test_demo_loads_licences_slots_and_a_request_and_is_idempotent(django_capture_on_commit_callbacks):
    accounts_demo.load(stdout=StringIO())
    with django_capture_on_commit_callbacks(execute=True):
        demo.load(stdout=StringIO())
    assert ProfessionLicence.objects.filter(holder__username="demo-citizen").count() == 2
    assert InspectionSlot.objects.count() == 30
    assert SplitApplication.objects.get().status == "external_approvals"
    counts = (ProfessionLicence.objects.count(), InspectionSlot.objects.count(), SplitApplication.objects.count())
    out = StringIO()
    demo.load(stdout=out)
    assert (
        ProfessionLicence.objects.count(),
        InspectionSlot.objects.count(),
        SplitApplication.objects.count(),
    ) == counts
    assert "0 new demo request(s)" in out.getvalue()
