# Kept whole: the eFAWATEERcom message formats and signatures, as one specification (../shared/EFAWATEERCOM.md).
"""Every eFAWATEERcom code, name and format the portal uses, in one place.

The official specification is held by the network operator; what is here is assembled from public
biller connectors that agree with each other (see ../shared/EFAWATEERCOM.md). Aligning with the
official document later is a change in this module only.

The module knows XML, signatures and codes, not bills: it parses and verifies requests into plain
objects and builds signed responses from plain values.
"""

import base64
import hashlib
import re
import threading
import xml.etree.ElementTree as ET
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import IntEnum
from xml.sax.saxutils import escape as xml_escape
from zoneinfo import ZoneInfo

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed
from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET
from django.db import models
from django.utils.translation import gettext_lazy as _


class ServiceType(models.TextChoices):
    """The biller's service types, as eFAWATEERcom shows them to a payer after the biller's name."""

    TRAFFIC_VIOLATIONS = "TrafficViolations", _("Traffic violations")
    ACCIDENT_DAMAGES = "AccidentDamages", _("Accident damages")
    CONTRACTOR_PERMITS = "ContractorPermits", _("Contractor permits")
    PROFESSION_LICENCES = "ProfessionLicences", _("Profession licences")
    PROPERTY_DUES = "PropertyDues", _("Property dues")


SERVICE_TYPES = frozenset(ServiceType.values)  # checked on every message (.values builds a new list each time)


# What a payer picks in a bank's or wallet's eFAWATEERcom menu.
BILLER_NAME_AR = "أمانة عمان الكبرى"
BILLER_NAME_EN = "Greater Amman Municipality"

# --- paths, message types, SOAP ---------------------------------------------------------------
BILL_PULL_PATH = "/payments/efawateercom/bill-pull/"
PAYMENT_NOTIFICATION_PATH = "/payments/efawateercom/payment-notification/"

BILL_PULL_REQUEST = "BILPULRQ"
BILL_PULL_RESPONSE = "BILPULRS"
PAYMENT_NOTIFICATION_REQUEST = "BLRPMTNTFRQ"
PAYMENT_NOTIFICATION_RESPONSE = "BLRPMTNTFRS"
RESPONSE_TYPE = {BILL_PULL_REQUEST: BILL_PULL_RESPONSE, PAYMENT_NOTIFICATION_REQUEST: PAYMENT_NOTIFICATION_RESPONSE}

SOAP_ENV_NS = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP_OPERATION = {BILL_PULL_REQUEST: "BillPull", PAYMENT_NOTIFICATION_REQUEST: "ReceivePaymentNotification"}
# The operation element's namespace when a request has none of its own (the response echoes the request's).
SOAP_OPERATION_NS = "http://www.efawateercom.jo/biller"

CONTENT_TYPE = "text/xml; charset=utf-8"
MAX_BODY_BYTES = 64 * 1024

# --- formats ----------------------------------------------------------------------------------
AMMAN = ZoneInfo("Asia/Amman")
TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%S"  # local time, no zone, no fraction
DATE_FORMAT = "%Y-%m-%d"
CURRENCY = "JOD"
BILL_STATUS_NEW = "BillNew"
BILL_TYPE_ONE_OFF = "OneOff"
CUST_NAME_MAX = 150
PMT_STATUSES = ("PmtNew", "PmtSent", "PmtComplt")
PAYMENT_METHODS = ("CASH", "CCARD", "EFT", "ACTDEB")
# How a payer reads the method on a receipt.
PAYMENT_METHOD_LABELS = {
    "CASH": _("Cash"),
    "CCARD": _("Credit card"),
    "EFT": _("Bank transfer"),
    "ACTDEB": _("Account debit"),
}


class Result(IntEnum):
    SUCCESS = 0
    INVALID_SIGNATURE = 2
    INVALID_SENDER_OR_RECEIVER = 5
    INVALID_XML = 101
    INTERNAL_ERROR = 303
    UNKNOWN_SERVICE_TYPE = 322
    BILL_EXPIRED_OR_CLOSED = 323
    BILL_PAID = 324
    SIGNATURE_MISSING = 380
    BILL_NOT_FOUND = 401


