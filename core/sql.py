"""Model rows read by a statement written once, for the few reads every request of a kind makes.

Building an ORM query (clone, filter, compile) costs more than running it on an indexed column; on
the paths measured in issue 20 (the violations inquiry: the vehicle, then its violations) it was most
of the look-up. :func:`select` writes the SELECT once per model and condition, and returns model
instances exactly as the ORM would (the database's and the fields' converters applied: SQLite keeps
dates and amounts as text). Anything not on such a path uses the ORM.

:func:`cursor` is the cursor such statements run on: on PostgreSQL each statement is prepared, so that it is
parsed and planned once per connection instead of once per request (``DATABASE_PREPARED_STATEMENTS``).
"""

import re
import select as io_select
import threading
import time
from contextlib import contextmanager
from functools import cache

from django.conf import settings
from django.db import connection
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
from django.db.models.signals import post_save, pre_save


@cache
def _preparing_cursor_class():
    from django.db.backends.postgresql.base import ServerBindingCursor

    class PreparingCursor(ServerBindingCursor):
        """Values bound on the server, every statement prepared on its first run (psycopg keeps the
        prepared statements of its connection, by text)."""

        def execute(self, query, params=None, *, prepare=None, binary=None):
            return super().execute(query, params, prepare=True if prepare is None else prepare, binary=binary)

    return PreparingCursor


def cursor():
    """A cursor for a statement written once and run on every request of a kind (a look-up, a log line):
    on PostgreSQL the statement is prepared on its first run and executed by name afterwards. Used only for
    such statements: a prepared statement may be given a generic plan, right for an indexed look-up and
    wrong for a report's ranges, so the ORM keeps Django's client-side binding. Wrapped as Django wraps its
    own cursors (query counts, the debug log, database errors as Django's)."""
    if connection.vendor != "postgresql" or not settings.DATABASE_PREPARED_STATEMENTS:
        return connection.cursor()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    pg = connection.connection
    if pg.prepare_threshold is None:  # Django turns psycopg's preparing off; only this cursor asks for it
        pg.prepare_threshold = 5
    with connection.wrap_database_errors:
        raw = _preparing_cursor_class()(pg)
    return _DebugWrapper(raw, connection) if connection.queries_logged else connection.make_cursor(raw)


class _DebugWrapper(CursorDebugWrapper):
    """Django's query log for a prepared statement: psycopg keeps no text of a statement executed by name,
    so the log (and the query counts of tests) shows the statement as written, its values beside it."""

    def execute(self, sql, params=None):
        with self.debug_sql(sql, params):
            return CursorWrapper.execute(self, sql, params)


@cache
def _statement(model, where: str, order: str, limit: int | None) -> tuple[str, tuple[str, ...]]:
    meta = model._meta
    fields = meta.concrete_fields
    quote = connection.ops.quote_name
    columns = {f.name: quote(f.column) for f in fields} | {f.attname: quote(f.column) for f in fields}
    sql = f"SELECT {', '.join(quote(f.column) for f in fields)} FROM {quote(meta.db_table)} WHERE {where.format(**columns)}"  # noqa: S608 (names from the model; values bound)
    if order:
        sql += f" ORDER BY {order.format(**columns)}"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return sql, tuple(f.attname for f in fields)


@cache
def _converters(model, vendor: str) -> tuple:
    found = []
    for i, field in enumerate(model._meta.concrete_fields):
        column = field.get_col(model._meta.db_table)
        for convert in connection.ops.get_db_converters(column) + column.get_db_converters(connection):
            found.append((i, column, convert))
    return tuple(found)


def select(model, where: str, params: list, *, order: str = "", limit: int | None = None) -> list:
    """Instances of ``model`` whose row satisfies ``where`` (field names in braces, values as ``%s``):
    ``select(Vehicle, "{plate_code} = %s AND {plate_number} = %s", [code, number], limit=1)``."""
    sql, names = _statement(model, where, order, limit)
    with cursor() as c:
        c.execute(sql, params)
        rows = c.fetchall()
    converters = _converters(model, connection.vendor)
    found = []
    for row in rows:
        if converters:
            row = list(row)
            for i, column, convert in converters:
                row[i] = convert(row[i], column, connection)
        found.append(model.from_db(connection.alias, names, row))
    return found


@cache
def _insert_statement(model) -> tuple[str, tuple]:
    meta = model._meta
    fields = tuple(f for f in meta.concrete_fields if not f.primary_key)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608 (names from the model; values bound)
    return sql, fields


