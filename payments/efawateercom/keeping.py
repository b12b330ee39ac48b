"""Every eFAWATEERcom bill pull kept before it is answered (rule 6), in one statement (issue 20).

The message (request and answer) is written by a statement written once per database vendor, not built by
the ORM per message; with it, on PostgreSQL in the same statement, the answer's new signature is kept on
its bill for the next pull (``Bill.pull_signature``, see ``protocol._Signatures``).
"""

from contextlib import nullcontext

from django.db import transaction
from django.utils import timezone

from core import sql
from payments.constants import MessageKind
from payments.efawateercom import protocol
from payments.models import Bill, Message

MESSAGE_COLUMNS = (
    "kind",
    "guid",
    "body_sha256",
    "request",
    "response",
    "response_content_type",
    "result_code",
    "soap",
    "remote_addr",
    "received_at",
)


# The statements of the two biller endpoints, written once per database vendor (not on every message).
_WRITTEN: dict[tuple[str, str], str] = {}


def _written(name: str, connection, write) -> str:
    key = (name, connection.vendor)
    if key not in _WRITTEN:
        _WRITTEN[key] = write(connection)
    return _WRITTEN[key]


def _insert_message_sql(connection) -> str:
    return _written("insert", connection, _write_insert_message)


def _write_insert_message(connection) -> str:
    quote = connection.ops.quote_name
    meta = Message._meta
    columns = ", ".join(quote(meta.get_field(name).column) for name in MESSAGE_COLUMNS)
    return f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({', '.join(['%s'] * len(MESSAGE_COLUMNS))})"  # noqa: S608 (names from the model, quoted; values bound)


def keep(fields: dict, *, bill_signature: tuple[int, bytes] | None = None) -> None:
    """Store one message durably before it is answered, in one round trip.

    Outside a transaction (every request: ATOMIC_REQUESTS is off) the INSERT runs in autocommit: one
    statement that PostgreSQL commits, and syncs to disk (synchronous_commit), before it returns. No
    BEGIN and COMMIT of their own: four round trips become one. The statement is written out once, not
    built by the ORM per message (its work cost as much as the round trip). Inside a caller's transaction
    (tests, a command) it is a savepoint, so that losing the unique index to a retry leaves that
    transaction usable. A Message has no audit or other signal receivers to skip.

    ``bill_signature`` (bill id, signature) keeps a bill pull answer's new signature on its bill, for the next
    pull (``Bill.pull_signature``): on PostgreSQL in the same statement (the INSERT as a WITH clause: still
    one round trip), elsewhere in a second one. Nothing listens to that column; it is never audited data.
    """
    connection = transaction.get_connection()
    values = {
        **fields,
        # Plain values: a driver may write an enum by its name, not its value.
        "kind": MessageKind(fields["kind"]).value,
        "result_code": int(fields["result_code"]),
        "soap": bool(fields["soap"]),
        "response_content_type": protocol.CONTENT_TYPE,
        "received_at": connection.ops.adapt_datetimefield_value(timezone.now()),
    }
    statements = [(_insert_message_sql(connection), [values[name] for name in MESSAGE_COLUMNS])]
    if bill_signature is not None:
        bill_id, signature = bill_signature
        update = _bill_signature_sql(connection)
        if connection.vendor == "postgresql":
            ((insert, params),) = statements
            statements = [(f"WITH kept AS ({insert}) {update}", [*params, signature, bill_id])]
        else:
            statements.append((update, [signature, bill_id]))
    with transaction.atomic() if connection.in_atomic_block else nullcontext(), sql.cursor() as cursor:
        for statement, params in statements:
            cursor.execute(statement, params)


def _bill_signature_sql(connection) -> str:
    return _written("bill signature", connection, _write_bill_signature)


def _write_bill_signature(connection) -> str:
    quote = connection.ops.quote_name
    meta = Bill._meta
    column = quote(meta.get_field("pull_signature").column)
    return f"UPDATE {quote(meta.db_table)} SET {column} = %s WHERE {quote(meta.pk.column)} = %s"  # noqa: S608 (names from the model, quoted; values bound)