RESULT_DESCRIPTION = {
    Result.SUCCESS: "Success",
    Result.INVALID_SIGNATURE: "Invalid signature",
    Result.INVALID_SENDER_OR_RECEIVER: "Invalid sender or receiver code",
    Result.INVALID_XML: "Invalid XML or schema",
    Result.INTERNAL_ERROR: "Internal error",
    Result.UNKNOWN_SERVICE_TYPE: "Unrecognised service type",
    Result.BILL_EXPIRED_OR_CLOSED: "Bill expired or closed",
    Result.BILL_PAID: "Bill paid previously",
    Result.SIGNATURE_MISSING: "Signature missing",
    Result.BILL_NOT_FOUND: "Bill not found",
}

# The HTTP status that goes with a refusal; answers that were processed are 200 whatever the result.
HTTP_STATUS = {
    Result.INVALID_SIGNATURE: 403,
    Result.INVALID_SENDER_OR_RECEIVER: 403,
    Result.SIGNATURE_MISSING: 403,
    Result.INVALID_XML: 400,
    Result.INTERNAL_ERROR: 500,
}
BODY_TOO_LARGE_HTTP_STATUS = 413


def severity(code: int) -> str:
    return "Info" if code == Result.SUCCESS else "Error"


def format_timestamp(moment: datetime) -> str:
    return moment.astimezone(AMMAN).strftime(TIMESTAMP_FORMAT)


def format_amount(amount: Decimal) -> str:
    return f"{amount.quantize(Decimal('0.001')):.3f}"


# --- errors -----------------------------------------------------------------------------------
class ProtocolError(Exception):
    """A request that is refused before anything is stored: it cannot be parsed or authenticated."""

    def __init__(self, code: Result, detail: str, *, guid: str = "", soap: bool = False, soap_ns: str = ""):
        super().__init__(f"{int(code)} {detail}")
        self.code = code
        self.detail = detail
        self.guid = guid
        self.soap = soap
        self.soap_ns = soap_ns


# --- parsing ----------------------------------------------------------------------------------
def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def child(element, *path: str):
    """The first descendant along ``path`` by local name (namespaces ignored), or None."""
    for name in path:
        if element is None:
            return None
        element = next((c for c in element if _local(c.tag) == name), None)
    return element


def children(element, name: str) -> list:
    return [c for c in element if _local(c.tag) == name] if element is not None else []


def text(element, *path: str, default: str = "") -> str:
    found = child(element, *path) if path else element
    if found is None or found.text is None:
        return default
    return found.text.strip()


_ENCODING_DECL = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
# One opening and one closing MsgBody, any namespace prefix. Anything else (a second MsgBody, even
# in a comment or CDATA) is refused, so the element whose bytes were verified is the one we read.
_BODY_OPEN = re.compile(r"<(?:[A-Za-z_][\w.-]*:)?MsgBody(?=[\s>/])")
_BODY_CLOSE = re.compile(r"</(?:[A-Za-z_][\w.-]*:)?MsgBody\s*>")


def _decode(raw: bytes) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8")
    match = _ENCODING_DECL.match(raw)
    return raw.decode(match.group(1).decode("ascii") if match else "utf-8")


@dataclass
class Request:
    """A parsed request whose MsgBody is exactly the text that was (or will be) verified."""

    req_type: str
    guid: str
    timestamp: str
    sender: str
    receiver: str
    body: object  # the MsgBody element
    body_text: str  # MsgBody exactly as received
    signature: bytes | None
    soap: bool = False
    soap_ns: str = ""