def insert(model, **values) -> None:
    """One row of ``model`` written by a statement written once, its values prepared by the fields as the
    ORM prepares them (``auto_now_add`` included). Only for models nothing listens to (no save signals,
    not audited): the ORM is used otherwise, so that no receiver is ever skipped."""
    if pre_save.has_listeners(model) or post_save.has_listeners(model):
        model._default_manager.create(**values)
        return
    sql, fields = _insert_statement(model)
    instance = model(**values)
    params = [f.get_db_prep_save(f.pre_save(instance, True), connection) for f in fields]
    if _held.depth and connection.vendor == "postgresql":
        _held.writes.append((sql, params))  # written by writes_alongside, or as writes_held ends
        return
    with cursor() as c:
        c.execute(sql, params)


# --- writes held back, then done while the page is laid out -------------------------------------------------


class _Held(threading.local):
    def __init__(self):
        self.depth = 0  # writes_held() blocks open on this thread
        self.writes: list[tuple[str, list]] = []  # held: (statement, values), not yet sent
        self.sent = None  # the connection's libpq handle while sent writes are unconfirmed


_held = _Held()


@contextmanager
def writes_held():
    """Inside this block, :func:`insert` on PostgreSQL holds its row back (a page's reads come first) until
    :func:`writes_alongside` sends it, and leaving the block writes and confirms whatever is still held: the
    block never ends with a row unwritten, whatever happens in it.

    For a row every request of a kind writes and nothing reads back (the inquiry's log line): it goes to the
    database while the answer is laid out instead of before, and is committed before the answer leaves."""
    _held.depth += 1
    try:
        yield
    finally:
        _held.depth -= 1
        if _held.depth == 0:
            try:
                _confirm()
                for statement, values in _held.writes:
                    with cursor() as c:
                        c.execute(statement, values)
            finally:
                _held.writes = []


@contextmanager
def writes_alongside():
    """Send the rows :func:`writes_held` holds and run this block while the database writes them (and commits
    them, outside a transaction); leaving it waits for the database to confirm each one, so what follows (the
    answer) comes after they are stored. A statement run inside the block first waits for them (one
    conversation at a time on a connection). Nothing held, or not PostgreSQL: just the block."""
    if not _held.writes or connection.vendor != "postgresql" or _held.sent is not None:
        yield
        return
    writes, _held.writes = _held.writes, []
    connection.ensure_connection()
    pgconn = connection.connection.pgconn
    started = time.perf_counter()
    with connection.wrap_database_errors:
        for statement, values in writes:
            _send(pgconn, statement, values)
    _held.sent = pgconn

    def confirmed_first(execute, sql, params, many, context):
        _confirm()
        return execute(sql, params, many, context)

    try:
        with connection.execute_wrapper(confirmed_first):
            yield
    finally:
        _confirm()
        if connection.queries_logged:
            for statement, values in writes:
                connection.queries_log.append(
                    {
                        "sql": f"{statement} -- {values!r} (sent alongside)",
                        "time": f"{time.perf_counter() - started:.3f}",
                    }
                )


def _send(pgconn, statement: str, values: list) -> None:
    """``statement`` (with ``%s`` placeholders) sent on the connection's libpq handle, not waited for; the
    values adapted by psycopg as for any of its queries."""
    from psycopg.adapt import PyFormat, Transformer

    numbered = iter(range(1, statement.count("%s") + 1))
    text = re.sub(r"%s", lambda _: f"${next(numbered)}", statement)
    transformer = Transformer(connection.connection)
    dumped = transformer.dump_sequence(values, [PyFormat.AUTO] * len(values))
    pgconn.send_query_params(text.encode(), dumped, param_types=transformer.types, param_formats=transformer.formats)
    while pgconn.flush():
        io_select.select([], [pgconn.socket], [])


def _confirm() -> None:
    """Wait for the sent writes' results; a failed one raises as Django's database error."""
    pgconn, _held.sent = _held.sent, None
    if pgconn is None:
        return
    from psycopg import errors, pq

    failure = None
    with connection.wrap_database_errors:
        while True:
            pgconn.consume_input()
            if not pgconn.is_busy():
                break
            io_select.select([pgconn.socket], [], [])
        while (result := pgconn.get_result()) is not None:
            if result.status != pq.ExecStatus.COMMAND_OK and failure is None:
                failure = errors.error_from_result(result, encoding=connection.connection.info.encoding)
        if failure is not None:
            raise failure
