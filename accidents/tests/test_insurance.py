"""Step 3: the insurance registry interface, the local registry and the import of insurers' files."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from accidents.constants import InsuranceState
from accidents.insurance import PolicyCheck, policies_import, policy_check
from accidents.models import InsurancePolicy
from accidents.tests.factories import InsuranceCompanyFactory, InsurancePolicyFactory

pytestmark = pytest.mark.django_db
TODAY = date(2026, 5, 10)


def check(**kwargs):
    kwargs.setdefault("on_date", TODAY)
    return policy_check(**kwargs)


def test_a_policy_covering_the_accident_date_is_active():
    policy = InsurancePolicyFactory(starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31))
    result = check(registration_number=policy.registration_number)
    assert result.state == InsuranceState.ACTIVE
    assert result.policy_number == policy.policy_number and result.insurer_code == policy.insurer.code
    assert result.valid_until == date(2026, 12, 31)


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "cancelled_on"),
    [
        (date(2025, 1, 1), date(2026, 5, 9), None),
        (date(2026, 5, 11), date(2027, 5, 10), None),
        (date(2026, 1, 1), date(2026, 12, 31), date(2026, 5, 1)),
        (date(2026, 1, 1), date(2026, 12, 31), date(2026, 5, 10)),
    ],
    ids=["expired-the-day-before", "starts-the-day-after", "cancelled-before", "cancelled-that-day"],
)
def test_a_policy_not_in_force_on_the_accident_date_is_expired(starts_on, ends_on, cancelled_on):
    policy = InsurancePolicyFactory(starts_on=starts_on, ends_on=ends_on, cancelled_on=cancelled_on)
    result = check(registration_number=policy.registration_number)
    assert result.state == InsuranceState.EXPIRED
    assert result.detail


def test_a_vehicle_with_no_policy_is_not_insured():
    result = check(registration_number="99999999")
    assert result.state == InsuranceState.EXPIRED and result.policy_number == ""


def test_registration_numbers_match_whatever_digits_and_spaces_were_typed():
    policy = InsurancePolicyFactory(registration_number="12345678", starts_on=date(2026, 1, 1))
    assert check(registration_number="١٢٣ ٤٥-٦٧٨").state == InsuranceState.ACTIVE
    assert policy.registration_number == "12345678"


def test_a_declared_policy_only_counts_for_its_own_vehicle():
    mine = InsurancePolicyFactory(registration_number="11111111", starts_on=date(2026, 1, 1))
    InsurancePolicyFactory(registration_number="22222222", starts_on=date(2026, 1, 1))
    # The applicant names a policy of another vehicle: it does not insure this one.
    result = check(registration_number="22222222", insurer_code=mine.insurer.code, policy_number=mine.policy_number)
    assert result.state == InsuranceState.EXPIRED
    result = check(
        registration_number="11111111", insurer_code=mine.insurer.code, policy_number=mine.policy_number.lower()
    )
    assert result.state == InsuranceState.ACTIVE


def test_of_several_policies_the_one_in_force_wins():
    old = InsurancePolicyFactory(registration_number="33333333", starts_on=date(2024, 1, 1), ends_on=date(2024, 12, 31))
    current = InsurancePolicyFactory(
        registration_number="33333333", insurer=old.insurer, starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31)
    )
    assert check(registration_number="33333333").policy_number == current.policy_number


class FixedRegistry:
    def check(self, *, registration_number, insurer_code, policy_number, on_date):
        return PolicyCheck(state=InsuranceState.ACTIVE, insurer_name="Insurers' system", source="remote")


def test_the_registry_is_replaceable_by_a_setting(settings):
    settings.ACCIDENTS_INSURANCE_REGISTRY = "accidents.tests.test_insurance.FixedRegistry"
    result = check(registration_number="44444444")
    assert result.is_active and result.source == "remote"


# --- import ------------------------------------------------------------------------------------


def _row(**values):
    row = {
        "insurer_code": "jic",
        "policy_number": "P-1",
        "registration_number": "55555555",
        "plate_code": "10",
        "plate_number": "12345",
        "starts_on": "2026-01-01",
        "ends_on": "2026-12-31",
        "cancelled_on": "",
    }
    row.update(values)
    return row


def test_import_creates_then_changes_nothing_on_the_same_rows_then_updates():
    InsuranceCompanyFactory(code="jic")
    rows = [_row(), _row(policy_number="P-2", registration_number="66666666")]
    report = policies_import(rows=rows)
    assert (report.created, report.updated, report.unchanged, report.errors) == (2, 0, 0, [])
    stamp = InsurancePolicy.objects.get(policy_number="P-1").updated_at
    report = policies_import(rows=rows)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)
    assert InsurancePolicy.objects.get(policy_number="P-1").updated_at == stamp
    report = policies_import(rows=[_row(cancelled_on="2026-03-01")])
    assert report.updated == 1
    assert InsurancePolicy.objects.get(policy_number="P-1").cancelled_on == date(2026, 3, 1)


def test_import_reports_bad_rows_with_line_numbers_and_loads_the_good_ones():
    InsuranceCompanyFactory(code="jic")
    rows = [
        _row(insurer_code="nope"),
        _row(policy_number="P-3", starts_on="01/02/2026"),
        _row(policy_number="P-4", ends_on="2025-01-01"),
        _row(policy_number=""),
        _row(policy_number="P-5"),
    ]
    report = policies_import(rows=rows)
    assert report.created == 1
    assert [line for line, _reason in report.errors] == [2, 3, 4, 5]
    assert "nope" in report.errors[0][1]


def test_import_command_reads_a_csv_file(tmp_path):
    InsuranceCompanyFactory(code="jic")
    path = tmp_path / "policies.csv"
    path.write_text(
        "insurer_code,policy_number,registration_number,plate_code,plate_number,starts_on,ends_on,cancelled_on\n"
        "jic,P-9,77777777,10,1234,2026-01-01,2026-12-31,\n"
        "jic,P-10,88888888,10,1235,bad,2026-12-31,\n",
        encoding="utf-8",
    )
    out, err = StringIO(), StringIO()
    call_command("import_insurance_policies", str(path), stdout=out, stderr=err)
    assert "created 1" in out.getvalue() and "skipped 1" in out.getvalue()
    assert "line 3" in err.getvalue()
    assert InsurancePolicy.objects.get(policy_number="P-9").source == InsurancePolicy.Source.IMPORT


def test_import_command_refuses_a_file_without_the_columns(tmp_path):
    path = tmp_path / "policies.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(CommandError, match="insurer_code"):
        call_command("import_insurance_policies", str(path))


def test_policy_factory_defaults_are_in_force_today():
    assert InsurancePolicyFactory().covers(timezone.localdate())
    assert not InsurancePolicyFactory(expired=True).covers(timezone.localdate())
    assert not InsurancePolicyFactory(cancelled=True).covers(timezone.localdate() + timedelta(days=1))