def parse_request(raw: bytes, *, type_field: str = "ReqTyp") -> Request:
    """Parse a plain or SOAP-wrapped MFEP request with a hardened parser (no DTD, no entities).
    (``type_field="ResTyp"`` reads a response with the same rules.)"""
    if len(raw) > MAX_BODY_BYTES:
        raise ProtocolError(Result.INVALID_XML, "body over the size limit")
    try:
        root = SafeET.fromstring(raw, forbid_dtd=True, forbid_entities=True, forbid_external=True)
        document = _decode(raw)
    except (ET.ParseError, DefusedXmlException, UnicodeDecodeError, LookupError, ValueError) as exc:
        raise ProtocolError(Result.INVALID_XML, f"not well-formed: {type(exc).__name__}") from None
    soap, soap_ns = False, ""
    if _local(root.tag) == "Envelope":
        if not root.tag.startswith("{" + SOAP_ENV_NS + "}"):
            raise ProtocolError(Result.INVALID_XML, "not a SOAP 1.1 envelope")
        body = child(root, "Body")
        operations = list(body) if body is not None else []
        if len(operations) != 1:
            raise ProtocolError(Result.INVALID_XML, "SOAP body must hold one operation")
        operation = operations[0]
        soap = True
        soap_ns = operation.tag[1:].split("}", 1)[0] if operation.tag.startswith("{") else ""
        mfeps = children(operation, "MFEP")
        operations_allowed = (
            SOAP_OPERATION.values() if type_field == "ReqTyp" else {op + "Response" for op in SOAP_OPERATION.values()}
        )
        if len(mfeps) != 1 or _local(operation.tag) not in operations_allowed:
            raise ProtocolError(Result.INVALID_XML, "unknown SOAP operation", soap=True, soap_ns=soap_ns)
        root = mfeps[0]
    if _local(root.tag) != "MFEP":
        raise ProtocolError(Result.INVALID_XML, "root is not MFEP", soap=soap, soap_ns=soap_ns)
    header = child(root, "MsgHeader")
    guid = text(header, "GUID")[:100]
    opens, closes = _BODY_OPEN.findall(document), _BODY_CLOSE.findall(document)
    bodies = children(root, "MsgBody")
    if len(opens) != 1 or len(closes) != 1 or len(bodies) != 1 or document.count("MsgBody") != 2:
        raise ProtocolError(Result.INVALID_XML, "exactly one MsgBody element is required", guid=guid, soap=soap)
    start = _BODY_OPEN.search(document).start()
    end = _BODY_CLOSE.search(document).end()
    if end <= start:
        raise ProtocolError(Result.INVALID_XML, "MsgBody is malformed", guid=guid, soap=soap)
    signature_text = text(root, "MsgFooter", "Security", "Signature")
    signature = None
    if signature_text:
        try:
            signature = base64.b64decode("".join(signature_text.split()), validate=True)
        except ValueError:
            signature = b""  # present but not Base64: fails verification as an invalid signature
    request = Request(
        req_type=text(header, "TrsInf", type_field),
        guid=guid,
        timestamp=text(header, "TmStp"),
        sender=text(header, "TrsInf", "SdrCode"),
        receiver=text(header, "TrsInf", "RcvCode"),
        body=bodies[0],
        body_text=document[start:end],
        signature=signature,
        soap=soap,
        soap_ns=soap_ns,
    )
    # A refusal may echo an empty GUID (the request had none to echo); a request must carry one.
    if header is None or not request.req_type or (type_field == "ReqTyp" and not request.guid):
        raise ProtocolError(Result.INVALID_XML, f"MsgHeader lacks GUID or {type_field}", guid=guid, soap=soap)
    return request


def authenticate(
    request: Request, *, expected_type: str, peer_key: rsa.RSAPublicKey | None, sender_code: str, biller_code: str
) -> None:
    """Signature over the received MsgBody bytes, then sender and receiver codes, then message type."""
    error = {"guid": request.guid, "soap": request.soap, "soap_ns": request.soap_ns}
    if request.signature is None:
        raise ProtocolError(Result.SIGNATURE_MISSING, "no signature", **error)
    if peer_key is None or not verify(request.body_text, request.signature, peer_key):
        raise ProtocolError(Result.INVALID_SIGNATURE, "signature does not verify", **error)
    if request.sender != sender_code or request.receiver != biller_code:
        raise ProtocolError(Result.INVALID_SENDER_OR_RECEIVER, "sender or receiver code", **error)
    if request.req_type != expected_type:
        raise ProtocolError(Result.INVALID_XML, f"ReqTyp {request.req_type!r} on this endpoint", **error)


