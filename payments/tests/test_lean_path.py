"""The biller endpoints on the lean path (issue 20): no session, no user, no cookie; two queries per bill
pull; signatures still checked and every message still stored, committed before the answer."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import UserFactory
from payments.efawateercom import protocol
from payments.efawateercom.protocol import Result
from payments.models import Message
from payments.tests.factories import BillFactory
from payments.tests.test_signatures import kept_with_signature

PULL = protocol.BILL_PULL_PATH
NOTIFY = protocol.PAYMENT_NOTIFICATION_PATH


def signed_in_client() -> Client:
    client = Client()
    client.force_login(UserFactory())
    return client


def post(client, raw, path=PULL):
    return client.post(path, data=raw, content_type=protocol.CONTENT_TYPE)


@pytest.mark.django_db(transaction=True)
def test_bill_pull_is_one_lookup_and_one_insert_even_with_a_session_cookie(efawateercom):
    bill = BillFactory()
    client = signed_in_client()  # a session cookie on the request: not even read
    _guid, raw = efawateercom.bill_pull(billing_number=bill.billing_number, service_type=bill.service_type)
    with CaptureQueriesContext(connection) as queries:
        http = post(client, raw)
    assert efawateercom.read(http.content)[0].code == Result.SUCCESS
    statements = [q["sql"].split()[0].upper() for q in queries.captured_queries]
    # The look-up, then the message (with the bill's new signature: test_signatures) in one statement.
    assert statements == ["SELECT", *kept_with_signature()], [q["sql"][:80] for q in queries.captured_queries]
    assert not any("django_session" in q["sql"] or "accounts_user" in q["sql"] for q in queries.captured_queries)
    # Autocommit: the message is committed (durable) when the answer leaves, not left in a transaction.
    assert not connection.in_atomic_block
    assert Message.objects.get(kind="bill_pull").response == http.content


@pytest.mark.django_db
@pytest.mark.parametrize("path", [PULL, NOTIFY])
def test_biller_endpoints_set_no_cookie_and_touch_no_session(efawateercom, owner, path):
    bill = BillFactory()
    client = signed_in_client()
    if path == PULL:
        _guid, raw = efawateercom.bill_pull(billing_number=bill.billing_number, service_type=bill.service_type)
    else:
        _guid, raw = efawateercom.payment_notification(
            billing_number=bill.billing_number, trx="lean-1", paid_amount=bill.amount, service_type=bill.service_type
        )
    http = post(client, raw, path)
    assert http.status_code == 200
    assert not http.cookies, "no session, CSRF or language cookie"
    assert "Cookie" not in http.get("Vary", ""), "the session was not even read"
    assert not hasattr(http.wsgi_request, "session") and not hasattr(http.wsgi_request, "user")
    # The headers every answer carries are still there.
    assert http["X-Request-ID"] and http["X-Content-Type-Options"] == "nosniff"
    assert http["X-Frame-Options"] == "DENY" and "Content-Security-Policy" in http
    assert Message.objects.count() == 1


@pytest.mark.django_db
def test_pages_still_go_through_the_full_stack():
    http = signed_in_client().get("/payments/bills/")
    assert http.status_code == 200 and hasattr(http.wsgi_request, "user") and http.wsgi_request.user.is_authenticated


@pytest.mark.django_db
@pytest.mark.parametrize("path", [PULL, NOTIFY])
def test_lean_path_still_refuses_a_bad_signature_and_keeps_nothing(efawateercom, owner, path, caplog):
    bill = BillFactory()
    if path == PULL:
        _guid, raw = efawateercom.bill_pull(billing_number=bill.billing_number, service_type=bill.service_type)
    else:
        _guid, raw = efawateercom.payment_notification(
            billing_number=bill.billing_number, trx="lean-2", paid_amount=bill.amount, service_type=bill.service_type
        )
    # Another last digit (a fixed "0" was no change at all for one bill in ten).
    other = bill.billing_number[:-1] + str((int(bill.billing_number[-1]) + 1) % 10)
    tampered = raw.replace(bill.billing_number.encode(), other.encode(), 1)
    assert tampered != raw
    http = post(signed_in_client(), tampered, path)
    assert efawateercom.read(http.content)[0].code == Result.INVALID_SIGNATURE
    assert not Message.objects.exists()
    assert "refused" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_every_bill_pull_is_stored_with_its_answer_and_a_retry_is_answered_from_it(efawateercom):
    bills = BillFactory.create_batch(3)
    answers = []
    for bill in bills:
        _guid, raw = efawateercom.bill_pull(billing_number=bill.billing_number, service_type=bill.service_type)
        answers.append((raw, post(Client(), raw).content))
    _guid, unknown = efawateercom.bill_pull(billing_number="1000326480166", service_type="TrafficViolations")
    answers.append((unknown, post(Client(), unknown).content))
    stored = {bytes(m.request): bytes(m.response) for m in Message.objects.all()}
    assert stored == dict(answers)
    raw, first = answers[0]
    assert post(Client(), raw).content == first
    assert Message.objects.count() == 4


def _kill_the_connection() -> None:
    """As a database restart does to a persistent connection: PostgreSQL ends its backend."""
    import psycopg
    from django.conf import settings

    pid = connection.connection.info.backend_pid
    db = settings.DATABASES["default"]
    with psycopg.connect(
        host=db["HOST"], port=db["PORT"] or 5432, user=db["USER"], dbname=db["NAME"], autocommit=True
    ) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", [PULL, NOTIFY])
def test_a_message_on_a_connection_the_database_dropped_is_answered_once_on_a_new_one(efawateercom, owner, path):
    """No "SELECT 1" before every message (Django's health check, a third round trip): a connection found
    dead by the message's own first query is replaced and the message answered, once, on the first try."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL ends the connection")
    bill = BillFactory()
    client = Client()
    first_bill = BillFactory()
    _guid, warm = efawateercom.bill_pull(billing_number=first_bill.billing_number, service_type=first_bill.service_type)
    assert post(client, warm).status_code == 200  # the persistent connection is open and used
    _kill_the_connection()
    if path == PULL:
        guid, raw = efawateercom.bill_pull(billing_number=bill.billing_number, service_type=bill.service_type)
    else:
        guid, raw = efawateercom.payment_notification(
            billing_number=bill.billing_number, trx="lost-1", paid_amount=bill.amount, service_type=bill.service_type
        )
    http = post(client, raw, path)
    assert http.status_code == 200 and efawateercom.read(http.content)[0].code == Result.SUCCESS
    assert Message.objects.filter(guid=guid).count() == 1
    if path == NOTIFY:
        bill.refresh_from_db()
        assert bill.status == "paid"
