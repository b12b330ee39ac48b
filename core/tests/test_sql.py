"""core.sql: reads and writes by statements written once, as the ORM would do them."""

import pytest
from django.db import IntegrityError, OperationalError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core import libpq, sql
from core.libpq import LibpqCursor
from violations.models import InquiryLog, Vehicle
from violations.tests.factories import VehicleFactory

pytestmark = pytest.mark.django_db


def test_select_answers_model_instances_as_the_orm_does():
    wanted = VehicleFactory(plate_code="10", plate_number="79210", registration_number="7702154")
    VehicleFactory(plate_code="10", plate_number="79211", registration_number="7702154")
    (found,) = sql.select(Vehicle, "{plate_code} = %s AND {plate_number} = %s", ["10", "79210"], limit=1)
    assert found == wanted and not found._state.adding
    assert [getattr(found, f.attname) for f in Vehicle._meta.concrete_fields] == [
        getattr(Vehicle.objects.get(pk=wanted.pk), f.attname) for f in Vehicle._meta.concrete_fields
    ]
    assert sql.select(Vehicle, "{plate_number} = %s", ["none"]) == []


def test_insert_writes_the_row_the_orm_would_with_its_automatic_time(user):
    before = timezone.now()
    sql.insert(InquiryLog, user=user, ip_address="10.0.0.9", kind="vehicle", subject_hash="h" * 64, matched=True)
    row = InquiryLog.objects.get()
    assert (row.user, row.ip_address, row.kind, row.matched, row.violations_count) == (
        user,
        "10.0.0.9",
        "vehicle",
        True,
        0,
    )
    assert before <= row.created_at <= timezone.now()


def test_insert_leaves_a_model_with_save_receivers_to_the_orm(user):
    """A model something listens to (an audited one, say) is written by the ORM: no receiver is skipped."""
    from django.db.models.signals import post_save

    heard = []

    def receiver(sender, instance, created, **kwargs):
        heard.append((instance.subject_hash, created))

    post_save.connect(receiver, sender=InquiryLog, weak=False)
    try:
        sql.insert(InquiryLog, user=user, kind="vehicle", subject_hash="s" * 64, matched=False)
    finally:
        post_save.disconnect(receiver, sender=InquiryLog)
    assert heard == [("s" * 64, True)]
    assert InquiryLog.objects.get().subject_hash == "s" * 64


@pytest.mark.parametrize("listened", [False, True], ids=["statement", "orm"])
def test_insert_lets_the_database_work_out_a_value_given_as_sql(user, listened):
    """The inquiry's log line says whether its look-up matched as the database finds it (RawSQL), by the
    statement written once or by the ORM alike."""
    from django.db.models import BooleanField
    from django.db.models.expressions import RawSQL
    from django.db.models.signals import post_save

    VehicleFactory(plate_code="10", plate_number="79210", registration_number="7702154")
    table = connection.ops.quote_name(Vehicle._meta.db_table)

    def matched(number):
        exists = f"EXISTS (SELECT 1 FROM {table} WHERE plate_number = %s)"
        return RawSQL(exists, [number], output_field=BooleanField())

    def receiver(**kwargs):
        pass

    if listened:
        post_save.connect(receiver, sender=InquiryLog, weak=False)
    try:
        sql.insert(
            InquiryLog,
            user=user,
            ip_address="10.0.0.9",
            kind="vehicle",
            subject_hash="a" * 64,
            matched=matched("79210"),
        )
        sql.insert(
            InquiryLog, user=user, kind="vehicle", subject_hash="b" * 64, matched=matched("1"), violations_count=3
        )
    finally:
        post_save.disconnect(receiver, sender=InquiryLog)
    rows = list(InquiryLog.objects.order_by("subject_hash").values_list("matched", "ip_address", "violations_count"))
    assert rows == [(True, "10.0.0.9", 0), (False, None, 3)]


# --- writes held back, then done while the page is laid out (the inquiry's log line) ---------------------------


def _log_line(user, subject="h" * 64, **values):
    sql.insert(InquiryLog, user=user, kind="vehicle", subject_hash=subject, matched=True, **values)


# Held rows are a request's, outside a transaction (autocommit): the tests below commit as the portal commits.


def _committed(user) -> list[str]:
    """The log lines of ``user`` another connection sees (only committed rows)."""
    import psycopg

    params = {k: v for k, v in connection.get_connection_params().items() if k != "cursor_factory"}
    with psycopg.connect(**params, autocommit=True) as other:
        rows = other.execute(
            f"SELECT subject_hash FROM {InquiryLog._meta.db_table} WHERE user_id = %s ORDER BY id", [user.pk]
        ).fetchall()
    return [subject for (subject,) in rows]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_a_held_row_waits_for_the_reads_then_is_written_while_the_block_runs(user):
    with sql.writes_held():
        _log_line(user)
        assert not InquiryLog.objects.exists()  # held: the page's reads come first
        with sql.alongside():
            # A statement inside the block waits for the row first (one conversation at a time).
            assert InquiryLog.objects.get().subject_hash == "h" * 64
    assert _committed(user) == ["h" * 64]


