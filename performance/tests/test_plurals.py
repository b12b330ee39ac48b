"""Issue 18, item 7: the dashboard's standard time counts its unit ("يوما عمل", "3 أيام عمل", "11 دقيقة")."""

import csv
import io

import pytest
import time_machine
from django.urls import reverse

from accounts.tests.factories import UserFactory
from performance.tests.factories import at

pytestmark = pytest.mark.django_db
QUERY = {"start": "2026-03-01", "end": "2026-03-15"}


def _standard_time(client, service):
    client.force_login(UserFactory(staff=True))
    response = client.get(reverse("performance:dashboard-csv", args=["services"]), QUERY, HTTP_ACCEPT_LANGUAGE="ar")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8").lstrip("\ufeff"))))
    (row,) = [row for row in rows if row[0] == service.name_ar]
    return row[1]


@pytest.mark.parametrize(
    ("days", "arabic"),
    [(1, "يوم عمل واحد"), (2, "يوما عمل"), (3, "3 أيام عمل"), (11, "11 يوم عمل"), (100, "100 يوم عمل")],
)
@time_machine.travel(at("2026-03-15 18:00"), tick=False)
def test_the_standard_time_in_working_days_takes_the_arabic_form_of_its_count(client, catalogue, days, arabic):
    service = catalogue["profession-licence-splitting"]
    service.standard_working_days, service.standard_minutes = days, None
    service.save()
    assert _standard_time(client, service) == arabic


@pytest.mark.parametrize(("minutes", "arabic"), [(2, "دقيقتان"), (10, "10 دقائق"), (15, "15 دقيقة")])
@time_machine.travel(at("2026-03-15 18:00"), tick=False)
def test_the_standard_time_in_minutes_takes_the_arabic_form_of_its_count(client, catalogue, minutes, arabic):
    service = catalogue["profession-licence-splitting"]
    service.standard_minutes, service.standard_working_days = minutes, None
    service.save()
    assert _standard_time(client, service) == arabic
