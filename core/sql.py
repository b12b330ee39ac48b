"""Model rows read by a statement written once, for the few reads every request of a kind makes.

Building an ORM query (clone, filter, compile) costs more than running it on an indexed column; on
the paths measured in issue 20 (the violations inquiry: the vehicle, then its violations) it was most
of the look-up. :func:`select` writes the SELECT once per model and condition, and returns model
instances exactly as the ORM would (the database's and the fields' converters applied: SQLite keeps
dates and amounts as text). Anything not on such a path uses the ORM.

:func:`cursor` is the cursor such statements run on: on PostgreSQL each statement is prepared, so that it is
parsed and planned once per connection instead of once per request (``DATABASE_PREPARED_STATEMENTS``).
"""

import hashlib
import re
import select as io_select
import threading
import time
import weakref
from contextlib import contextmanager, suppress
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


class _Sent:
    """What :func:`alongside` sent on the connection's libpq handle (in pipeline mode, one sync point): the held
    writes, then at most one read. ``rows()`` waits for everything and answers the read's rows."""

    def __init__(self, pgconn, writes: list, read: tuple | None, groups: list[str]):
        self.pgconn, self.writes, self.read, self.groups = pgconn, writes, read, groups
        self.started = time.perf_counter()
        self.done = False
        self.read_rows: list[tuple] = []

    def rows(self) -> list[tuple]:
        self.finish()
        return self.read_rows

    def finish(self) -> None:
        """Wait for the database's answers (the writes confirmed: committed, outside a transaction), leave
        pipeline mode; a refused statement raises as Django's database error."""
        if self.done:
            return
        self.done = True
        if _held.sent is self:
            _held.sent = None
        from psycopg import errors, pq
        from psycopg.adapt import Transformer

        pgconn, failure = self.pgconn, None
        encoding = connection.connection.info.encoding
        with connection.wrap_database_errors:
            try:
                for group in [*self.groups, "sync"]:  # what was queued, in order, then the sync point
                    while (result := _next_result(pgconn)) is not None:
                        status = result.status
                        if status == pq.ExecStatus.PIPELINE_SYNC:
                            break
                        if status == pq.ExecStatus.TUPLES_OK and group == "read":
                            loader = Transformer(connection.connection)
                            loader.set_pgresult(result)
                            self.read_rows = loader.load_rows(0, result.ntuples, tuple)
                        elif status not in (pq.ExecStatus.COMMAND_OK, pq.ExecStatus.TUPLES_OK) and failure is None:
                            if status == pq.ExecStatus.PIPELINE_ABORTED:
                                failure = errors.PipelineAborted("pipeline aborted")
                            else:
                                failure = errors.error_from_result(result, encoding=encoding)
                    else:
                        continue
                    break  # the sync point: nothing more was sent
            finally:
                pgconn.exit_pipeline_mode()
            if failure is not None:
                # What this pipeline prepared may not exist (a failed statement aborts the rest): prepare again.
                _prepared_on.pop(pgconn, None)
                raise failure
        if connection.queries_logged:
            took = f"{time.perf_counter() - self.started:.3f}"
            for statement, values in [*self.writes, *([self.read] if self.read else [])]:
                connection.queries_log.append({"sql": f"{statement} -- {values!r} (sent alongside)", "time": took})


def _flush(pgconn, *, sync: bool) -> None:
    if sync:
        pgconn.pipeline_sync()
    while pgconn.flush():
        io_select.select([], [pgconn.socket], [])


def _next_result(pgconn):
    while True:
        pgconn.consume_input()
        if not pgconn.is_busy():
            return pgconn.get_result()
        io_select.select([pgconn.socket], [], [])


@contextmanager
def alongside(read: tuple[str, list] | None = None):
    """Send the rows :func:`writes_held` holds, and ``read`` (a SELECT and its values), without waiting: the block
    runs while the database writes (and commits, outside a transaction) and reads. It yields what was sent:
    ``.rows()`` waits and answers the read's rows. Leaving the block waits for the database to confirm the
    writes, so what follows (the answer) comes after they are stored; a statement run inside the block first
    waits for them (one conversation at a time on a connection). Not PostgreSQL, or nothing to send: the
    block runs, and ``rows()`` reads as any statement does."""
    if connection.vendor != "postgresql" or _held.sent is not None or not (_held.writes or read):
        yield _Synchronous(read)
        return
    writes, _held.writes = _held.writes, []
    connection.ensure_connection()
    pgconn = connection.connection.pgconn
    groups: list[str] = []
    with connection.wrap_database_errors:
        pgconn.enter_pipeline_mode()
        try:
            for statement, values in writes:
                groups += _send(pgconn, statement, values)
            if read:
                groups += [*_send(pgconn, *read)[:-1], "read"]
        except BaseException:
            # Nothing of it can be trusted: close what was queued (a sync point, its answers read back) and
            # report the first error; a broken connection fails both, and the first is the one to see.
            _prepared_on.pop(pgconn, None)
            with suppress(Exception):
                _flush(pgconn, sync=True)
                _Sent(pgconn, writes, read, groups).finish()
            raise
        _flush(pgconn, sync=True)
    sent = _held.sent = _Sent(pgconn, writes, read, groups)

    def finished_first(execute, sql, params, many, context):
        sent.finish()
        return execute(sql, params, many, context)

    try:
        with connection.execute_wrapper(finished_first):
            yield sent
    finally:
        sent.finish()


def writes_alongside():
    """:func:`alongside` with nothing to read: the held rows written while the block runs."""
    return alongside()


class _Synchronous:
    def __init__(self, read):
        self.read = read

    def rows(self) -> list[tuple]:
        if self.read is None:
            return []
        with cursor() as c:
            c.execute(*self.read)
            return c.fetchall()


# The statements prepared on each libpq connection (weakly held: a closed connection takes its entry along).
_prepared_on: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _send(pgconn, statement: str, values: list) -> list[str]:
    """``statement`` (with ``%s`` placeholders) queued on the connection's libpq handle, as a statement prepared
    on this connection (the first time here: prepared first, in the same pipeline): planned as :func:`cursor`'s
    statements are, a generic plan once PostgreSQL finds it as good (an unprepared statement is planned for
    its values every time: the statement's state for a vehicle of 200 violations got a 65 ms plan). The values
    are sent as text, adapted by psycopg, and typed by the server from the statement. Answers what it queued:
    the results to read back, in order."""
    from psycopg.adapt import PyFormat, Transformer

    name = "portal_" + hashlib.sha1(statement.encode(), usedforsecurity=False).hexdigest()[:20]
    numbered = iter(range(1, statement.count("%s") + 1))
    text = re.sub(r"%s", lambda _: f"${next(numbered)}", statement)
    dumped = Transformer(connection.connection).dump_sequence(values, [PyFormat.TEXT] * len(values))
    if connection.in_atomic_block:
        # In a transaction (a test's, an atomic block): unprepared, as a rolled-back transaction may take the
        # statement with it (psycopg forgets its own prepared statements on a rollback too).
        pgconn.send_query_params(text.encode(), dumped)
        return ["statement"]
    queued = []
    prepared = _prepared_on.setdefault(pgconn, set())
    if name not in prepared:
        pgconn.send_prepare(name.encode(), text.encode())
        prepared.add(name)
        queued.append("prepare")
    pgconn.send_query_prepared(name.encode(), dumped)
    return [*queued, "statement"]


def _confirm() -> None:
    """Wait for whatever :func:`alongside` sent and has not been answered yet."""
    if _held.sent is not None:
        _held.sent.finish()
