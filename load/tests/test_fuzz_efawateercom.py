"""Hypothesis on the eFAWATEERcom biller side: the hardened parser and the two endpoints.

Whatever arrives, the parser answers with a request or a ProtocolError (never another exception), and
the endpoints answer with a signed message (never a 500). A refused message leaves nothing in the
database; an accepted notification is stored once, with one payment per JOEBPPSTrx, and its retry is
answered with the very same bytes (EFAWATEERCOM.md rules 1, 2 and 6). Bounded: a few dozen examples.
"""

import contextlib
import uuid
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from payments.efawateercom import protocol
from payments.efawateercom.protocol import ProtocolError, element
from payments.models import Message, Payment
from payments.registry import temporary_bill_handler
from payments.testing import efawateercom_test_keys, keys_for_tests, peer_for_tests
from payments.tests.factories import TEST_KIND, BillFactory

pytestmark = [pytest.mark.fuzz]

FUZZ = hsettings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
# Through the endpoints each example signs, verifies and writes: fewer of them.
FUZZ_ENDPOINT = hsettings(FUZZ, max_examples=25)

# Text as a hostile or sloppy sender may put it in a field: XML specials, digits, Arabic, long runs.
field_text = st.one_of(
    st.text(max_size=40),
    st.from_regex(r"-?[0-9]{0,12}(\.[0-9]{0,5})?", fullmatch=True),
    st.sampled_from(["", " ", "0", "15.000", "-1", "NaN", "Infinity", "1e9", "٣٥٫٠٠٠", "<x/>", "&amp;", "]]>"]),
    st.text(alphabet="0123456789-:T ", max_size=30),
)


def _valid_raw(kind: str) -> bytes:
    peer = peer_for_tests()
    if kind == protocol.BILL_PULL_REQUEST:
        return peer.bill_pull(billing_number="1000326480166", service_type="TrafficViolations")[1]
    return peer.payment_notification(
        billing_number="1000326480166", trx="123", paid_amount=Decimal("1.000"), service_type="TrafficViolations"
    )[1]


@st.composite
def mutated(draw, base: bytes):
    """A valid message with bytes deleted, replaced or inserted, or cut short."""
    raw = bytearray(base)
    for _ in range(draw(st.integers(1, 4))):
        if not raw:
            break
        at = draw(st.integers(0, len(raw) - 1))
        op = draw(st.sampled_from(["delete", "replace", "insert", "truncate"]))
        chunk = draw(st.binary(min_size=1, max_size=8) | st.sampled_from([b"<", b">", b"&", b"MsgBody", b"</MFEP>"]))
        if op == "delete":
            del raw[at : at + len(chunk)]
        elif op == "replace":
            raw[at : at + len(chunk)] = chunk
        elif op == "insert":
            raw[at:at] = chunk
        else:
            del raw[at:]
    return bytes(raw)


def _parse_all_the_way(raw: bytes) -> None:
    request = protocol.parse_request(raw)
    if request.req_type == protocol.PAYMENT_NOTIFICATION_REQUEST:
        protocol.payment_transactions(request.body)
    else:
        protocol.bill_pull_query(request.body)


@FUZZ
@given(raw=st.binary(max_size=2000) | st.text(max_size=500).map(str.encode))
def test_the_parser_answers_any_bytes_with_a_request_or_a_protocol_error(raw):
    with contextlib.suppress(ProtocolError):
        _parse_all_the_way(raw)


@FUZZ
@given(data=st.data(), kind=st.sampled_from([protocol.BILL_PULL_REQUEST, protocol.PAYMENT_NOTIFICATION_REQUEST]))
def test_the_parser_answers_any_damaged_message_with_a_request_or_a_protocol_error(data, kind):
    raw = data.draw(mutated(_valid_raw(kind)))
    with contextlib.suppress(ProtocolError):
        _parse_all_the_way(raw)


# --- through the endpoints, signed: the handling, not only the parsing, meets the junk --------------------

TRX_FIELDS = [
    "JOEBPPSTrx",
    "BankTrxID",
    "BankCode",
    "PmtSrc",
    "PmtStatus",
    "DueAmt",
    "PaidAmt",
    "FeesAmt",
    "FeesOnBiller",
    "ProcessDate",
    "STMTDate",
    "AccessChannel",
    "PaymentMethod",
    "PaymentType",
]


