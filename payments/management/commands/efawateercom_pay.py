"""Play eFAWATEERcom against a running portal: a signed bill pull, then a signed payment notification.

    python manage.py efawateercom_pay 1234567890128 --url http://127.0.0.1:8000

Re-running with the same --trx changes nothing (the portal answers the stored success). Keys: the
development pair under DATA_DIR (DEBUG on, no keys configured), or --peer-key / --biller-public-key.
"""

import http.client
import sys
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from payments.billing_numbers import billing_number_is_valid, billing_number_normalise
from payments.efawateercom import keys, protocol
from payments.efawateercom.peer import Peer, new_trx

# What to do when the portal refuses the simulator itself (not the payment): the portal runs with other
# keys or another biller or sender code than this command.
ADVICE = {
    protocol.Result.INVALID_SIGNATURE: (
        "the portal does not accept this command's signature: it checks eFAWATEERcom's messages with "
        "EFAWATEERCOM_PEER_PUBLIC_KEY. Run the command with the same settings as the portal, or pass "
        "--peer-key with the private key that matches that public key (and --biller-public-key with the "
        "public key of the portal's EFAWATEERCOM_BILLER_PRIVATE_KEY)."
    ),
    protocol.Result.SIGNATURE_MISSING: "the message reached the portal without its signature; check --url.",
    protocol.Result.INVALID_SENDER_OR_RECEIVER: (
        "the portal expects another biller or sender code: run the command with the portal's "
        "EFAWATEERCOM_BILLER_CODE and EFAWATEERCOM_SENDER_CODE (this command used biller {biller}, sender {sender})."
    ),
    protocol.Result.BILL_NOT_FOUND: (
        "the portal knows no bill with this e-payment number: copy it from the bill's page (the violations "
        "statement shows one per violation and one for all)."
    ),
}


def post(url: str, path: str, raw: bytes, timeout: float = 30.0) -> tuple[int, bytes]:
    parts = urlsplit(url)
    connection_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = connection_class(parts.hostname, parts.port, timeout=timeout)
    try:
        connection.request(
            "POST", parts.path.rstrip("/") + path, body=raw, headers={"Content-Type": protocol.CONTENT_TYPE}
        )
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


