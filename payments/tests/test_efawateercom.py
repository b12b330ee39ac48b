"""The biller endpoints over HTTP: every result code of the contract, signatures, storage, retries."""

import base64
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from payments.constants import BillStatus, PaymentReason, PaymentState
from payments.efawateercom import keys, protocol
from payments.efawateercom.peer import Peer
from payments.efawateercom.protocol import Result
from payments.models import Message, Payment
from payments.tests.factories import BillFactory

pytestmark = pytest.mark.django_db

PULL = protocol.BILL_PULL_PATH
NOTIFY = protocol.PAYMENT_NOTIFICATION_PATH


def post(raw: bytes, path: str = PULL, client=None):
    return (client or Client()).post(path, data=raw, content_type=protocol.CONTENT_TYPE)


def answer(efawateercom, http):
    response, verified = efawateercom.read(http.content)
    assert verified, "every answer is signed with the biller's key"
    return response


def pull(efawateercom, bill, *, service_type=None, soap=False, guid=None):
    _guid, raw = efawateercom.bill_pull(
        billing_number=bill if isinstance(bill, str) else bill.billing_number,
        service_type=service_type or (bill.service_type if not isinstance(bill, str) else "TrafficViolations"),
        soap=soap,
        guid=guid,
    )
    http = post(raw)
    return http, answer(efawateercom, http)


def notify(efawateercom, bill, *, trx="900001", amount=None, guid=None, soap=False, number=None):
    _guid, raw = efawateercom.payment_notification(
        billing_number=number or bill.billing_number,
        trx=trx,
        paid_amount=Decimal(amount) if amount is not None else bill.amount,
        service_type=bill.service_type if bill else "TrafficViolations",
        guid=guid,
        soap=soap,
    )
    http = post(raw, NOTIFY)
    return http, answer(efawateercom, http)


# --- bill pull ---------------------------------------------------------------------------------


def test_bill_pull_answers_what_is_due(efawateercom, settings):
    bill = BillFactory(lines=[("violation:1", "15.000"), ("violation:2", "5.250")], payer_name="أحمد محمد")
    http, response = pull(efawateercom, bill, guid="guid-1")
    assert http.status_code == 200 and http["Content-Type"] == protocol.CONTENT_TYPE
    assert response.code == Result.SUCCESS and response.guid == "guid-1" and response.res_type == "BILPULRS"
    rec = protocol.child(response.body, "BillsRec", "BillRec")
    assert protocol.text(response.body, "RecCount") == "1"
    assert (
        protocol.text(rec, "AcctInfo", "BillingNo") == protocol.text(rec, "AcctInfo", "BillNo") == bill.billing_number
    )
    assert protocol.text(rec, "AcctInfo", "BillerCode") == settings.EFAWATEERCOM_BILLER_CODE
    assert protocol.text(rec, "DueAmount") == "20.250" and protocol.text(rec, "Currency") == "JOD"
    assert protocol.text(rec, "PmtConst", "AllowPart") == "false"
    assert protocol.text(rec, "PmtConst", "Lower") == protocol.text(rec, "PmtConst", "Upper") == "20.250"
    assert protocol.text(rec, "BillStatus") == "BillNew" and protocol.text(rec, "BillType") == "OneOff"
    assert protocol.text(rec, "ServiceType") == "TrafficViolations"
    assert protocol.text(rec, "AdditionalInfo", "CustName") == "أحمد محمد"
    assert protocol.text(rec, "AdditionalInfo", "FreeText") == "مخالفات سير"
    assert protocol.text(rec, "ExpiryDate") == timezone.localtime(bill.expires_at).strftime("%Y-%m-%dT%H:%M:%S")
    header = protocol.parse_request(http.content, type_field="ResTyp")
    assert header.sender == settings.EFAWATEERCOM_BILLER_CODE and header.receiver == settings.EFAWATEERCOM_SENDER_CODE


def test_bill_pull_in_a_soap_envelope_is_answered_in_one(efawateercom):
    bill = BillFactory()
    http, response = pull(efawateercom, bill, soap=True)
    assert response.code == Result.SUCCESS
    assert http.content.count(b"BillPullResponse") == 2 and b"soap:Envelope" in http.content


def test_unknown_billing_number_is_401_with_no_record(efawateercom):
    _http, response = pull(efawateercom, "1000326480166")
    assert response.code == Result.BILL_NOT_FOUND and protocol.text(response.body, "RecCount") == "0"


