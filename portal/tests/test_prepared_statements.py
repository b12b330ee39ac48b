"""PostgreSQL parses and plans a statement once per connection, not once per request (issue 20).

With server-side binding psycopg prepares a statement the connection has run twice; the prepared
statement is what PostgreSQL then executes, with the values bound. The setting is read once per process,
so turning it off is checked in a fresh interpreter.
"""

import pytest
from django.db import connection

from accounts.models import User
from portal.tests.test_settings import _manage

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements: PostgreSQL only")


def _prepared() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.django_db
def test_a_statement_run_again_is_prepared_and_answers_with_each_run_values():
    first = User.objects.create(username="prepared-1", mobile="+962790000101")
    second = User.objects.create(username="prepared-2", mobile="+962790000102")
    assert not any("prepared-" in s or '"accounts_user"."username" = $1' in s for s in _prepared())
    # The same statement with different values, as requests make it: prepared, and each run sees its own value.
    found = [
        User.objects.filter(username=name).values_list("pk", flat=True).first()
        for name in ("prepared-1", "prepared-2", "prepared-1")
    ]
    assert found == [first.pk, second.pk, first.pk]
    prepared = [s for s in _prepared() if '"accounts_user"."username" = $1' in s]
    assert prepared, "the look-up run three times should be a prepared statement of this connection"
    assert "prepared-" not in prepared[0]  # the values travel apart from the statement


def test_prepared_statements_can_be_turned_off_for_a_pooler():
    show = "from django.db import connection; print(connection.settings_dict.get('OPTIONS'))"
    url = "postgres://portal@db.example:5432/portal"
    on = _manage("shell", "-c", show, DATABASE_URL=url)
    off = _manage("shell", "-c", show, DATABASE_URL=url, DATABASE_PREPARED_STATEMENTS="false")
    assert on.returncode == 0 and off.returncode == 0, on.stderr + off.stderr
    assert "'server_side_binding': True" in on.stdout
    assert "server_side_binding" not in off.stdout