# --- signatures -------------------------------------------------------------------------------
def signed_bytes(body_text: str) -> bytes:
    """What is signed: the MsgBody element as UTF-16LE without BOM."""
    return body_text.encode("utf-16-le")


class _Signatures:
    """The signatures already made or checked by this process, by key and SHA-256 of what was signed (issue 20).

    An RSA-2048 signature is most of a bill pull's own work (0.3 to 0.9 ms, by machine), and the signed part
    of an answer, MsgBody, depends on the bill only: the GUID and time are in the header. A payer's bank
    pulls a bill when it is looked up and again before it is paid, and every refusal has the same empty
    MsgBody, so the same text is signed again and again. RSASSA-PKCS1-v1_5 is deterministic and signs the
    SHA-256 digest itself: the signature of a digest already signed with that key is the one kept here, byte
    for byte, and keying by the digest is exactly as strong as the signature. A changed bill (an amount, a
    name, a date) is a new digest, signed afresh; a new key (rotated) is a new key object, signed afresh.

    ``known`` is a signature kept elsewhere (a bill's last answer: payments.Bill.pull_signature): it is used
    only if it verifies, with this key's public half, over this very digest. An RSA signature that verifies
    is the only one there is for that key and digest, so it is the one signing would make, byte for byte; a
    stale one (the bill changed, the key was rotated) does not verify and the text is signed afresh.

    At most ``size`` signatures (about 400 bytes each) are kept, the least recently used dropped first."""

    def __init__(self, size: int = 8192):
        self.size = size
        self._kept: OrderedDict[tuple, bytes] = OrderedDict()
        self._public: dict = {}  # private key -> its public half, for checking a known signature
        self._lock = threading.Lock()

    def sign(self, data: bytes, private_key: rsa.RSAPrivateKey, *, known: bytes | None = None) -> bytes:
        digest = hashlib.sha256(data).digest()
        token = (private_key, digest)  # the key object by identity: held here, so never another key's id
        with self._lock:
            signature = self._kept.get(token)
            if signature is not None:
                self._kept.move_to_end(token)
                return signature
        if known and self._verifies(known, digest, private_key):
            signature = known
        else:
            signature = private_key.sign(digest, padding.PKCS1v15(), Prehashed(hashes.SHA256()))
        with self._lock:
            self._kept[token] = signature
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)
        return signature

    def _verifies(self, signature: bytes, digest: bytes, private_key: rsa.RSAPrivateKey) -> bool:
        public = self._public.get(private_key)
        if public is None:
            if len(self._public) >= 8:  # keys are few; a rotated one stays here until then
                self._public.clear()
            public = self._public[private_key] = private_key.public_key()
        try:
            public.verify(signature, digest, padding.PKCS1v15(), Prehashed(hashes.SHA256()))
        except (InvalidSignature, ValueError, TypeError):
            return False
        return True

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()
            self._public.clear()


signatures = _Signatures()


def sign(body_text: str, private_key: rsa.RSAPrivateKey) -> str:
    return base64.b64encode(signatures.sign(signed_bytes(body_text), private_key)).decode("ascii")


@dataclass(frozen=True)
class SignedBody:
    """A MsgBody as it is written into a message, and its signature (empty: the message goes unsigned)."""

    text: str
    signature: bytes


def sign_body(body: ET.Element, private_key: rsa.RSAPrivateKey | None, *, known: bytes | None = None) -> SignedBody:
    """``body`` written out and signed; ``known``, a signature kept from an earlier answer, is used if it is
    this text's signature by this key (see :class:`_Signatures`)."""
    text = _xml(body)
    if private_key is None:
        return SignedBody(text, b"")
    return SignedBody(text, signatures.sign(signed_bytes(text), private_key, known=known))


def verify(body_text: str, signature: bytes, public_key: rsa.RSAPublicKey) -> bool:
    try:
        public_key.verify(signature, signed_bytes(body_text), padding.PKCS1v15(), hashes.SHA256())
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


