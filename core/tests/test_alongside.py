"""core.alongside: a write handed over in a ``writes_alongside`` block is made on another connection while
the block goes on, and is committed by the time the block ends; its failure is raised there."""

import threading

import pytest
from django.db import IntegrityError, connection, transaction

from core import alongside

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="written alongside on PostgreSQL only"),
]


@pytest.fixture
def probe():
    """A table of this test's own, seen from every connection (committed, unlike a temporary table)."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE alongside_probe (n integer PRIMARY KEY, thread text NOT NULL)")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE alongside_probe")


def _insert(n):
    def work():
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO alongside_probe VALUES (%s, %s)", [n, threading.current_thread().name])

    return work


def _rows():
    with connection.cursor() as cursor:
        cursor.execute("SELECT n, thread FROM alongside_probe ORDER BY n")
        return cursor.fetchall()


def test_a_write_in_the_block_is_made_on_another_connection_and_committed_when_the_block_ends(probe):
    release = threading.Event()
    with alongside.writes_alongside():

        def held():
            release.wait(10)  # the block's own work goes on meanwhile
            _insert(1)()

        alongside.write(held)
        assert _rows() == []  # not yet written: the block did not wait for it
        release.set()
    ((n, thread),) = _rows()  # committed: seen from this connection as soon as the block ends
    assert n == 1 and thread.startswith("writes-alongside") and thread != threading.current_thread().name


def test_a_failed_write_is_raised_where_the_block_ends_after_its_work(probe):
    done = []
    _insert(1)()
    with pytest.raises(IntegrityError), alongside.writes_alongside():
        alongside.write(_insert(1))  # the same key again
        done.append("the block's work")
    assert done == ["the block's work"]
    assert [n for n, _thread in _rows()] == [1]


def test_the_writes_of_a_block_that_fails_finish_before_its_error_is_raised(probe):
    with pytest.raises(ValueError, match="the block's own"), alongside.writes_alongside():
        alongside.write(_insert(1))
        raise ValueError("the block's own error")
    assert [n for n, _thread in _rows()] == [1]


def test_in_place_outside_a_block_and_inside_the_callers_transaction(probe):
    main = threading.current_thread().name
    alongside.write(_insert(1))  # no block: now, here
    with alongside.writes_alongside(), transaction.atomic():
        alongside.write(_insert(2))  # the caller's transaction: committed or rolled back with it
        assert [n for n, _thread in _rows()] == [1, 2]
        transaction.set_rollback(True)
    assert _rows() == [(1, main)]
