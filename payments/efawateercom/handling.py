"""The biller side of eFAWATEERcom: authenticate a request, answer it, keep both (rule 6).

The views only read the body and write the answer; this module decides. Bills and payments are
touched only through ``payments.services`` and ``payments.selectors``.
"""

import hashlib
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.utils import timezone

from core.metrics import EFAWATEERCOM_MESSAGES
from payments import selectors
from payments.billing_numbers import billing_number_is_valid
from payments.constants import BillStatus, MessageKind, PaymentSource
from payments.efawateercom import keys, protocol
from payments.efawateercom.keeping import keep
from payments.efawateercom.protocol import ProtocolError, Result
from payments.models import Message
from payments.services import IncomingPayment, payment_receive

logger = logging.getLogger(__name__)
# Refused requests leave nothing in the database but a line here (rule 2).
security_log = logging.getLogger("payments.efawateercom.security")

MESSAGE_KIND = {
    protocol.BILL_PULL_REQUEST: MessageKind.BILL_PULL,
    protocol.PAYMENT_NOTIFICATION_REQUEST: MessageKind.PAYMENT_NOTIFICATION,
}


def _count(req_type: str, result: str) -> None:
    """One message in ``portal_efawateercom_messages``: accepted, duplicate (answered from the stored row),
    refused (rule 2: nothing kept) or error (nothing kept; eFAWATEERcom retries)."""
    kind = MESSAGE_KIND.get(req_type)
    EFAWATEERCOM_MESSAGES.labels(type=kind.value if kind else "other", result=result).inc()


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes
    content_type: str = protocol.CONTENT_TYPE


def _respond(*, req_type: str, guid: str, code: int, body, soap: bool, soap_ns: str) -> bytes:
    return protocol.build_message(
        msg_type=protocol.RESPONSE_TYPE[req_type],
        guid=guid,
        sender=settings.EFAWATEERCOM_BILLER_CODE,
        receiver=settings.EFAWATEERCOM_SENDER_CODE,
        body=body,
        private_key=keys.biller_private_key(),
        timestamp=timezone.now(),
        result=code,
        soap_operation=protocol.soap_response_operation(req_type) if soap else "",
        soap_ns=soap_ns,
    )


def refusal(*, req_type: str, error: ProtocolError, remote_addr: str | None, status: int | None = None) -> Reply:
    _count(req_type, "refused")
    security_log.warning(
        "eFAWATEERcom %s refused from %s: code %s, %s (GUID %r)",
        req_type,
        remote_addr,
        int(error.code),
        error.detail,
        error.guid,
    )
    body = _respond(
        req_type=req_type,
        guid=error.guid,
        code=error.code,
        body=protocol.element("MsgBody"),
        soap=error.soap,
        soap_ns=error.soap_ns,
    )
    return Reply(status or protocol.HTTP_STATUS.get(error.code, 400), body)


def _bill_free_text(bill: dict) -> str:
    if bill["description_ar"]:
        return bill["description_ar"]
    # A bill issued without a description (rare): its lines', one more query.
    return "، ".join(selectors.bill_line_descriptions_ar(bill["id"]))[:300]


def _bill_pull(request: protocol.Request) -> tuple[int, object, dict | None]:
    """The result, the MsgBody and the bill it describes (None: the answer describes no bill)."""
    query = protocol.bill_pull_query(request.body)
    if query.service_type not in protocol.SERVICE_TYPES:
        return Result.UNKNOWN_SERVICE_TYPE, protocol.bill_pull_body(None), None
    # A mistyped number is refused by its check digit before any lookup.
    if not billing_number_is_valid(query.billing_number):
        return Result.BILL_NOT_FOUND, protocol.bill_pull_body(None), None
    bill = selectors.bill_for_pull(query.billing_number)
    if bill is None:
        return Result.BILL_NOT_FOUND, protocol.bill_pull_body(None), None
    if query.service_type != bill["service_type"]:
        return Result.UNKNOWN_SERVICE_TYPE, protocol.bill_pull_body(None), None
    if bill["status"] == BillStatus.PAID:
        return Result.BILL_PAID, protocol.bill_pull_body(None), None
    # Bill.is_payable: open and not yet past its expiry (an open bill past it is 323 before the sweep).
    if bill["status"] != BillStatus.OPEN or timezone.now() >= bill["expires_at"]:
        return Result.BILL_EXPIRED_OR_CLOSED, protocol.bill_pull_body(None), None
    record = protocol.BillRecord(
        billing_number=bill["billing_number"],
        biller_code=settings.EFAWATEERCOM_BILLER_CODE,
        due_amount=bill["amount"],
        issued_at=bill["issued_at"],
        due_at=bill["due_at"],
        expires_at=bill["expires_at"],
        service_type=bill["service_type"],
        customer_name=bill["payer_name"],
        free_text=_bill_free_text(bill),
    )
    return Result.SUCCESS, protocol.bill_pull_body(record), bill


