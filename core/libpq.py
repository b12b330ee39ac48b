"""Statements sent by libpq itself, prepared by name, outside a transaction (issue 20): :class:`LibpqCursor`.

``core.sql.cursor`` gives it for the statements every request of a kind runs; ``core.sql.alongside`` names the
reads it prepares the same way and keeps them in the same registry.
"""

import hashlib
import re
import weakref
from functools import cache

# The statements prepared on each libpq connection (weakly held: a closed connection takes its entry along); a name is
# added once PostgreSQL confirmed its PREPARE.
prepared_on: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


# Statements kept prepared on one connection by :class:`LibpqCursor`; past it, a new statement runs unprepared.
PREPARED_MAX = 200


class LibpqCursor:
    """The statement sent by libpq itself, prepared once per connection under a name of ours (issue 20).

    psycopg's cursor costs about twice libpq's own work per statement (its generators and waiting loop: 0.13 of
    0.19 ms CPU a look-up), on statements that every bill pull and inquiry runs. Only outside a transaction
    (autocommit): there psycopg has nothing to add (inside one it first sends BEGIN; :func:`cursor` then gives
    psycopg's own). Django's wrapper still runs around it (execute wrappers, the query log, database errors as
    Django's). libpq waits with the GIL released. A name PostgreSQL no longer knows (psycopg's DEALLOCATE ALL
    after a rollback) is prepared again; a connection found broken raises OperationalError (then replaced)."""

    def __init__(self, pg):
        self.pg = pg
        self.rowcount = -1
        self._rows: list[tuple] = []

    def execute(self, query, params=None):
        from psycopg import OperationalError, pq
        from psycopg.adapt import PyFormat, Transformer

        text, name, count = named(query)
        pgconn = self.pg.pgconn
        adapt = Transformer(self.pg)  # one per statement: dumps its values, then loads its rows
        values = adapt.dump_sequence(list(params or ()), [PyFormat.TEXT] * count)
        prepared = prepared_on.setdefault(pgconn, set())
        if name not in prepared and len(prepared) >= PREPARED_MAX:
            result = pgconn.exec_params(text, values)  # one of many shapes (a list of n values): not kept
        else:
            for attempt in (1, 2):
                if name not in prepared:
                    result = pgconn.prepare(name.encode(), text)
                    if result.status == pq.ExecStatus.FATAL_ERROR and _state(result) != "42P05":  # 42P05: there
                        raise self._error(result)
                    prepared.add(name)
                result = pgconn.exec_prepared(name.encode(), values)
                if attempt == 1 and result.status == pq.ExecStatus.FATAL_ERROR and _state(result) == "26000":
                    prepared.discard(name)  # gone (psycopg's DEALLOCATE ALL after a rollback): prepare it again
                    continue
                break
        if result.status == pq.ExecStatus.FATAL_ERROR:
            raise self._error(result)
        if pgconn.status == pq.ConnStatus.BAD:
            raise OperationalError("the database connection was lost")
        self.rowcount = result.command_tuples if result.command_tuples is not None else -1
        if result.status == pq.ExecStatus.TUPLES_OK:
            adapt.set_pgresult(result)
            self._rows = adapt.load_rows(0, result.ntuples, tuple)
        else:
            self._rows = []
        return self

    def _error(self, result):
        from psycopg import OperationalError, errors, pq

        if self.pg.pgconn.status == pq.ConnStatus.BAD:
            return OperationalError("the database connection was lost")
        return errors.error_from_result(result, encoding=self.pg.info.encoding)

    def fetchone(self):
        return self._rows[0] if self._rows else None

    def fetchall(self):
        return list(self._rows)

    def close(self):
        self._rows = []


@cache
def named(query: str) -> tuple[bytes, str, int]:
    """``query`` with ``$1``, ``$2``… for its ``%s`` (``%%`` a literal ``%``), its prepared statement's name (as
    :func:`alongside` names its read) and how many values it takes."""
    count = query.count("%s")
    numbered = iter(range(1, count + 1))
    text = re.sub(r"%%|%s", lambda m: "%" if m.group() == "%%" else f"${next(numbered)}", query).encode()
    return text, "portal_" + hashlib.sha1(text, usedforsecurity=False).hexdigest()[:20], count


def _state(result) -> str:
    from psycopg import pq

    return (result.error_field(pq.DiagnosticField.SQLSTATE) or b"").decode()