# --- building ---------------------------------------------------------------------------------
def element(tag: str, value=None, *kids) -> ET.Element:
    """``element("A", None, element("B", "1"))`` -> <A><B>1</B></A>"""
    node = ET.Element(tag)
    if value is not None:
        node.text = str(value)
    node.extend(kids)
    return node


def _xml(node: ET.Element) -> str:
    """``node`` as ElementTree writes it (``short_empty_elements=False``). The portal's own messages have
    no attributes, namespaces or tails: those are written here directly, three times faster (a bill
    pull's answer is signed and sent many times a second, issue 20); anything else goes to ElementTree."""
    parts: list[str] = []
    if _write_plain(node, parts):
        return "".join(parts)
    return ET.tostring(node, encoding="unicode", short_empty_elements=False)


def _write_plain(node: ET.Element, parts: list[str]) -> bool:
    tag = node.tag
    if node.attrib or node.tail or not isinstance(tag, str) or tag[:1] in "{" or ":" in tag:
        return False
    parts.append(f"<{tag}>")
    if node.text:
        parts.append(xml_escape(node.text))
    for kid in node:
        if not _write_plain(kid, parts):
            return False
    parts.append(f"</{tag}>")
    return True


def result_element(code: int) -> ET.Element:
    return element(
        "Result",
        None,
        element("ErrorCode", int(code)),
        element("ErrorDesc", RESULT_DESCRIPTION.get(code, "Error")),
        element("Severity", severity(code)),
    )


def build_message(
    *,
    msg_type: str,
    guid: str,
    sender: str,
    receiver: str,
    body: ET.Element | SignedBody,
    private_key: rsa.RSAPrivateKey | None,
    timestamp: datetime,
    result: int | None = None,
    soap_operation: str = "",
    soap_ns: str = "",
) -> bytes:
    """An MFEP document (optionally in a SOAP 1.1 envelope) whose signature covers MsgBody exactly as
    written into the document. ``result`` makes it a response (ResTyp + Result in the header). ``body`` may
    come already signed (:func:`sign_body`); ``private_key`` is then not used."""
    trs = element(
        "TrsInf",
        None,
        element("SdrCode", sender),
        element("RcvCode", receiver),
        element("ResTyp" if result is not None else "ReqTyp", msg_type),
    )
    header = element("MsgHeader", None, element("TmStp", format_timestamp(timestamp)), element("GUID", guid), trs)
    if result is not None:
        header.append(result_element(result))
    signed = body if isinstance(body, SignedBody) else sign_body(body, private_key)
    body_text = signed.text
    signature = base64.b64encode(signed.signature).decode("ascii")
    footer = element("MsgFooter", None, element("Security", None, element("Signature", signature)))
    mfep = f"<MFEP>{_xml(header)}{body_text}{_xml(footer)}</MFEP>"
    if soap_operation:
        ns = soap_ns or SOAP_OPERATION_NS
        mfep = (
            f'<soap:Envelope xmlns:soap="{SOAP_ENV_NS}"><soap:Body>'
            f'<op:{soap_operation} xmlns:op="{ns}">{mfep}</op:{soap_operation}>'
            "</soap:Body></soap:Envelope>"
        )
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + mfep).encode("utf-8")


def soap_response_operation(req_type: str) -> str:
    return SOAP_OPERATION[req_type] + "Response"


# --- bill pull --------------------------------------------------------------------------------
@dataclass(frozen=True)
class BillPullQuery:
    billing_number: str
    service_type: str


def bill_pull_query(body) -> BillPullQuery:
    billing_number = text(body, "AcctInfo", "BillingNo") or text(body, "AcctInfo", "BillNo")
    if not billing_number:
        raise ProtocolError(Result.INVALID_XML, "AcctInfo/BillingNo missing")
    return BillPullQuery(billing_number=billing_number[:64], service_type=text(body, "ServiceType")[:40])


@dataclass(frozen=True)
class BillRecord:
    """What the biller answers about one bill."""

    billing_number: str
    biller_code: str
    due_amount: Decimal
    issued_at: datetime
    due_at: datetime
    expires_at: datetime
    service_type: str
    customer_name: str
    free_text: str