class Command(BaseCommand):
    help = "Pay a bill through a simulated eFAWATEERcom (signed bill pull, then signed payment notification)."

    def add_arguments(self, parser):
        parser.add_argument("billing_number")
        parser.add_argument("--url", default=settings.SITE_URL, help="the portal's base URL (default SITE_URL)")
        parser.add_argument("--amount", help="amount paid, JOD (default: the due amount from the bill pull)")
        parser.add_argument("--trx", help="JOEBPPSTrx; reuse one to replay a notification")
        parser.add_argument("--service-type", help="service type for the bill pull (default: try each)")
        parser.add_argument("--soap", action="store_true", help="wrap the messages in SOAP 1.1 envelopes")
        parser.add_argument("--peer-key", default="", help="PEM private key that signs as eFAWATEERcom")
        parser.add_argument("--biller-public-key", default="", help="PEM public key that verifies the answers")

    def handle(self, *args, **options):
        number = billing_number_normalise(options["billing_number"])
        if not billing_number_is_valid(number):
            raise CommandError(
                f"{options['billing_number']!r} is not a valid e-payment number (13 digits, check digit)"
            )
        try:
            signing, verifying = keys.simulator_keys(
                peer_private=options["peer_key"], biller_public=options["biller_public_key"]
            )
        except LookupError as exc:
            raise CommandError(str(exc)) from None
        peer = Peer(
            signing_key=signing,
            verifying_key=verifying,
            sender_code=settings.EFAWATEERCOM_SENDER_CODE,
            biller_code=settings.EFAWATEERCOM_BILLER_CODE,
        )
        url = options["url"]

        # A payer picks the service type in the bank's menu; the simulator tries the one given or each.
        types = [options["service_type"]] if options["service_type"] else list(protocol.ServiceType.values)
        response = None
        for service_type in types:
            _guid, raw = peer.bill_pull(billing_number=number, service_type=service_type, soap=options["soap"])
            try:
                status, body = post(url, protocol.BILL_PULL_PATH, raw)
            except OSError as exc:
                raise CommandError(
                    f"cannot reach the portal at {url} ({exc}): start it (make run) or pass --url"
                ) from None
            response = self._show("BILPULRQ -> BILPULRS", status, body, peer)
            if response is None or response.code != protocol.Result.UNKNOWN_SERVICE_TYPE:
                break
        if response is None:
            raise CommandError(f"the bill pull was not answered with a readable message: is {url} the portal?")
        self._advise(response.code)

        due = None
        if response.code == protocol.Result.SUCCESS:
            record = protocol.child(response.body, "BillsRec", "BillRec")
            due = Decimal(protocol.text(record, "DueAmount"))
            service_type = protocol.text(record, "ServiceType")
            self.stdout.write(
                f"  due {due:.3f} JOD, {service_type}, expires {protocol.text(record, 'ExpiryDate')}, "
                f"payer {protocol.text(record, 'AdditionalInfo', 'CustName')}"
            )
        elif not options["amount"]:
            raise CommandError(
                f"bill pull answered {response.code}; pass --amount to send a notification anyway (it will be queued)"
            )
        try:
            amount = Decimal(options["amount"]) if options["amount"] else due
        except InvalidOperation:
            raise CommandError(f"--amount {options['amount']!r} is not a number") from None

        trx = options["trx"] or new_trx()
        _guid, raw = peer.payment_notification(
            billing_number=number,
            trx=trx,
            paid_amount=amount,
            due_amount=due if due is not None else amount,
            service_type=service_type if due is not None else types[0],
            soap=options["soap"],
        )
        status, body = post(url, protocol.PAYMENT_NOTIFICATION_PATH, raw)
        notification = self._show(f"BLRPMTNTFRQ -> BLRPMTNTFRS (JOEBPPSTrx {trx})", status, body, peer)
        if notification is None:
            raise CommandError("the payment notification was not answered with a readable message")
        self._advise(notification.code)
        if notification.code != protocol.Result.SUCCESS:
            raise CommandError(f"the payment notification was refused: result {notification.code}")
        for row in protocol.children(protocol.child(notification.body, "Transactions"), "TrxInf"):
            self.stdout.write(
                f"  JOEBPPSTrx {protocol.text(row, 'JOEBPPSTrx')}: result {protocol.text(row, 'Result', 'ErrorCode')}"
                f" ({protocol.text(row, 'Result', 'ErrorDesc')})"
            )
        self.stdout.write(self.style.SUCCESS(f"paid {amount:.3f} JOD on {number} with JOEBPPSTrx {trx}"))

    def _advise(self, code: int) -> None:
        advice = ADVICE.get(code)
        if advice:
            sender, biller = settings.EFAWATEERCOM_SENDER_CODE, settings.EFAWATEERCOM_BILLER_CODE
            raise CommandError(f"result {code}: " + advice.format(biller=biller, sender=sender))

    def _show(self, title: str, status: int, body: bytes, peer: Peer):
        self.stdout.write(self.style.MIGRATE_HEADING(f"{title}: HTTP {status}"))
        self.stdout.write(body.decode("utf-8", "replace"))
        try:
            response, verified = peer.read(body)
        except protocol.ProtocolError as exc:
            self.stderr.write(f"  unreadable answer: {exc}")
            return None
        mark = "signature verified" if verified else "SIGNATURE NOT VERIFIED"
        self.stdout.write(f"  result {response.code} ({protocol.RESULT_DESCRIPTION.get(response.code, '?')}), {mark}")
        if not verified:
            sys.stderr.write("  the answer's signature does not verify with the biller's public key\n")
        return response