def _incoming(trx: protocol.Transaction) -> IncomingPayment:
    return IncomingPayment(
        trx=trx.trx,
        billing_number=trx.billing_number,
        paid_amount=trx.paid_amount,
        due_amount=trx.due_amount,
        fees_amount=trx.fees_amount,
        fees_on_biller=trx.fees_on_biller,
        service_type=trx.service_type,
        biller_code=trx.biller_code,
        bank_trx_id=trx.bank_trx_id,
        bank_code=trx.bank_code,
        pmt_status=trx.pmt_status,
        payment_method=trx.payment_method,
        payment_type=trx.payment_type,
        access_channel=trx.access_channel,
        pmt_src=trx.pmt_src,
        process_date=trx.process_date,
        stmt_date=trx.stmt_date,
        details=trx.raw,
    )


def _notification(transactions: list[protocol.Transaction], message: Message) -> tuple[int, object]:
    results = []
    for trx in transactions:
        # Applied, replayed or queued for staff: the money is recorded either way, so eFAWATEERcom
        # is told success (rule 2) and does not resend.
        payment_receive(incoming=_incoming(trx), message=message, source=PaymentSource.NOTIFICATION)
        results.append((trx, Result.SUCCESS))
    return Result.SUCCESS, protocol.payment_response_body(results)


def efawateercom_handle(*, req_type: str, raw: bytes, remote_addr: str | None = None) -> Reply:
    """Answer one request to a biller endpoint; ``req_type`` is what the endpoint accepts."""
    try:
        request = protocol.parse_request(raw)
        protocol.authenticate(
            request,
            expected_type=req_type,
            peer_key=keys.peer_public_key(),
            sender_code=settings.EFAWATEERCOM_SENDER_CODE,
            biller_code=settings.EFAWATEERCOM_BILLER_CODE,
        )
        transactions = (
            protocol.payment_transactions(request.body) if req_type == protocol.PAYMENT_NOTIFICATION_REQUEST else None
        )
    except ProtocolError as error:
        return refusal(req_type=req_type, error=error, remote_addr=remote_addr)

    body_sha256 = hashlib.sha256(request.body_text.encode("utf-8")).hexdigest()
    if transactions is None:
        return _on_a_live_connection(
            request,
            req_type,
            lambda: _bill_pull_answer(request, raw=raw, body_sha256=body_sha256, remote_addr=remote_addr),
        )
    return _on_a_live_connection(
        request,
        req_type,
        lambda: _notification_answer(
            request,
            req_type=req_type,
            raw=raw,
            body_sha256=body_sha256,
            remote_addr=remote_addr,
            transactions=transactions,
        ),
    )


class _ConnectionLostError(Exception):
    """The database connection failed under a message's work (raised past its generic error handling)."""


def _on_a_live_connection(request: protocol.Request, req_type: str, work) -> Reply:
    """Do a message's database work on a persistent connection without first asking PostgreSQL whether
    it is still there: Django's health check (CONN_HEALTH_CHECKS) costs a "SELECT 1" round trip on every
    message, a third of a bill pull's (issue 20: two round trips). Instead, when the work finds the
    connection dead (the database restarted since its last use), the connection is replaced and the work
    done once more: a failed statement wrote nothing, a failed transaction was rolled back, and a message
    already kept answers from its stored row (rule 6), exactly as eFAWATEERcom's own retry would be."""
    connection = transaction.get_connection()
    reused = connection.connection is not None and not connection.in_atomic_block
    if reused:
        connection.health_check_done = True  # for this request only: reset when the next one starts
    lost = (_ConnectionLostError, OperationalError, InterfaceError)
    try:
        return work()
    except lost as error:
        failure = error
    if reused and not connection.is_usable():
        logger.warning(
            "eFAWATEERcom %s GUID %s: the database connection was lost; reconnecting", req_type, request.guid
        )
        connection.close()
        try:
            return work()
        except lost as error:
            failure = error
    if not isinstance(failure, _ConnectionLostError):
        raise failure  # the database is down: answered 503 with Retry-After (portal.views.server_error)
    logger.error("eFAWATEERcom %s GUID %s failed", req_type, request.guid, exc_info=failure)
    return _internal_error(req_type, request)


