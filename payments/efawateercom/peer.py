"""The eFAWATEERcom side of the conversation, for the local simulator, tests and benchmarks.

It builds signed requests exactly as the network would and reads signed answers; the portal's own
endpoints never use it.
"""

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone

from payments.efawateercom import protocol


@dataclass
class Peer:
    signing_key: object  # eFAWATEERcom's private key
    verifying_key: object | None  # the biller's public key
    sender_code: str
    biller_code: str

    def _message(self, *, req_type: str, body, guid: str | None, soap: bool) -> tuple[str, bytes]:
        guid = guid or str(uuid.uuid4())
        raw = protocol.build_message(
            msg_type=req_type,
            guid=guid,
            sender=self.sender_code,
            receiver=self.biller_code,
            body=body,
            private_key=self.signing_key,
            timestamp=timezone.now(),
            soap_operation=protocol.SOAP_OPERATION[req_type] if soap else "",
        )
        return guid, raw

    def bill_pull(self, *, billing_number: str, service_type: str, guid: str | None = None, soap: bool = False):
        body = protocol.bill_pull_request_body(billing_number=billing_number, service_type=service_type)
        return self._message(req_type=protocol.BILL_PULL_REQUEST, body=body, guid=guid, soap=soap)

    def payment_notification(
        self,
        *,
        billing_number: str,
        trx: str,
        paid_amount: Decimal,
        due_amount: Decimal | None = None,
        service_type: str,
        processed_at: datetime | None = None,
        stmt_date: date | None = None,
        guid: str | None = None,
        soap: bool = False,
    ):
        processed_at = processed_at or timezone.now()
        body = protocol.payment_request_body(
            billing_number=billing_number,
            biller_code=self.biller_code,
            trx=trx,
            paid_amount=paid_amount,
            due_amount=paid_amount if due_amount is None else due_amount,
            service_type=service_type,
            processed_at=processed_at,
            stmt_date=stmt_date or timezone.localdate(processed_at),
        )
        return self._message(req_type=protocol.PAYMENT_NOTIFICATION_REQUEST, body=body, guid=guid, soap=soap)

    def read(self, raw: bytes) -> tuple[protocol.Response, bool]:
        """The parsed answer and whether its signature verifies with the biller's key."""
        response = protocol.parse_response(raw)
        verified = self.verifying_key is not None and response.verified_by(self.verifying_key)
        return response, verified


def new_trx() -> str:
    """A transaction id shaped like eFAWATEERcom's (digits), unique enough for tests and demos."""
    return str(uuid.uuid4().int)[:20]