def test_inside_a_transaction_nothing_is_held(user):
    """A row written in a transaction stays the transaction's: written at once, rolled back with it."""
    with sql.writes_held():
        _log_line(user)
        assert InquiryLog.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_a_block_that_never_lays_a_page_out_still_writes_what_it_held(user):
    """The inquiry that found nothing, or failed after its look-up: the line is written as the block ends."""
    with pytest.raises(ValueError), sql.writes_held():
        _log_line(user, subject="f" * 64)
        raise ValueError("after the look-up")
    assert _committed(user) == ["f" * 64]


def _refused_at_once(user):
    sql.insert(InquiryLog, user=user, kind=None, subject_hash="n" * 64, matched=True)  # kind is NOT NULL


def _refused_at_commit(user):
    """Foreign keys are checked at commit (Django makes them deferrable): the error comes at the sync point."""
    from accounts.models import User

    _log_line(User(pk=user.pk + 10_000), subject="k" * 64)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'")
@pytest.mark.parametrize("refused", [_refused_at_once, _refused_at_commit], ids=["statement", "commit"])
def test_a_row_the_database_refuses_fails_the_block_and_the_connection_answers_again(user, refused):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError), sql.writes_held():
        refused(user)
        with sql.alongside():
            pass
    assert _committed(user) == []
    assert InquiryLog.objects.count() == 0  # the connection answers again (not left in pipeline mode)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_a_read_that_fails_does_not_take_the_held_row_with_it(user):
    """The writes have their own sync point: the log line is committed whatever becomes of the page's read."""
    from django.db import DataError

    with pytest.raises(DataError), sql.writes_held():
        _log_line(user, subject="d" * 64)
        with sql.alongside(read=("SELECT 1 / %s", [0])) as sent:
            sent.rows()
    assert _committed(user) == ["d" * 64]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_a_read_sent_alongside_the_held_rows_sees_them_and_answers_as_a_cursor_would(user):
    table = InquiryLog._meta.db_table
    read = (f"SELECT subject_hash, matched, violations_count FROM {table} WHERE user_id = %s ORDER BY id", [user.pk])
    for _ in range(2):  # prepared on its connection the first time, used by name the second
        with sql.writes_held():
            _log_line(user, subject="a" * 64)
            _log_line(user, subject="b" * 64, violations_count=3)
            with sql.alongside(read=read) as sent:
                rows = sent.rows()
        with connection.cursor() as c:
            c.execute(*read)
            assert c.fetchall() == rows
    assert rows == [("a" * 64, True, 0), ("b" * 64, True, 3)] * 2


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_a_read_whose_prepared_statement_psycopg_deallocated_is_read_again(user):
    """psycopg sends DEALLOCATE ALL after a rollback, which takes the reads prepared here with its own."""
    from django.db import transaction

    read = ("SELECT %s::int + 1", [41])
    with sql.alongside(read=read) as sent:
        assert sent.rows() == [(42,)]
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        with sql.cursor() as c:
            c.execute("SELECT %s::int", [1])  # psycopg prepares this one: its rollback deallocates all
        raise ZeroDivisionError
    with sql.cursor() as c:
        c.execute("SELECT %s::int", [2])
    with connection.cursor() as c:
        c.execute("SELECT count(*) FROM pg_prepared_statements WHERE name LIKE 'portal%%'")
        (left,) = c.fetchone()
    with sql.alongside(read=read) as sent:
        assert sent.rows() == [(42,)]
    with sql.alongside(read=read) as sent:  # prepared again
        assert sent.rows() == [(42,)]
    assert left in (0, 1)  # (whichever psycopg did, the reads above answered)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_a_value_that_cannot_be_sent_fails_the_block_and_leaves_the_connection_usable(user):
    class Unsendable:
        pass

    with pytest.raises(Exception, match="Unsendable|adapt"), sql.writes_held():
        _log_line(user, subject="c" * 64)
        with sql.alongside(read=("SELECT %s::text", [Unsendable()])):
            pass
    with connection.cursor() as c:
        c.execute("SELECT 1")
        assert c.fetchone() == (1,)
    assert _committed(user) == ["c" * 64]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_the_inquirys_log_line_is_committed_before_the_answer_leaves(client):
    """Seen from another connection (only committed rows are) as soon as the statement page is answered."""
    from accounts.tests.factories import UserFactory
    from violations.tests.factories import VehicleFactory, ViolationFactory

    person = UserFactory()
    ViolationFactory(vehicle=VehicleFactory(plate_code="10", plate_number="79210", registration_number="7702154"))
    client.force_login(person)
    form = {"plate_code": "10", "plate_number": "79210", "registration_number": "7702154"}

    response = client.post(reverse("violations:inquiry-vehicle"), form)

    assert response.status_code == 200 and b"violations-count" in response.content
    assert len(_committed(person)) == 1