def test_number_with_wrong_check_digit_is_refused_before_lookup(efawateercom):
    bill = BillFactory()
    typo = bill.billing_number[:-1] + str((int(bill.billing_number[-1]) + 1) % 10)
    with CaptureQueriesContext(connection) as queries:
        _http, response = pull(efawateercom, typo)
    assert response.code == Result.BILL_NOT_FOUND
    assert not [q for q in queries.captured_queries if 'FROM "payments_bill"' in q["sql"]]


def test_unknown_service_type_is_322(efawateercom):
    _http, response = pull(efawateercom, BillFactory(), service_type="Parking")
    assert response.code == Result.UNKNOWN_SERVICE_TYPE


def test_service_type_other_than_the_bills_is_322(efawateercom):
    _http, response = pull(efawateercom, BillFactory(), service_type="PropertyDues")
    assert response.code == Result.UNKNOWN_SERVICE_TYPE


@pytest.mark.parametrize(("trait", "code"), [("closed", 323), ("expired", 323), ("paid", 324)])
def test_bill_that_is_not_open_is_not_payable(efawateercom, trait, code):
    _http, response = pull(efawateercom, BillFactory(**{trait: True}))
    assert response.code == code and protocol.text(response.body, "RecCount") == "0"


def test_open_bill_past_its_expiry_is_323_before_the_sweep(efawateercom):
    bill = BillFactory(expires_at=timezone.now() + timedelta(days=1))
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        _http, response = pull(efawateercom, bill)
    assert response.code == Result.BILL_EXPIRED_OR_CLOSED


def test_bill_pull_is_stored_raw(efawateercom):
    bill = BillFactory()
    guid, raw = efawateercom.bill_pull(billing_number=bill.billing_number, service_type=bill.service_type)
    http = post(raw)
    message = Message.objects.get()
    assert bytes(message.request) == raw and bytes(message.response) == http.content
    assert message.guid == guid and message.result_code == 0 and message.kind == "bill_pull"


def test_retried_request_with_same_guid_gets_the_same_stored_answer(efawateercom, owner):
    bill = BillFactory()
    _guid, raw = efawateercom.bill_pull(billing_number=bill.billing_number, service_type=bill.service_type, guid="G1")
    first = post(raw)
    notify(efawateercom, bill)  # the bill is now paid
    with time_machine.travel(timezone.now() + timedelta(seconds=5)):
        retry = post(raw)
    assert retry.content == first.content
    assert Message.objects.filter(kind="bill_pull").count() == 1
    _http, fresh = pull(efawateercom, bill, guid="G2")
    assert fresh.code == Result.BILL_PAID


# --- authentication and parsing ------------------------------------------------------------------


def _assert_refused(http, efawateercom, code, status):
    assert http.status_code == status
    response, verified = efawateercom.read(http.content)
    assert response.code == code and verified
    assert not Message.objects.exists() and not Payment.objects.exists()


def test_missing_signature_is_380(efawateercom):
    bill = BillFactory()
    _guid, raw = efawateercom.bill_pull(billing_number=bill.billing_number, service_type=bill.service_type)
    start = raw.index(b"<Signature>") + len(b"<Signature>")
    raw = raw[:start] + raw[raw.index(b"</Signature>") :]
    _assert_refused(post(raw), efawateercom, Result.SIGNATURE_MISSING, 403)


def test_tampered_body_is_invalid_signature(efawateercom, owner):
    bill = BillFactory(lines=[("k", "15.000")])
    _guid, raw = efawateercom.payment_notification(
        billing_number=bill.billing_number, trx="1", paid_amount=Decimal("1.000"), service_type=bill.service_type
    )
    raw = raw.replace(b"<PaidAmt>1.000</PaidAmt>", b"<PaidAmt>15.000</PaidAmt>")
    _assert_refused(post(raw, NOTIFY), efawateercom, Result.INVALID_SIGNATURE, 403)
    bill.refresh_from_db()
    assert bill.status == BillStatus.OPEN


def test_signature_by_another_key_is_invalid(efawateercom):
    impostor = Peer(
        signing_key=keys.generate_private_key(),
        verifying_key=None,
        sender_code=efawateercom.sender_code,
        biller_code=efawateercom.biller_code,
    )
    _guid, raw = impostor.bill_pull(billing_number="1000326480166", service_type="TrafficViolations")
    _assert_refused(post(raw), efawateercom, Result.INVALID_SIGNATURE, 403)