@st.composite
def transaction(draw, bill_numbers):
    """One TrxInf: fields missing, fuzzed or right, billing number of a real bill or anything."""
    billing_number = draw(st.sampled_from(bill_numbers) | field_text)
    kids = [
        element(
            "AcctInfo",
            None,
            element("BillingNo", billing_number),
            element("BillNo", billing_number),
            element("BillerCode", draw(st.sampled_from([settings.EFAWATEERCOM_BILLER_CODE, "999", ""]))),
        )
    ]
    right = {
        "JOEBPPSTrx": str(draw(st.integers(1, 50))),
        "PaidAmt": draw(st.sampled_from(["20.000", "15.000"])),
        "DueAmt": "20.000",
        "ProcessDate": timezone.localtime().strftime("%Y-%m-%dT%H:%M:%S"),
        "STMTDate": timezone.localdate().isoformat(),
        "PmtStatus": "PmtComplt",
    }
    for name in TRX_FIELDS:
        choice = draw(st.sampled_from(["right", "right", "fuzz", "missing"]))
        if choice == "missing":
            continue
        value = right.get(name, "x") if choice == "right" else draw(field_text)
        kids.append(element(name, value))
    kids.append(
        element("ServiceTypeDetails", None, element("ServiceType", draw(st.sampled_from(["TrafficViolations", ""]))))
    )
    return element("TrxInf", None, *kids)


def _sign(req_type: str, body) -> tuple[str, bytes]:
    guid = str(uuid.uuid4())
    raw = protocol.build_message(
        msg_type=req_type,
        guid=guid,
        sender=settings.EFAWATEERCOM_SENDER_CODE,
        receiver=settings.EFAWATEERCOM_BILLER_CODE,
        body=body,
        private_key=keys_for_tests().peer_private,
        timestamp=timezone.now(),
    )
    return guid, raw


def _post(path: str, raw: bytes):
    response = Client().post(path, data=raw, content_type=protocol.CONTENT_TYPE)
    assert response.status_code != 500
    answer = protocol.parse_response(response.content)
    assert answer.verified_by(keys_for_tests().biller_public)
    return response, answer


@pytest.fixture
def open_bills(db):
    with temporary_bill_handler(TEST_KIND, lambda bill, payment: None):
        yield [BillFactory(lines=[(f"fuzz-item:{n}", "20.000")]) for n in range(3)]


@pytest.mark.django_db
@FUZZ_ENDPOINT
@given(data=st.data())
def test_any_signed_notification_is_stored_once_or_not_at_all(open_bills, data):
    numbers = [b.billing_number for b in open_bills]
    rows = data.draw(st.lists(transaction(numbers), min_size=0, max_size=3))
    guid, raw = _sign(
        protocol.PAYMENT_NOTIFICATION_REQUEST, element("MsgBody", None, element("Transactions", None, *rows))
    )
    # (A NUL cannot travel in XML, so such a message is refused unread; PostgreSQL cannot even be asked about it.)
    trxs = {t for t in (protocol.text(row, "JOEBPPSTrx") for row in rows) if "\x00" not in t}
    with efawateercom_test_keys():
        before = {t: Payment.objects.filter(trx=t).count() for t in trxs}
        response, answer = _post(protocol.PAYMENT_NOTIFICATION_PATH, raw)
        if answer.code == protocol.Result.SUCCESS:
            assert response.status_code == 200
            assert Message.objects.filter(guid=guid).count() == 1
            assert all(Payment.objects.filter(trx=t).count() == 1 for t in trxs)
            again, _ = _post(protocol.PAYMENT_NOTIFICATION_PATH, raw)
            assert again.content == response.content  # rule 6: a retry gets the same answer
        else:
            # Refused (unparseable fields): nothing kept but a log line (rule 2).
            assert Message.objects.filter(guid=guid).count() == 0
            assert {t: Payment.objects.filter(trx=t).count() for t in trxs} == before
    for bill in open_bills:
        bill.refresh_from_db()
        applied = Payment.objects.filter(bill=bill, state="applied").count()
        assert applied == (1 if bill.status == "paid" else 0)


@pytest.mark.django_db
@FUZZ_ENDPOINT
@given(data=st.data())
def test_any_signed_bill_pull_is_answered_with_a_known_result(open_bills, data):
    number = data.draw(st.sampled_from([b.billing_number for b in open_bills]) | field_text)
    service_type = data.draw(st.sampled_from(list(protocol.ServiceType.values)) | field_text)
    body = element(
        "MsgBody",
        None,
        element("AcctInfo", None, element("BillingNo", number), element("BillNo", number)),
        element("ServiceType", service_type),
    )
    _guid, raw = _sign(protocol.BILL_PULL_REQUEST, body)
    with efawateercom_test_keys():
        _response, answer = _post(protocol.BILL_PULL_PATH, raw)
    assert answer.code in {int(code) for code in protocol.Result}
    assert answer.code != protocol.Result.INTERNAL_ERROR