# --- the libpq cursor: statements outside a transaction, sent by libpq itself -------------------------------

on_postgresql = pytest.mark.skipif("connection.vendor != 'postgresql'")
VEHICLE_BY_PLATE = "SELECT id, plate_code, plate_number, updated_at FROM violations_vehicle WHERE plate_number = %s"


def _through_psycopg(statement, values):
    with connection.cursor() as c:
        c.execute(statement, values)
        return c.fetchall()


@pytest.mark.django_db(transaction=True)
@on_postgresql
def test_outside_a_transaction_libpq_answers_what_psycopgs_cursor_answers():
    VehicleFactory(plate_code="10", plate_number="5550101")
    with sql.cursor() as c:
        assert isinstance(c.cursor, LibpqCursor)
        c.execute(VEHICLE_BY_PLATE, ["5550101"])
        rows = c.fetchall()
        c.execute(VEHICLE_BY_PLATE, ["none"])
        assert c.fetchone() is None and c.fetchall() == []
    assert rows == _through_psycopg(VEHICLE_BY_PLATE, ["5550101"]) and len(rows) == 1
    with sql.cursor() as c:  # a write: its row count
        c.execute("UPDATE violations_vehicle SET plate_code = %s WHERE plate_number = %s", ["11", "5550101"])
        assert c.rowcount == 1
    assert Vehicle.objects.get().plate_code == "11"


@pytest.mark.django_db(transaction=True)
@on_postgresql
def test_inside_a_transaction_the_statement_is_the_transactions():
    """Inside atomic() psycopg's own cursor runs it (psycopg opens the transaction): rolled back with it."""
    vehicle = VehicleFactory(plate_code="10")
    with pytest.raises(RuntimeError), transaction.atomic():
        with sql.cursor() as c:
            assert not isinstance(c.cursor, LibpqCursor)
            c.execute("UPDATE violations_vehicle SET plate_code = %s WHERE id = %s", ["12", vehicle.pk])
        raise RuntimeError
    assert Vehicle.objects.get().plate_code == "10"


@pytest.mark.django_db(transaction=True)
@on_postgresql
def test_a_refused_statement_is_djangos_error_and_the_connection_answers_again():
    vehicle = VehicleFactory()
    with pytest.raises(IntegrityError), sql.cursor() as c:
        c.execute("INSERT INTO violations_vehicle SELECT * FROM violations_vehicle WHERE id = %s", [vehicle.pk])
    with sql.cursor() as c:
        c.execute("SELECT count(*) FROM violations_vehicle WHERE id = %s", [vehicle.pk])
        assert c.fetchone() == (1,)


@pytest.mark.django_db(transaction=True)
@on_postgresql
def test_a_statement_whose_prepared_name_was_dropped_is_prepared_again():
    VehicleFactory(plate_number="5550102")
    with sql.cursor() as c:
        c.execute(VEHICLE_BY_PLATE, ["5550102"])
    connection.connection.execute("DEALLOCATE ALL")  # as psycopg does after a rollback
    with sql.cursor() as c:
        c.execute(VEHICLE_BY_PLATE, ["5550102"])
        assert len(c.fetchall()) == 1


@pytest.mark.django_db(transaction=True)
@on_postgresql
def test_statements_past_the_prepared_limit_still_answer(monkeypatch):
    monkeypatch.setattr(libpq, "PREPARED_MAX", 0)
    VehicleFactory(plate_number="5550103")
    with sql.cursor() as c:
        c.execute(VEHICLE_BY_PLATE + " AND %s = %s", ["5550103", 1, 1])
        assert len(c.fetchall()) == 1
    connection.connection.execute("DEALLOCATE ALL")


@pytest.mark.django_db(transaction=True)
@on_postgresql
def test_a_lost_connection_is_an_operational_error_and_the_next_connection_works():
    import psycopg

    with sql.cursor() as c:
        c.execute("SELECT pg_backend_pid()")
        (pid,) = c.fetchone()
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
    with pytest.raises(OperationalError), sql.cursor() as c:
        c.execute("SELECT 1 WHERE 1 = %s", [1])
    connection.close()
    with sql.cursor() as c:
        c.execute("SELECT 1 WHERE 1 = %s", [1])
        assert c.fetchone() == (1,)


@pytest.mark.django_db(transaction=True)
@on_postgresql
def test_the_statements_are_in_djangos_query_log():
    with CaptureQueriesContext(connection) as queries, sql.cursor() as c:
        c.execute(VEHICLE_BY_PLATE, ["5550104"])
    assert [q["sql"] for q in queries.captured_queries] == [VEHICLE_BY_PLATE]