def test_signature_that_is_not_base64_is_invalid(efawateercom):
    _guid, raw = efawateercom.bill_pull(billing_number="1000326480166", service_type="TrafficViolations")
    start = raw.index(b"<Signature>") + len(b"<Signature>")
    raw = raw[:start] + b"@@not-base64@@" + raw[raw.index(b"</Signature>") :]
    _assert_refused(post(raw), efawateercom, Result.INVALID_SIGNATURE, 403)


@pytest.mark.parametrize("field", ["sender_code", "biller_code"])
def test_wrong_sender_or_receiver_code_is_5(efawateercom, field):
    setattr(efawateercom, field, "42")
    _guid, raw = efawateercom.bill_pull(billing_number="1000326480166", service_type="TrafficViolations")
    _assert_refused(post(raw), efawateercom, Result.INVALID_SENDER_OR_RECEIVER, 403)


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"not xml",
        b"<MFEP><MsgHeader>",
        b"<Other/>",
        b"<MFEP><MsgHeader><GUID>x</GUID></MsgHeader></MFEP>",
        # Billion laughs: refused by the hardened parser, not expanded.
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
        b"<MFEP><MsgBody>&lol2;</MsgBody></MFEP>",
        # External entity.
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><MFEP><MsgBody>&e;</MsgBody></MFEP>',
    ],
)
def test_malformed_or_dangerous_xml_is_101(efawateercom, raw):
    _assert_refused(post(raw), efawateercom, Result.INVALID_XML, 400)


def test_a_second_msgbody_is_refused_so_signatures_cannot_be_wrapped(efawateercom):
    bill = BillFactory()
    _guid, raw = efawateercom.bill_pull(billing_number=bill.billing_number, service_type=bill.service_type)
    smuggled = raw.replace(b"</MFEP>", b"<!-- <MsgBody><AcctInfo/></MsgBody> --></MFEP>")
    _assert_refused(post(smuggled), efawateercom, Result.INVALID_XML, 400)


def test_request_type_for_the_other_endpoint_is_101(efawateercom):
    _guid, raw = efawateercom.bill_pull(billing_number="1000326480166", service_type="TrafficViolations")
    _assert_refused(post(raw, NOTIFY), efawateercom, Result.INVALID_XML, 400)


def test_body_over_64_kib_is_refused_unread(efawateercom):
    bill = BillFactory()
    _guid, raw = efawateercom.bill_pull(billing_number=bill.billing_number, service_type=bill.service_type)
    padded = raw.replace(b"<MFEP>", b"<MFEP>" + b" " * (64 * 1024))
    _assert_refused(post(padded), efawateercom, Result.INVALID_XML, 413)


def test_body_longer_than_declared_limit_is_refused(efawateercom):
    from django.test import RequestFactory

    from payments.views import efawateercom_bill_pull

    request = RequestFactory().post(PULL, data=b"x" * (64 * 1024 + 10), content_type=protocol.CONTENT_TYPE)
    request.META["CONTENT_LENGTH"] = "100"  # a lying header
    assert efawateercom_bill_pull(request).status_code == 413


def test_only_post_is_accepted(efawateercom):
    assert Client().get(PULL).status_code == 405


def test_endpoints_need_no_csrf_token(efawateercom):
    bill = BillFactory()
    _guid, raw = efawateercom.bill_pull(billing_number=bill.billing_number, service_type=bill.service_type)
    http = post(raw, client=Client(enforce_csrf_checks=True))
    assert answer(efawateercom, http).code == Result.SUCCESS


def test_signature_is_checked_over_the_received_bytes_not_a_reserialisation(efawateercom):
    bill = BillFactory()
    # Whitespace, a comment and single quotes: all lost if the body were parsed and written again.
    body = (
        f"<MsgBody>\n  <AcctInfo>\n    <BillingNo>{bill.billing_number}</BillingNo>"
        f"<BillNo>{bill.billing_number}</BillNo>\n  </AcctInfo><!-- as typed -->\n"
        f"  <ServiceType>{bill.service_type}</ServiceType>\n</MsgBody>"
    )
    signature = protocol.sign(body, efawateercom.signing_key)
    raw = (
        "<?xml version='1.0' encoding='utf-8'?>\n<MFEP>\n<MsgHeader><TmStp>2026-11-22T10:15:30</TmStp><GUID>g</GUID>"
        f"<TrsInf><SdrCode>{efawateercom.sender_code}</SdrCode><RcvCode>{efawateercom.biller_code}</RcvCode>"
        f"<ReqTyp>BILPULRQ</ReqTyp></TrsInf></MsgHeader>\n{body}\n"
        f"<MsgFooter><Security><Signature>{signature}</Signature></Security></MsgFooter>\n</MFEP>"
    ).encode()
    assert answer(efawateercom, post(raw)).code == Result.SUCCESS


