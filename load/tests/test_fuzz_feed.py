"""Hypothesis on the Traffic Department feed importer (violations/feed.py): any bytes are read or
refused as a file; any mix of good and bad rows loads the good ones, reports each bad one with its
line, writes nothing for a number that had no good row, and importing the same file again changes
nothing (DESIGN.md, "Violations feed")."""

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from violations.feed import FeedFileError, feed_import, feed_parse
from violations.models import Violation
from violations.tests.feedfiles import BASE, feed_bytes

pytestmark = [pytest.mark.fuzz]

junk = st.text(max_size=25)
VALUES = {
    "violation_number": st.sampled_from(["F1", "F2", "F3", "F-4", "", "F 5", "ف6"]),
    "plate_code": st.sampled_from(["10", "22", "", "1234", "١٠"]),
    "plate_number": st.sampled_from(["79210", "5", "", "123456789"]),
    "registration_number": st.sampled_from(["4412345", "AB-12", "", "x y", "4412346"]),
    "licence_number": st.sampled_from(["", "12345678", "123", "12a"]),
    "licence_centre": st.sampled_from(["", "عمان", "x" * 61]),
    "licence_category": st.sampled_from(["", "3"]),
    "offence_ar": st.sampled_from(["الوقوف في مكان ممنوع", "", "ت" * 301]),
    "issued_at": st.sampled_from(
        ["2021-08-15T10:30:00+03:00", "2021-08-15T10:30:00", "2021-02-30T10:00:00+03:00", "yesterday", ""]
    ),
    "amount": st.sampled_from(["15", "15.500", "0", "-3", "1e3", "15.1234", "NaN", "999999999", "20"]),
    "issuer": st.sampled_from(["GAM", "PSD", "gam", "X"]),
    "payable": st.sampled_from(["true", "false", "TRUE", "yes"]),
    "status": st.sampled_from(["open", "paid", "cancelled", "closed", "OPEN"]),
}


@st.composite
def feed_row(draw):
    row = dict(BASE)
    for name, values in VALUES.items():
        kind = draw(st.sampled_from(["base", "value", "value", "junk"]))
        if kind == "value":
            row[name] = draw(values)
        elif kind == "junk":
            row[name] = draw(junk)
    if not row["violation_number"] or draw(st.booleans()):
        row["violation_number"] = draw(VALUES["violation_number"])
    return row


@hsettings(max_examples=100, deadline=None)
@given(data=st.binary(max_size=1500) | st.text(max_size=600).map(lambda t: ",".join(BASE) + "\n" + t).map(str.encode))
def test_any_bytes_are_read_row_by_row_or_refused_as_a_file(data):
    try:
        rows, errors = feed_parse(data=data)
    except FeedFileError:
        return
    assert all(error.line >= 2 for error in errors)
    assert len({row.line for row in rows} & {error.line for error in errors}) == 0


@pytest.mark.django_db
@hsettings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(feed_row(), min_size=1, max_size=8))
def test_good_rows_load_bad_rows_write_nothing_and_a_second_import_changes_nothing(rows):
    Violation.objects.all().delete()
    data = feed_bytes(rows)
    try:
        good, errors = feed_parse(data=data)
    except FeedFileError:
        with pytest.raises(FeedFileError):
            feed_import(data=data, file_name="fuzz.csv")
        assert not Violation.objects.exists()
        return
    first = feed_import(data=data, file_name="fuzz.csv")
    assert sorted(e.line for e in first.errors) == sorted(e.line for e in errors)
    good_numbers = {row.number for row in good}
    assert set(Violation.objects.values_list("number", flat=True)) == good_numbers
    stored = {v.number: (v.status, v.amount, v.payable, v.vehicle_id, v.licence_id) for v in Violation.objects.all()}

    second = feed_import(data=data, file_name="fuzz.csv")
    assert (second.created, second.updated) == (0, 0)
    assert second.unchanged == len(good_numbers)
    again = {v.number: (v.status, v.amount, v.payable, v.vehicle_id, v.licence_id) for v in Violation.objects.all()}
    assert again == stored
