"""Writes made alongside a request's other work, and durable before it answers (issue 20).

A record a request must keep (the violations inquiry's log line: who looked up whose vehicle) is one INSERT
that PostgreSQL commits and syncs to disk before it returns: about half a millisecond of waiting, during which
the request could already be reading and laying out its answer. Inside :func:`writes_alongside`,
:func:`write` hands such a write to a small pool of threads, each with its own database connection; the
request goes on, and when the block ends it waits for every write it handed over. The record is committed
before the answer leaves, as before (an answer is never sent for a write that failed: the write's error is
raised where the block ends, and answered as any error is), but its wait overlaps the request's own work.

Written in place, as before, when overlapping would change what the caller sees:

- outside a :func:`writes_alongside` block (a command, a task, a view that does not ask for it);
- not on PostgreSQL (SQLite, the zero-setup default, has one writer at a time);
- inside a transaction of the caller's (a test's, a service's ``atomic()``): the write must commit or roll
  back with it, and be seen by it.

A write runs in a copy of the request's context (its request id reaches the log lines). Each pool thread
keeps its connection as a request thread does (``CONN_MAX_AGE``, the health check before reuse): Django's
``close_old_connections`` runs before each write, as it runs when a request starts. ``ALONGSIDE_THREADS``
threads per process: up to that many more database connections per gunicorn worker.
"""

import contextlib
import contextvars
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, close_old_connections, connection, connections

logger = logging.getLogger(__name__)

_local = threading.local()
_pool_lock = threading.Lock()
_pool: ThreadPoolExecutor | None = None
_opened: list = []  # the pool threads' connections (for shutdown)


def _executor() -> ThreadPoolExecutor:
    """Made on first use, in the process that uses it (a gunicorn worker, after the fork)."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=settings.ALONGSIDE_THREADS, thread_name_prefix="writes-alongside")
        return _pool


def shutdown() -> None:
    """Stop the pool and close its threads' database connections (the next write starts another pool): for
    the end of a test run, before its database is dropped."""
    global _pool
    with _pool_lock:
        pool, _pool = _pool, None
    if pool is None:
        return
    pool.shutdown(wait=True)  # its threads have ended: their connections are closed from here
    with _pool_lock:
        opened = list(_opened)
        _opened.clear()
    for wrapper in opened:
        wrapper.inc_thread_sharing()
        try:
            wrapper.close()
        finally:
            wrapper.dec_thread_sharing()


def _run(work: Callable[[], None]) -> None:
    if not getattr(_local, "registered", False):
        with _pool_lock:
            _opened.append(connections[DEFAULT_DB_ALIAS])
        _local.registered = True
    close_old_connections()  # as when a request starts: a connection too old or broken is replaced
    work()


def write(work: Callable[[], None]) -> None:
    """Do ``work`` (one write on ``django.db.connection``) alongside the rest of the request when inside
    :func:`writes_alongside` and nothing above makes it wait; else now."""
    pending: list[Future] | None = getattr(_local, "pending", None)
    if pending is None or connection.vendor != "postgresql" or connection.in_atomic_block:
        work()
        return
    pending.append(_executor().submit(contextvars.copy_context().run, _run, work))


@contextlib.contextmanager
def writes_alongside():
    """The writes handed to :func:`write` in this block are done by the time it ends: their errors are
    raised here (the first one; the others logged), so that no answer is given without its records."""
    outer = getattr(_local, "pending", None)
    pending: list[Future] = []
    _local.pending = pending
    try:
        yield
    except BaseException:
        _local.pending = outer
        _wait(pending, raise_first=False)  # the block failed already: its writes still finish, then it raises
        raise
    _local.pending = outer
    _wait(pending, raise_first=True)


def _wait(pending: list[Future], *, raise_first: bool) -> None:
    failure = None
    for future in pending:
        try:
            future.result()
        except Exception as error:
            if failure is None and raise_first:
                failure = error
            else:
                logger.error("a write made alongside a request failed", exc_info=error)
    if failure is not None:
        raise failure
