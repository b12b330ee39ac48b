"""Model rows read by a statement written once, for the few reads every request of a kind makes.

Building an ORM query (clone, filter, compile) costs more than running it on an indexed column; on
the paths measured in issue 20 (the violations inquiry: the vehicle, then its violations) it was most
of the look-up. :func:`select` writes the SELECT once per model and condition, and returns model
instances exactly as the ORM would (the database's and the fields' converters applied: SQLite keeps
dates and amounts as text). Anything not on such a path uses the ORM.

:func:`cursor` is the cursor such statements run on: on PostgreSQL each statement is prepared, so that it is
parsed and planned once per connection instead of once per request (``DATABASE_PREPARED_STATEMENTS``).
"""

import select as io_select
import threading
import time
from contextlib import contextmanager, suppress
from functools import cache

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
from django.db.models.expressions import RawSQL
from django.db.models.signals import post_save, pre_save

from core.libpq import LibpqCursor, named, prepared_on


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
    db = connections[DEFAULT_DB_ALIAS]  # the thread's connection, found once (each `connection.x` looks it up)
    if db.vendor != "postgresql" or not settings.DATABASE_PREPARED_STATEMENTS:
        return db.cursor()
    db.ensure_connection()
    db.validate_thread_sharing()
    pg = db.connection
    if db.autocommit and not db.in_atomic_block:
        raw = LibpqCursor(pg)
    else:
        if pg.prepare_threshold is None:  # Django turns psycopg's preparing off; only this cursor asks for it
            pg.prepare_threshold = 5
        with db.wrap_database_errors:
            raw = _preparing_cursor_class()(pg)
    return _DebugWrapper(raw, db) if db.queries_logged else db.make_cursor(raw)


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


def unobserved(model) -> bool:
    """Nothing listens to ``model``'s saves: its rows may be written by a statement of our own (:func:`insert`)."""
    return not (pre_save.has_listeners(model) or post_save.has_listeners(model))


def insert_statement(model, **values) -> tuple[str, list]:
    """The INSERT of :func:`insert` and its values, for a statement that writes the row as one of its parts
    (``WITH name AS (INSERT …)``, where a ``RawSQL`` value may read the statement's other parts). Only for a
    model that is :func:`unobserved`."""
    sql, fields = _insert_statement(model)
    raw = {name: values.pop(name) for name, value in list(values.items()) if isinstance(value, RawSQL)}
    instance = model(**values)
    params = [f.get_db_prep_save(f.pre_save(instance, True), connection) for f in fields if f.name not in raw]
    if raw:  # a value the database works out (RawSQL): its SQL in the field's place, its values among the others
        places, params = [], iter(params)
        values_in_order: list = []
        for f in fields:
            if f.name in raw:
                places.append(raw[f.name].sql)
                values_in_order.extend(raw[f.name].params)
            else:
                places.append("%s")
                values_in_order.append(next(params))
        sql = sql[: sql.rindex("VALUES (")] + f"VALUES ({', '.join(places)})"
        params = values_in_order
    return sql, params


def insert(model, **values) -> None:
    """One row of ``model`` written by a statement written once, its values prepared by the fields as the
    ORM prepares them (``auto_now_add`` included); a value given as ``RawSQL`` is worked out by the database in
    the same statement. Only for models nothing listens to (no save signals, not audited): the ORM is used
    otherwise, so that no receiver is ever skipped."""
    if not unobserved(model):
        model._default_manager.create(**values)
        return
    sql, params = insert_statement(model, **values)
    if _held.depth and connection.vendor == "postgresql" and not connection.in_atomic_block:
        _held.writes.append((sql, params))  # written by alongside(), or as writes_held ends
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
    """Inside this block, :func:`insert` on PostgreSQL, outside a transaction, holds its row back (a page's reads come first) until
    :func:`alongside` sends it, and leaving the block writes and confirms whatever is still held: the
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
    """What :func:`alongside` sent on the connection's libpq handle, in pipeline mode: the held writes and their
    sync point (their own transaction: committed whatever becomes of the read), then the read (prepared on the
    connection the first time) and its sync point. ``rows()`` waits for everything and answers the read's rows."""

    def __init__(self, pgconn, writes: list, read: tuple | None, steps: list, name: str | None):
        self.pgconn, self.writes, self.read, self.steps, self.name = pgconn, writes, read, steps, name
        self.started = time.perf_counter()
        self.done = False
        self.read_rows: list[tuple] = []
        self.read_again = False  # the prepared read was refused (its name gone or taken): read as any statement

    def rows(self) -> list[tuple]:
        self.finish()
        return _Synchronous(self.read).rows() if self.read_again else self.read_rows

    def finish(self) -> None:
        """Wait for the database's answers, reading each sync point (where a commit's own error comes), and leave
        pipeline mode. A write refused raises as Django's database error; a read refused for its prepared name
        (dropped by a psycopg ``DEALLOCATE ALL`` after a rollback, or already there) is read again by
        ``rows()``; any other refused read raises."""
        if self.done:
            return
        self.done = True
        if _held.sent is self:
            _held.sent = None
        from psycopg import errors, pq
        from psycopg.adapt import Transformer

        pgconn = self.pgconn
        failures = {"write": None, "read": None}
        section, prepared_ok = "write", False
        with connection.wrap_database_errors:
            try:
                for step in self.steps:
                    if step in ("prepare", "read"):
                        section = "read"
                    while True:
                        result = _next_result(pgconn)
                        if result is None:
                            if step == "sync":
                                continue  # a commit's error comes between the last statement and the sync point
                            break
                        status = result.status
                        if status == pq.ExecStatus.PIPELINE_SYNC:
                            break
                        if status == pq.ExecStatus.TUPLES_OK and step == "read":
                            loader = Transformer(connection.connection)
                            loader.set_pgresult(result)
                            self.read_rows = loader.load_rows(0, result.ntuples, tuple)
                        elif status == pq.ExecStatus.COMMAND_OK and step == "prepare":
                            prepared_ok = True
                        elif (
                            status
                            not in (pq.ExecStatus.COMMAND_OK, pq.ExecStatus.TUPLES_OK, pq.ExecStatus.PIPELINE_ABORTED)
                            and failures[section] is None
                        ):
                            failures[section] = errors.error_from_result(
                                result, encoding=connection.connection.info.encoding
                            )
            except BaseException:
                with suppress(Exception):
                    pgconn.exit_pipeline_mode()
                raise
            pgconn.exit_pipeline_mode()
            if prepared_ok:
                prepared_on.setdefault(pgconn, set()).add(self.name)
            if failures["write"] is not None:
                raise failures["write"]
            if failures["read"] is not None:
                state = failures["read"].sqlstate
                if self.name and state == "26000":  # gone: prepare it again next time
                    prepared_on.setdefault(pgconn, set()).discard(self.name)
                    self.read_again = True
                elif self.name and state == "42P05":  # already there: use it next time
                    prepared_on.setdefault(pgconn, set()).add(self.name)
                    self.read_again = True
                else:
                    raise failures["read"]
        if connection.queries_logged:
            took = f"{time.perf_counter() - self.started:.3f}"
            for statement, values in [*self.writes, *([self.read] if self.read else [])]:
                connection.queries_log.append({"sql": f"{statement} -- {values!r} (sent alongside)", "time": took})