def _notification_answer(
    request: protocol.Request, *, req_type: str, raw: bytes, body_sha256: str, remote_addr, transactions
) -> Reply:
    kind = MESSAGE_KIND[req_type]
    stored = selectors.message_for_retry(kind=kind, guid=request.guid, body_sha256=body_sha256)
    if stored is not None:
        _count(req_type, "duplicate")
        return Reply(200, bytes(stored.response), stored.response_content_type)
    try:
        with transaction.atomic():
            # Written first so that a simultaneous retry of this very request waits on the unique
            # index and then answers from here instead of working it out again.
            message = Message.objects.create(
                kind=kind,
                guid=request.guid,
                body_sha256=body_sha256,
                request=raw,
                response=b"",
                result_code=-1,
                soap=request.soap,
                remote_addr=remote_addr,
            )
            code, body = _notification(transactions, message)
            response = _respond(
                req_type=req_type, guid=request.guid, code=code, body=body, soap=request.soap, soap_ns=request.soap_ns
            )
            message.response = response
            message.result_code = code
            message.save(update_fields=["response", "result_code"])
    except ProtocolError as error:
        return refusal(req_type=req_type, error=error, remote_addr=remote_addr)
    except IntegrityError:
        stored = selectors.message_for_retry(kind=kind, guid=request.guid, body_sha256=body_sha256)
        if stored is None:
            logger.exception("eFAWATEERcom %s GUID %s failed", req_type, request.guid)
            return _internal_error(req_type, request)
        _count(req_type, "duplicate")
        return Reply(200, bytes(stored.response), stored.response_content_type)
    except (OperationalError, InterfaceError) as error:
        raise _ConnectionLostError from error
    except Exception:
        logger.exception("eFAWATEERcom %s GUID %s failed", req_type, request.guid)
        return _internal_error(req_type, request)
    _count(req_type, "accepted")
    return Reply(200, response)


def _bill_pull_answer(request: protocol.Request, *, raw: bytes, body_sha256: str, remote_addr) -> Reply:
    """A bill pull only reads, so it needs no transaction: the answer is worked out from one SELECT, then
    the request and the answer are kept in one INSERT (two round trips in all, ``keeping.keep``). A retry of the same request (same GUID and signed
    body, rule 6) loses on the unique index and is answered byte for byte from the stored row; retries
    are rare, so the common case reads the bill and writes the message, nothing more."""
    kind = MessageKind.BILL_PULL
    try:
        code, body, bill = _bill_pull(request)
        # The bill's last answer's signature, used if this MsgBody is the one it signed (protocol._Signatures).
        known = bill["pull_signature"] if bill is not None else None
        signed = protocol.sign_body(body, keys.biller_private_key(), known=known)
        response = _respond(
            req_type=protocol.BILL_PULL_REQUEST,
            guid=request.guid,
            code=code,
            body=signed,
            soap=request.soap,
            soap_ns=request.soap_ns,
        )
        fields = {
            "kind": kind,
            "guid": request.guid,
            "body_sha256": body_sha256,
            "request": raw,
            "response": response,
            "result_code": code,
            "soap": request.soap,
            "remote_addr": remote_addr,
        }
        renewed = bill is not None and signed.signature and signed.signature != known
        keep(fields, bill_signature=(bill["id"], signed.signature) if renewed else None)
    except ProtocolError as error:
        return refusal(req_type=protocol.BILL_PULL_REQUEST, error=error, remote_addr=remote_addr)
    except IntegrityError:
        stored = selectors.message_for_retry(kind=kind, guid=request.guid, body_sha256=body_sha256)
        if stored is None:
            logger.exception("eFAWATEERcom bill pull GUID %s failed", request.guid)
            return _internal_error(protocol.BILL_PULL_REQUEST, request)
        _count(protocol.BILL_PULL_REQUEST, "duplicate")
        return Reply(200, bytes(stored.response), stored.response_content_type)
    except (OperationalError, InterfaceError) as error:
        raise _ConnectionLostError from error
    except Exception:
        logger.exception("eFAWATEERcom bill pull GUID %s failed", request.guid)
        return _internal_error(protocol.BILL_PULL_REQUEST, request)
    _count(protocol.BILL_PULL_REQUEST, "accepted")
    return Reply(200, response)


def _internal_error(req_type: str, request: protocol.Request) -> Reply:
    _count(req_type, "error")
    # Nothing was kept: eFAWATEERcom will retry, and the retry is processed afresh.
    body = _respond(
        req_type=req_type,
        guid=request.guid,
        code=Result.INTERNAL_ERROR,
        body=protocol.element("MsgBody"),
        soap=request.soap,
        soap_ns=request.soap_ns,
    )
    return Reply(protocol.HTTP_STATUS[Result.INTERNAL_ERROR], body)