def bill_pull_body(record: BillRecord | None, *, code: int = Result.SUCCESS) -> ET.Element:
    if record is None:
        return element("MsgBody", None, element("RecCount", 0))
    amount = format_amount(record.due_amount)
    bill = element(
        "BillRec",
        None,
        result_element(code),
        element(
            "AcctInfo",
            None,
            element("BillingNo", record.billing_number),
            element("BillNo", record.billing_number),
            element("BillerCode", record.biller_code),
        ),
        element("BillStatus", BILL_STATUS_NEW),
        element("DueAmount", amount),
        element("Currency", CURRENCY),
        element("IssueDate", format_timestamp(record.issued_at)),
        element("DueDate", format_timestamp(record.due_at)),
        element("ExpiryDate", format_timestamp(record.expires_at)),
        element("ServiceType", record.service_type),
        element("BillType", BILL_TYPE_ONE_OFF),
        element(
            "PmtConst",
            None,
            element("AllowPart", "false"),
            element("Lower", amount),
            element("Upper", amount),
        ),
        element(
            "AdditionalInfo",
            None,
            element("CustName", record.customer_name[:CUST_NAME_MAX]),
            element("FreeText", record.free_text),
        ),
    )
    return element("MsgBody", None, element("RecCount", 1), element("BillsRec", None, bill))


def bill_pull_request_body(*, billing_number: str, service_type: str) -> ET.Element:
    return element(
        "MsgBody",
        None,
        element("AcctInfo", None, element("BillingNo", billing_number), element("BillNo", billing_number)),
        element("ServiceType", service_type),
    )


# --- payment notification ---------------------------------------------------------------------
@dataclass(frozen=True)
class Transaction:
    """One TrxInf as received; the raw strings are kept for the audit and the echo."""

    trx: str
    billing_number: str
    biller_code: str
    paid_amount: Decimal
    due_amount: Decimal | None
    fees_amount: Decimal | None
    fees_on_biller: bool
    service_type: str
    bank_trx_id: str
    bank_code: str
    pmt_status: str
    pmt_src: str
    payment_method: str
    payment_type: str
    access_channel: str
    process_date: datetime | None
    stmt_date: date | None
    process_date_raw: str
    stmt_date_raw: str
    raw: dict = field(default_factory=dict)


def parse_amount(value: str, *, required: bool = False) -> Decimal | None:
    """A JOD amount with at most 3 decimals, not negative."""
    if not value:
        if required:
            raise ProtocolError(Result.INVALID_XML, "amount missing")
        return None
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise ProtocolError(Result.INVALID_XML, f"amount {value[:20]!r} is not a number") from None
    if not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.001")):
        raise ProtocolError(Result.INVALID_XML, f"amount {value[:20]!r} is not a JOD amount")
    return amount.quantize(Decimal("0.001"))