def test_signature_covers_utf16le_of_the_body(efawateercom):
    body = "<MsgBody><X>عمان</X></MsgBody>"
    signature = base64.b64decode(protocol.sign(body, efawateercom.signing_key))
    public = efawateercom.signing_key.public_key()
    assert protocol.verify(body, signature, public)
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    public.verify(signature, body.encode("utf-16-le"), padding.PKCS1v15(), hashes.SHA256())


def test_production_without_peer_key_refuses_everything(settings):
    settings.DEBUG = False
    settings.EFAWATEERCOM_PEER_PUBLIC_KEY = ""
    from payments.testing import peer_for_tests

    peer = peer_for_tests()
    _guid, raw = peer.bill_pull(billing_number=BillFactory().billing_number, service_type="TrafficViolations")
    http = post(raw)
    assert http.status_code == 403
    assert protocol.parse_response(http.content).code == Result.INVALID_SIGNATURE


def test_debug_without_keys_makes_a_dev_pair_once_and_the_simulator_uses_it(settings, tmp_path):
    settings.DEBUG = True
    settings.DATA_DIR = tmp_path
    settings.EFAWATEERCOM_PEER_PUBLIC_KEY = ""
    settings.EFAWATEERCOM_BILLER_PRIVATE_KEY = ""
    signing, verifying = keys.simulator_keys()
    made = sorted(p.name for p in (tmp_path / keys.DEV_DIR_NAME).iterdir())
    assert made == ["biller-private.pem", "efawateercom-private.pem"]
    before = (tmp_path / keys.DEV_DIR_NAME / "biller-private.pem").read_bytes()
    peer = Peer(
        signing_key=signing, verifying_key=verifying, sender_code="1", biller_code=settings.EFAWATEERCOM_BILLER_CODE
    )
    bill = BillFactory()
    _guid, raw = peer.bill_pull(billing_number=bill.billing_number, service_type=bill.service_type)
    response, verified = peer.read(post(raw).content)
    assert response.code == Result.SUCCESS and verified
    keys.simulator_keys()
    assert (tmp_path / keys.DEV_DIR_NAME / "biller-private.pem").read_bytes() == before


# --- payment notification ----------------------------------------------------------------------


def test_notification_pays_the_bill_and_echoes_each_transaction(efawateercom, owner):
    bill = BillFactory()
    http, response = notify(efawateercom, bill, trx="555", guid="N1")
    assert http.status_code == 200 and response.code == Result.SUCCESS and response.res_type == "BLRPMTNTFRS"
    trx = protocol.child(response.body, "Transactions", "TrxInf")
    assert protocol.text(trx, "JOEBPPSTrx") == "555" and protocol.text(trx, "Result", "ErrorCode") == "0"
    assert protocol.text(trx, "ProcessDate") and protocol.text(trx, "STMTDate")
    bill.refresh_from_db()
    assert bill.status == BillStatus.PAID
    payment = Payment.objects.get()
    assert payment.state == PaymentState.APPLIED and payment.message.guid == "N1"
    assert payment.details["JOEBPPSTrx"] == "555" and payment.payment_method == "CASH"
    assert owner.calls == [(bill.billing_number, "555")]


def test_notification_in_soap_is_answered_in_soap(efawateercom, owner):
    bill = BillFactory()
    http, response = notify(efawateercom, bill, soap=True)
    assert response.code == Result.SUCCESS and b"ReceivePaymentNotificationResponse" in http.content


def test_same_notification_twice_is_applied_once_and_answered_the_same(efawateercom, owner):
    bill = BillFactory()
    _h1, first = notify(efawateercom, bill, trx="777", guid="A")
    _h2, second = notify(efawateercom, bill, trx="777", guid="B")
    assert first.code == second.code == Result.SUCCESS
    assert protocol.text(second.body, "Transactions", "TrxInf", "Result", "ErrorCode") == "0"
    assert Payment.objects.count() == 1 and owner.calls == [(bill.billing_number, "777")]


