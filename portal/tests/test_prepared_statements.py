"""The statements every request of a kind runs are parsed and planned once per connection (issue 20).

``core.sql.cursor`` prepares each statement it runs on PostgreSQL; psycopg then executes the prepared
statement by name with the values bound. The ORM keeps Django's client-side binding (a generic plan is
wrong for a report's date ranges). The setting is read once per process, so turning it off is checked in a
fresh interpreter.
"""

import pytest
from django.db import connection

from core import sql
from payments.tests.factories import BillFactory
from portal.tests.test_settings import _manage
from violations.models import Vehicle
from violations.tests.factories import VehicleFactory

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements: PostgreSQL only")


def _prepared() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.django_db
def test_a_look_up_written_once_is_prepared_and_answers_with_each_run_values(settings):
    settings.DATABASE_PREPARED_STATEMENTS = True
    first, second = VehicleFactory(plate_number="11111"), VehicleFactory(plate_number="22222")
    where = "{plate_code} = %s AND {plate_number} = %s"
    found = [sql.select(Vehicle, where, [v.plate_code, v.plate_number], limit=1)[0].pk for v in (first, second, first)]
    assert found == [first.pk, second.pk, first.pk]  # each run sees its own values
    prepared = [s for s in _prepared() if '"plate_number" = $2' in s and "violations_vehicle" in s]
    assert len(prepared) == 1, prepared  # one statement, prepared once for the connection
    assert "11111" not in prepared[0]  # the values travel apart from the statement


@pytest.mark.django_db
def test_the_orm_is_not_prepared():
    bill = BillFactory()
    for _ in range(3):
        assert type(bill).objects.filter(billing_number=bill.billing_number).exists()
    assert not any('"payments_bill"."billing_number" = ' in s for s in _prepared())


@pytest.mark.django_db
def test_with_prepared_statements_off_nothing_is_prepared(settings):
    settings.DATABASE_PREPARED_STATEMENTS = False
    vehicle = VehicleFactory(plate_number="33333")
    for _ in range(3):
        assert sql.select(Vehicle, "{plate_number} = %s AND {id} = %s", [vehicle.plate_number, vehicle.pk])
    assert not any('"plate_number" = $1 AND "id" = $2' in s for s in _prepared())


def test_prepared_statements_can_be_turned_off_for_a_pooler():
    show = "from django.conf import settings; print('prepared:', settings.DATABASE_PREPARED_STATEMENTS)"
    url = "postgres://portal@db.example:5432/portal"
    on = _manage("shell", "-c", show, DATABASE_URL=url)
    off = _manage("shell", "-c", show, DATABASE_URL=url, DATABASE_PREPARED_STATEMENTS="false")
    assert on.returncode == 0 and off.returncode == 0, on.stderr + off.stderr
    assert "prepared: True" in on.stdout and "prepared: False" in off.stdout
