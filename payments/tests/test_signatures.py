"""Signatures made once per signed text (issue 20): a bill pull answer's MsgBody depends on the bill only, and
RSASSA-PKCS1-v1_5 is deterministic, so an unchanged bill's answer carries the signature made before (kept in
the process, and on the bill for every process); anything changed is signed afresh. The bytes sent are the
ones signing would make: each test compares them with a fresh signature."""

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from django.db import connection
from django.test.utils import CaptureQueriesContext

from payments.efawateercom import keys, protocol
from payments.efawateercom.protocol import Result
from payments.models import Bill, Message
from payments.tests.factories import BillFactory


class CountingKey:
    """A private key that counts what it signs (the key object is what signatures are kept by)."""

    def __init__(self, key=None):
        self.key = key or keys.generate_private_key()
        self.signed = 0

    def sign(self, data, pad, algorithm):
        self.signed += 1
        return self.key.sign(data, pad, algorithm)

    def public_key(self):
        return self.key.public_key()


def fresh(text: str, key) -> bytes:
    """What signing ``text`` gives, without anything kept."""
    return key.sign(protocol.signed_bytes(text), padding.PKCS1v15(), hashes.SHA256())


@pytest.fixture
def kept():
    signatures = protocol._Signatures(size=3)
    yield signatures


def test_a_text_signed_again_gets_the_same_signature_without_signing(kept):
    key = CountingKey()
    data = protocol.signed_bytes("<MsgBody><RecCount>0</RecCount></MsgBody>")
    first = kept.sign(data, key)
    assert first == fresh("<MsgBody><RecCount>0</RecCount></MsgBody>", key.key)
    assert kept.sign(data, key) == first
    assert key.signed == 1


def test_another_text_or_another_key_is_signed_afresh(kept):
    key, other = CountingKey(), CountingKey()
    kept.sign(protocol.signed_bytes("<MsgBody>1</MsgBody>"), key)
    second = kept.sign(protocol.signed_bytes("<MsgBody>2</MsgBody>"), key)
    by_other = kept.sign(protocol.signed_bytes("<MsgBody>1</MsgBody>"), other)
    assert (key.signed, other.signed) == (2, 1)
    assert second == fresh("<MsgBody>2</MsgBody>", key.key)
    assert by_other == fresh("<MsgBody>1</MsgBody>", other.key)


def test_only_the_most_recently_used_signatures_are_kept(kept):
    key = CountingKey()
    texts = [protocol.signed_bytes(f"<MsgBody>{n}</MsgBody>") for n in range(4)]
    for data in texts:  # size 3: the first is dropped
        kept.sign(data, key)
    kept.sign(texts[3], key)
    assert key.signed == 4
    kept.sign(texts[0], key)
    assert key.signed == 5


def test_a_known_signature_is_used_only_if_it_is_this_texts_by_this_key(kept):
    key = CountingKey()
    text = "<MsgBody><DueAmount>15.000</DueAmount></MsgBody>"
    right = fresh(text, key.key)
    assert kept.sign(protocol.signed_bytes(text), key, known=right) == right
    assert key.signed == 0

    kept.clear()
    stale = fresh("<MsgBody><DueAmount>20.000</DueAmount></MsgBody>", key.key)  # the bill changed since
    assert kept.sign(protocol.signed_bytes(text), key, known=stale) == right
    kept.clear()
    other_key = fresh(text, keys.generate_private_key())  # the key was rotated since
    assert kept.sign(protocol.signed_bytes(text), key, known=other_key) == right
    kept.clear()
    assert kept.sign(protocol.signed_bytes(text), key, known=b"\x00" * 256) == right
    assert key.signed == 3


# --- through the endpoint ------------------------------------------------------------------------------


@pytest.fixture
def counting_biller_key(monkeypatch, efawateercom):
    """The portal's signing key, counting; nothing kept in the process from other tests."""
    key = CountingKey(keys.biller_private_key())
    monkeypatch.setattr(keys, "biller_private_key", lambda: key)
    protocol.signatures.clear()
    yield key
    protocol.signatures.clear()


def kept_with_signature() -> list[str]:
    """The statements that store a message and its bill's new signature: one on PostgreSQL."""
    return ["WITH"] if connection.vendor == "postgresql" else ["INSERT", "UPDATE"]


def pull(client, efawateercom, bill):
    _guid, raw = efawateercom.bill_pull(billing_number=bill.billing_number, service_type=bill.service_type)
    with CaptureQueriesContext(connection) as queries:
        http = client.post(protocol.BILL_PULL_PATH, data=raw, content_type=protocol.CONTENT_TYPE)
    response, verified = efawateercom.read(http.content)
    assert http.status_code == 200 and response.code == Result.SUCCESS and verified
    return response, [q["sql"].split()[0].upper() for q in queries.captured_queries]


@pytest.mark.django_db(transaction=True)
def test_a_bill_pulled_again_by_any_process_is_answered_with_its_kept_signature(
    client, efawateercom, counting_biller_key
):
    bill = BillFactory()
    first, statements = pull(client, efawateercom, bill)
    assert counting_biller_key.signed == 1
    assert statements == ["SELECT", *kept_with_signature()]  # the message and the bill's signature
    assert bytes(Bill.objects.get(pk=bill.pk).pull_signature) == first.signature
    assert first.signature == fresh(first.body_text, counting_biller_key.key)

    protocol.signatures.clear()  # another process (worker, node): only the bill's copy is there
    again, statements = pull(client, efawateercom, bill)
    assert counting_biller_key.signed == 1
    assert statements == ["SELECT", "INSERT"]  # nothing new to keep on the bill
    assert (again.body_text, again.signature) == (first.body_text, first.signature)
    assert again.guid != first.guid and Message.objects.filter(kind="bill_pull").count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_changed_bill_is_signed_afresh_and_the_new_signature_kept(client, efawateercom, counting_biller_key):
    bill = BillFactory(payer_name="سامي")
    first, _ = pull(client, efawateercom, bill)
    Bill.objects.filter(pk=bill.pk).update(payer_name="سامية")
    protocol.signatures.clear()
    changed, statements = pull(client, efawateercom, bill)
    assert counting_biller_key.signed == 2
    assert "سامية" in changed.body_text and changed.signature != first.signature
    assert changed.signature == fresh(changed.body_text, counting_biller_key.key)
    assert statements == ["SELECT", *kept_with_signature()]
    assert bytes(Bill.objects.get(pk=bill.pk).pull_signature) == changed.signature


@pytest.mark.django_db(transaction=True)
def test_after_a_key_rotation_the_bill_is_signed_with_the_new_key(client, efawateercom, monkeypatch):
    protocol.signatures.clear()
    bill = BillFactory()
    before, _ = pull(client, efawateercom, bill)
    new_key = keys.generate_private_key()
    monkeypatch.setattr(keys, "biller_private_key", lambda: new_key)
    efawateercom.verifying_key = new_key.public_key()
    after, _ = pull(client, efawateercom, bill)  # pull() checks it verifies with the new key
    assert after.body_text == before.body_text and after.signature != before.signature
    assert bytes(Bill.objects.get(pk=bill.pk).pull_signature) == after.signature
