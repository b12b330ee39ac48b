"""Owner hooks: how a paid bill reaches the service that issued it.

``payments`` imports no service app (dependencies point down); each owner registers a handler for
its bill kind in its ``AppConfig.ready()``::

    register_bill_handler("violations", violations.billing.violations_bill_paid)

The handler is called as ``handler(bill, payment)`` inside the payment's database transaction, with
the bill row locked. If it raises, nothing of the payment is applied: the payment is kept and queued
for finance staff (rule 2, a payment is never lost).
"""

from collections.abc import Callable
from contextlib import contextmanager

BillHandler = Callable[..., None]

_handlers: dict[str, BillHandler] = {}


class HandlerConflictError(Exception):
    pass


def register_bill_handler(kind: str, handler: BillHandler) -> None:
    """Register ``handler(bill, payment)`` for bills of ``kind``. Registering the same handler again is
    harmless (``ready()`` may run twice); a different handler for a taken kind is a programming error."""
    if not kind:
        raise ValueError("bill kind must not be empty")
    current = _handlers.get(kind)
    if current is not None and current is not handler:
        raise HandlerConflictError(f"bill kind {kind!r} already has handler {current!r}")
    _handlers[kind] = handler


def bill_handler_for(kind: str) -> BillHandler | None:
    return _handlers.get(kind)


def registered_kinds() -> list[str]:
    return sorted(_handlers)


@contextmanager
def temporary_bill_handler(kind: str, handler: BillHandler):
    """For tests: use ``handler`` for ``kind`` inside the block, then restore what was there."""
    previous = _handlers.get(kind)
    _handlers[kind] = handler
    try:
        yield handler
    finally:
        if previous is None:
            _handlers.pop(kind, None)
        else:
            _handlers[kind] = previous