def _flush(pgconn) -> None:
    while pgconn.flush():
        io_select.select([pgconn.socket], [pgconn.socket], [])
        pgconn.consume_input()


def _next_result(pgconn):
    while True:
        pgconn.consume_input()
        if not pgconn.is_busy():
            return pgconn.get_result()
        io_select.select([pgconn.socket], [], [])


@contextmanager
def alongside(read: tuple[str, list] | None = None):
    """Send the rows :func:`writes_held` holds, and ``read`` (a SELECT and its values), without waiting: the block
    runs while the database writes (and commits: outside a transaction, in their own) and reads. It yields what
    was sent: ``.rows()`` waits and answers the read's rows. Leaving the block waits for the database to confirm
    the writes, so what follows (the answer) comes after they are stored; a statement run inside the block
    first waits for them (one conversation at a time on a connection). Only statements run by a cursor are
    waited for: nothing in the block may change the transaction (``atomic()``) or use the psycopg connection
    directly. Not PostgreSQL, or nothing to send: the block runs, and ``rows()`` reads as any statement does."""
    if connection.vendor != "postgresql" or _held.sent is not None or not (_held.writes or read):
        yield _Synchronous(read)
        return
    writes, _held.writes = _held.writes, []
    connection.ensure_connection()
    pgconn = connection.connection.pgconn
    steps: list[str] = []
    name = None
    with connection.wrap_database_errors:
        pgconn.enter_pipeline_mode()
        try:
            for statement, values in writes:
                text, params, _name = _numbered(statement, values)
                pgconn.send_query_params(text, params)
                steps.append("write")
            if writes:
                pgconn.pipeline_sync()
                steps.append("sync")
            if read:
                text, values, prepared_name = _numbered(*read)
                if settings.DATABASE_PREPARED_STATEMENTS and not connection.in_atomic_block:
                    # Prepared as cursor() prepares: a generic plan once PostgreSQL finds it as good (planned for
                    # its values every time, the state of a vehicle of 200 violations got a 65 ms plan).
                    name = prepared_name
                    if name not in prepared_on.get(pgconn, ()):
                        pgconn.send_prepare(name.encode(), text)
                        steps.append("prepare")
                    pgconn.send_query_prepared(name.encode(), values)
                else:
                    pgconn.send_query_params(text, values)
                steps.append("read")
                pgconn.pipeline_sync()
                steps.append("sync")
        except BaseException:
            # Close what was queued (a sync point, its answers read back) and report the first error; a broken
            # connection fails both, and the first is the one to see.
            with suppress(Exception):
                if steps and steps[-1] != "sync":
                    pgconn.pipeline_sync()
                    steps.append("sync")
                _flush(pgconn)
                _Sent(pgconn, writes, read, steps, name).finish()
            raise
        _flush(pgconn)
    sent = _held.sent = _Sent(pgconn, writes, read, steps, name)

    def finished_first(execute, sql, params, many, context):
        sent.finish()
        return execute(sql, params, many, context)

    try:
        with connection.execute_wrapper(finished_first):
            yield sent
    finally:
        sent.finish()


class _Synchronous:
    def __init__(self, read):
        self.read = read

    def rows(self) -> list[tuple]:
        if self.read is None:
            return []
        with cursor() as c:
            c.execute(*self.read)
            return c.fetchall()


def _numbered(statement: str, values: list) -> tuple[bytes, list, str]:
    """``statement`` with ``$1``, ``$2``… for its ``%s`` (``%%`` is a literal ``%``), its values as text, adapted
    by psycopg (the server types them from the statement), and the name it is prepared under (core.libpq)."""
    from psycopg.adapt import PyFormat, Transformer

    text, name, _count = named(statement)
    return text, Transformer(connection.connection).dump_sequence(values, [PyFormat.TEXT] * len(values)), name


def _confirm() -> None:
    """Wait for whatever :func:`alongside` sent and has not been answered yet."""
    if _held.sent is not None:
        _held.sent.finish()
