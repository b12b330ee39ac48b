"""Paying bills in tests the way eFAWATEERcom does: a signed notification through the real view.

    from payments.testing import pay_bill
    payment = pay_bill(bill)            # applied; the owner's handler has run
    pay_bill(bill, trx=payment.trx)     # a replay: changes nothing

The keys are a throw-away pair made once per test process; the settings point at them only while a
helper runs, so tests need no fixture.
"""

import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.test import Client, override_settings

from payments.efawateercom import keys, protocol
from payments.efawateercom.peer import Peer, new_trx
from payments.models import Bill, Payment


@dataclass(frozen=True)
class KeysForTests:
    peer_private: object
    peer_public_path: str
    biller_private_path: str
    biller_public: object


@lru_cache(maxsize=1)
def keys_for_tests() -> KeysForTests:
    folder = Path(tempfile.mkdtemp(prefix="efawateercom-test-keys-"))
    peer = keys.generate_private_key()
    biller = keys.generate_private_key()
    (folder / "peer-public.pem").write_bytes(keys.public_pem(peer))
    (folder / "biller-private.pem").write_bytes(keys.private_pem(biller))
    return KeysForTests(
        peer_private=peer,
        peer_public_path=str(folder / "peer-public.pem"),
        biller_private_path=str(folder / "biller-private.pem"),
        biller_public=biller.public_key(),
    )


def settings_for_tests() -> dict:
    k = keys_for_tests()
    return {
        "EFAWATEERCOM_PEER_PUBLIC_KEY": k.peer_public_path,
        "EFAWATEERCOM_BILLER_PRIVATE_KEY": k.biller_private_path,
    }


@contextmanager
def efawateercom_test_keys():
    with override_settings(**settings_for_tests()):
        yield keys_for_tests()


def peer_for_tests() -> Peer:
    k = keys_for_tests()
    return Peer(
        signing_key=k.peer_private,
        verifying_key=k.biller_public,
        sender_code=settings.EFAWATEERCOM_SENDER_CODE,
        biller_code=settings.EFAWATEERCOM_BILLER_CODE,
    )


class PaymentRefusedError(AssertionError):
    pass


def post_signed(client: Client, path: str, raw: bytes):
    return client.post(path, data=raw, content_type=protocol.CONTENT_TYPE)


def pay_bill(
    bill: Bill,
    *,
    trx: str | None = None,
    amount: Decimal | None = None,
    client: Client | None = None,
    processed_at: datetime | None = None,
) -> Payment:
    """Post a signed payment notification for ``bill`` to the real endpoint and return the stored
    payment (applied, replayed or queued: check ``payment.state``). ``amount`` defaults to the bill's;
    ``processed_at`` is the bank's ProcessDate (default: now)."""
    client = client or Client()
    trx = trx or new_trx()
    with efawateercom_test_keys():
        peer = peer_for_tests()
        _guid, raw = peer.payment_notification(
            billing_number=bill.billing_number,
            trx=trx,
            paid_amount=bill.amount if amount is None else Decimal(amount),
            due_amount=bill.amount,
            service_type=bill.service_type,
            processed_at=processed_at,
        )
        http = post_signed(client, protocol.PAYMENT_NOTIFICATION_PATH, raw)
        response, verified = peer.read(http.content)
    if http.status_code != 200 or response.code != protocol.Result.SUCCESS or not verified:
        raise PaymentRefusedError(f"notification refused: HTTP {http.status_code}, code {response.code}")
    bill.refresh_from_db()
    return Payment.objects.get(trx=trx)