@pytest.mark.parametrize(
    ("setup", "reason"),
    [
        ({"number": "1000326480166"}, PaymentReason.UNKNOWN_BILL),
        ({"trait": "paid"}, PaymentReason.BILL_PAID),
        ({"trait": "closed"}, PaymentReason.BILL_CLOSED),
        ({"trait": "expired"}, PaymentReason.BILL_EXPIRED),
        ({"amount": "14.000"}, PaymentReason.AMOUNT_MISMATCH),
    ],
)
def test_payment_that_cannot_be_applied_is_answered_success_and_queued(efawateercom, owner, setup, reason):
    bill = BillFactory(**({setup["trait"]: True} if "trait" in setup else {}))
    _http, response = notify(efawateercom, bill, number=setup.get("number"), amount=setup.get("amount"))
    assert response.code == Result.SUCCESS
    payment = Payment.objects.get()
    assert payment.state == PaymentState.QUEUED and payment.reason == reason
    assert payment.message is not None and f"<JOEBPPSTrx>{payment.trx}</JOEBPPSTrx>".encode() in bytes(
        payment.message.request
    )
    assert owner.calls == []


def test_several_transactions_in_one_notification(efawateercom, owner):
    a, b = BillFactory(), BillFactory()
    rows = []
    for bill, trx in ((a, "1"), (b, "2"), (a, "1")):
        body = protocol.payment_request_body(
            billing_number=bill.billing_number,
            biller_code=efawateercom.biller_code,
            trx=trx,
            paid_amount=bill.amount,
            due_amount=bill.amount,
            service_type=bill.service_type,
            processed_at=timezone.now(),
            stmt_date=timezone.localdate(),
        )
        rows.append(protocol.child(body, "Transactions", "TrxInf"))
    body = protocol.element("MsgBody", None, protocol.element("Transactions", None, *rows))
    raw = protocol.build_message(
        msg_type="BLRPMTNTFRQ",
        guid="multi",
        sender=efawateercom.sender_code,
        receiver=efawateercom.biller_code,
        body=body,
        private_key=efawateercom.signing_key,
        timestamp=timezone.now(),
    )
    response = answer(efawateercom, post(raw, NOTIFY))
    results = protocol.children(protocol.child(response.body, "Transactions"), "TrxInf")
    assert [protocol.text(r, "JOEBPPSTrx") for r in results] == ["1", "2", "1"]
    assert {protocol.text(r, "Result", "ErrorCode") for r in results} == {"0"}
    assert Payment.objects.filter(state="applied").count() == 2


@pytest.mark.parametrize(
    ("find", "replace"),
    [
        (b"<PaidAmt>15.000</PaidAmt>", b"<PaidAmt>fifteen</PaidAmt>"),
        (b"<PaidAmt>15.000</PaidAmt>", b"<PaidAmt>-15.000</PaidAmt>"),
        (b"<PaidAmt>15.000</PaidAmt>", b"<PaidAmt>15.0001</PaidAmt>"),
        (b"<PaidAmt>15.000</PaidAmt>", b""),
        (b"<JOEBPPSTrx>1</JOEBPPSTrx>", b""),
    ],
)
def test_notification_that_cannot_be_parsed_is_101_and_stores_nothing(efawateercom, owner, find, replace):
    bill = BillFactory(lines=[("k", "15.000")])
    body = protocol.payment_request_body(
        billing_number=bill.billing_number,
        biller_code=efawateercom.biller_code,
        trx="1",
        paid_amount=bill.amount,
        due_amount=bill.amount,
        service_type=bill.service_type,
        processed_at=timezone.now(),
        stmt_date=timezone.localdate(),
    )
    text = protocol.ET.tostring(body, encoding="unicode").replace(find.decode(), replace.decode())
    raw = protocol.build_message(
        msg_type="BLRPMTNTFRQ",
        guid="bad",
        sender=efawateercom.sender_code,
        receiver=efawateercom.biller_code,
        body=protocol.SafeET.fromstring(text),
        private_key=efawateercom.signing_key,
        timestamp=timezone.now(),
    )
    _assert_refused(post(raw, NOTIFY), efawateercom, Result.INVALID_XML, 400)