def parse_timestamp(value: str) -> datetime | None:
    """Local Amman time without a zone (a zone or fraction is tolerated); None if absent or unreadable
    (the raw string is kept with the transaction)."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=AMMAN)


def parse_date(value: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _flatten(node, prefix: str = "") -> dict:
    out = {}
    for kid in node:
        key = f"{prefix}{_local(kid.tag)}"
        if len(kid):
            out.update(_flatten(kid, key + "/"))
        else:
            out[key] = (kid.text or "").strip()
    return out


def payment_transactions(body) -> list[Transaction]:
    rows = children(child(body, "Transactions"), "TrxInf")
    if not rows:
        raise ProtocolError(Result.INVALID_XML, "no Transactions/TrxInf")
    transactions = []
    for row in rows:
        trx = text(row, "JOEBPPSTrx")
        billing_number = text(row, "AcctInfo", "BillingNo") or text(row, "AcctInfo", "BillNo")
        if not trx or len(trx) > 64 or not billing_number:
            raise ProtocolError(Result.INVALID_XML, "TrxInf lacks JOEBPPSTrx or BillingNo")
        stmt_raw = text(row, "STMTDate") or text(row, "StmtDate")
        process_raw = text(row, "ProcessDate")
        transactions.append(
            Transaction(
                trx=trx,
                billing_number=billing_number,
                biller_code=text(row, "AcctInfo", "BillerCode"),
                paid_amount=parse_amount(text(row, "PaidAmt"), required=True),
                due_amount=parse_amount(text(row, "DueAmt")),
                fees_amount=parse_amount(text(row, "FeesAmt")),
                fees_on_biller=text(row, "FeesOnBiller").lower() == "true",
                service_type=text(row, "ServiceTypeDetails", "ServiceType") or text(row, "ServiceType"),
                bank_trx_id=text(row, "BankTrxID"),
                bank_code=text(row, "BankCode"),
                pmt_status=text(row, "PmtStatus"),
                pmt_src=text(row, "PmtSrc"),
                payment_method=text(row, "PaymentMethod"),
                payment_type=text(row, "PaymentType"),
                access_channel=text(row, "AccessChannel"),
                process_date=parse_timestamp(process_raw),
                stmt_date=parse_date(stmt_raw),
                process_date_raw=process_raw,
                stmt_date_raw=stmt_raw,
                raw=_flatten(row),
            )
        )
    return transactions


def payment_response_body(results: list[tuple[Transaction, int]]) -> ET.Element:
    return element(
        "MsgBody",
        None,
        element(
            "Transactions",
            None,
            *(
                element(
                    "TrxInf",
                    None,
                    element("JOEBPPSTrx", trx.trx),
                    element("ProcessDate", trx.process_date_raw),
                    element("STMTDate", trx.stmt_date_raw),
                    result_element(code),
                )
                for trx, code in results
            ),
        ),
    )


def payment_request_body(
    *,
    billing_number: str,
    biller_code: str,
    trx: str,
    paid_amount: Decimal,
    due_amount: Decimal,
    service_type: str,
    processed_at: datetime,
    stmt_date: date,
    bank_trx_id: str = "",
    bank_code: str = "",
    payment_method: str = "CASH",
    pmt_status: str = "PmtComplt",
    access_channel: str = "INTERNET",
) -> ET.Element:
    trx_inf = element(
        "TrxInf",
        None,
        element(
            "AcctInfo",
            None,
            element("BillingNo", billing_number),
            element("BillNo", billing_number),
            element("BillerCode", biller_code),
        ),
        element("JOEBPPSTrx", trx),
        element("BankTrxID", bank_trx_id or trx),
        element("BankCode", bank_code or "1"),
        element("PmtSrc", "SIMULATOR"),
        element("PmtStatus", pmt_status),
        element("DueAmt", format_amount(due_amount)),
        element("PaidAmt", format_amount(paid_amount)),
        element("FeesAmt", "0.000"),
        element("FeesOnBiller", "false"),
        element("ProcessDate", format_timestamp(processed_at)),
        element("STMTDate", stmt_date.strftime(DATE_FORMAT)),
        element("AccessChannel", access_channel),
        element("PaymentMethod", payment_method),
        element("PaymentType", "Bill"),
        element("ServiceTypeDetails", None, element("ServiceType", service_type)),
    )
    return element("MsgBody", None, element("Transactions", None, trx_inf))


# --- reading responses (the simulator and tests are the peer) -----------------------------------
@dataclass
class Response:
    res_type: str
    guid: str
    code: int
    body: object
    body_text: str
    signature: bytes | None
    raw: bytes

    def verified_by(self, public_key) -> bool:
        return self.signature is not None and verify(self.body_text, self.signature, public_key)


def parse_response(raw: bytes) -> Response:
    request = parse_request(raw, type_field="ResTyp")  # same envelope rules
    root = SafeET.fromstring(raw, forbid_dtd=True)
    if _local(root.tag) == "Envelope":
        root = child(next(iter(child(root, "Body"))), "MFEP")
    header = child(root, "MsgHeader")
    code = text(header, "Result", "ErrorCode")
    return Response(
        res_type=request.req_type,
        guid=request.guid,
        code=int(code) if code.isdecimal() else -1,
        body=request.body,
        body_text=request.body_text,
        signature=request.signature,
        raw=raw,
    )