def test_stmtdate_spelled_stmtdate_is_accepted(efawateercom, owner):
    bill = BillFactory()
    body = protocol.payment_request_body(
        billing_number=bill.billing_number,
        biller_code=efawateercom.biller_code,
        trx="s1",
        paid_amount=bill.amount,
        due_amount=bill.amount,
        service_type=bill.service_type,
        processed_at=timezone.now(),
        stmt_date=timezone.localdate(),
    )
    protocol.child(body, "Transactions", "TrxInf", "STMTDate").tag = "StmtDate"
    raw = protocol.build_message(
        msg_type="BLRPMTNTFRQ",
        guid="s",
        sender=efawateercom.sender_code,
        receiver=efawateercom.biller_code,
        body=body,
        private_key=efawateercom.signing_key,
        timestamp=timezone.now(),
    )
    assert answer(efawateercom, post(raw, NOTIFY)).code == Result.SUCCESS
    assert Payment.objects.get().stmt_date == timezone.localdate()


def test_internal_error_is_303_and_keeps_nothing(efawateercom, owner, monkeypatch):
    from payments.efawateercom import handling

    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(handling, "payment_receive", broken)
    bill = BillFactory()
    _guid, raw = efawateercom.payment_notification(
        billing_number=bill.billing_number, trx="x", paid_amount=bill.amount, service_type=bill.service_type
    )
    http = post(raw, NOTIFY)
    assert http.status_code == 500 and answer(efawateercom, http).code == Result.INTERNAL_ERROR
    assert not Message.objects.exists() and not Payment.objects.exists()


@pytest.mark.parametrize("result", [None, Result.SUCCESS, Result.INVALID_SIGNATURE])
def test_a_message_header_and_footer_are_the_bytes_elementtree_wrote(result):
    """build_message writes the whole message with the portal's own plain writer (issue 20): byte for byte
    what ElementTree wrote before, escaping included, so that no partner parser sees a difference."""
    import xml.etree.ElementTree as ET
    from datetime import datetime
    from zoneinfo import ZoneInfo

    element, xml = protocol.element, protocol._xml
    moment = datetime(2026, 12, 9, 21, 33, 5, tzinfo=ZoneInfo("Asia/Amman"))
    sender, receiver, guid = "A&B<1>", "بلدية", "g-\"'&<>"
    raw = protocol.build_message(
        msg_type="BILPULRS",
        guid=guid,
        sender=sender,
        receiver=receiver,
        body=element("MsgBody", None, element("RecCount", 0)),
        private_key=None,
        timestamp=moment,
        result=result,
    ).decode()
    trs = element(
        "TrsInf",
        None,
        element("SdrCode", sender),
        element("RcvCode", receiver),
        element("ResTyp" if result is not None else "ReqTyp", "BILPULRS"),
    )
    header = element("MsgHeader", None, element("TmStp", protocol.format_timestamp(moment)), element("GUID", guid), trs)
    if result is not None:
        header.append(protocol.result_element(result))
    footer = element("MsgFooter", None, element("Security", None, element("Signature", "")))
    body = "<MsgBody><RecCount>0</RecCount></MsgBody>"
    assert raw == f'<?xml version="1.0" encoding="utf-8"?>\n<MFEP>{xml(header)}{body}{xml(footer)}</MFEP>'
    assert ET.fromstring(raw.split("\n", 1)[1]).find("MsgHeader/GUID").text == guid


def test_a_message_body_is_written_as_elementtree_writes_it():
    """protocol._xml writes the portal's plain elements itself: the same text as ElementTree, and
    ElementTree itself for anything with attributes, namespaces or tails."""
    import xml.etree.ElementTree as ET

    element = protocol.element
    plain = element(
        "MsgBody", None, element("A", "x & y < z > w \"q\" 'a'"), element("B"), element("C", "نص عربي", element("D", 0))
    )
    assert protocol._xml(plain) == ET.tostring(plain, encoding="unicode", short_empty_elements=False)
    with_attribute = element("MsgBody", None, element("A", "1"))
    with_attribute[0].set("k", "v&")
    with_tail = element("MsgBody", None, element("A", "1"))
    with_tail[0].tail = "t"
    for node in (with_attribute, with_tail, element("{urn:x}MsgBody", "1")):
        assert protocol._xml(node) == ET.tostring(node, encoding="unicode", short_empty_elements=False)
