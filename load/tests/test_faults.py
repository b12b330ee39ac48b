"""Faults, with real processes: a Celery worker killed mid-send, Redis stopped, PostgreSQL restarted.

Every server a test stops is one it started itself (a private redis-server, a throwaway PostgreSQL
cluster); the machine's shared Redis and PostgreSQL are only used for the test database.
"""

import subprocess
import time
from decimal import Decimal

import pytest
from celery import Celery
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from accounts.tests.factories import UserFactory
from load.client import Session
from load.procs import PG_BIN, CeleryWorker, Gunicorn, PostgresCluster, wait_for
from load.tests.conftest import database_url
from notifications.models import Notification
from payments.constants import BillStatus, PaymentState
from payments.efawateercom import protocol
from payments.efawateercom.peer import new_trx
from payments.models import Bill, Message, Payment
from payments.testing import peer_for_tests
from violations import billing
from violations.tests.factories import VehicleFactory, ViolationFactory

pytestmark = [pytest.mark.slow]

PASSWORD = "fault-Test-pass-1"


def _sender(redis_url: str) -> Celery:
    """A bare Celery client that puts tasks on the test broker by name (what notify() and beat do)."""
    return Celery("fault-test-sender", broker=redis_url, set_as_current=False)


def _queued_sms(n: int, prefix: str) -> list[Notification]:
    user = UserFactory()
    return [
        Notification.objects.create(
            recipient=user, mobile=user.mobile, text=f"{prefix} {i}", dedupe_key=f"{prefix}:{i}", language="ar"
        )
        for i in range(n)
    ]


def _wait_all_sent(ids, timeout=60):
    wait_for(
        lambda: Notification.objects.filter(pk__in=ids).exclude(status=Notification.Status.SENT).count() == 0,
        timeout=timeout,
        what="every SMS sent",
    )


def _person_with_bill():
    """A signed-up person (a password gunicorn's hashers read) with a vehicle, violations and an open bill."""
    user = UserFactory()
    user.password = PBKDF2PasswordHasher().encode(PASSWORD, "faultsalt", iterations=1000)
    user.save(update_fields=["password"])
    vehicle = VehicleFactory()
    violations = [ViolationFactory(vehicle=vehicle, amount=Decimal("20.000")) for _ in range(2)]
    bills = billing.statement_bills(
        violations=violations, payer=user, payer_name=user.full_name_ar, title_ar="مخالفات", title_en="Violations"
    )
    return user, vehicle, Bill.objects.get(billing_number=bills.all)


def _notification(bill: Bill, trx: str, *, guid: str | None = None):
    return peer_for_tests().payment_notification(
        billing_number=bill.billing_number,
        trx=trx,
        paid_amount=bill.amount,
        due_amount=bill.amount,
        service_type=bill.service_type,
        guid=guid,
    )


def _post_notification(port: int, raw: bytes):
    return Session(port, timeout=30).request(
        "POST", protocol.PAYMENT_NOTIFICATION_PATH, body=raw, headers={"Content-Type": protocol.CONTENT_TYPE}
    )


def _sign_in(port: int, user) -> Session:
    session = Session(port, timeout=30)
    session.get("/accounts/login/")
    reply = session.post_form("/accounts/login/", {"login": user.national_id, "password": PASSWORD})
    assert reply.status == 302, reply.body[:500]
    return session


# --- (a) the worker killed in the middle of sending ----------------------------------------------------


def test_worker_killed_mid_send_every_sms_goes_out_exactly_once_after_restart(
    fault_env, private_redis, gateway, tmp_path
):
    env = {
        **fault_env,
        "REDIS_URL": private_redis.url,
        "CELERY_TASK_ALWAYS_EAGER": "False",
        # A killed worker's unacknowledged task comes back after this many seconds (production: 2 h).
        "CELERY_VISIBILITY_TIMEOUT": "3",
        "LOAD_SMS_RECOVER_AFTER": "2",
    }
    messages = _queued_sms(5, "kill")
    ids = [m.pk for m in messages]
    sender = _sender(private_redis.url)
    gateway.hold.set()  # the gateway takes the first message and keeps the worker waiting for its answer
    worker = CeleryWorker(env=env, workdir=tmp_path, concurrency=1, name="doomed")
    try:
        for pk in ids:
            sender.send_task("services.tasks.send_notification", args=[pk])
        assert gateway.holding.wait(60), "the worker never reached the gateway"
        worker.kill()  # SIGKILL in the middle of the HTTP call: no answer read, no ack, no status written
    finally:
        worker.kill()
    gateway.hold.clear()
    gateway.release.set()
    interrupted = Notification.objects.get(status=Notification.Status.SENDING)
    assert sum(gateway.attempts.values()) == 1

    worker = CeleryWorker(env=env, workdir=tmp_path, concurrency=1, name="restarted")
    try:
        time.sleep(2.5)  # past the recovery cutoff of the interrupted one
        sender.send_task("services.tasks.notifications_recover_sweep")  # what beat does every five minutes
        _wait_all_sent(ids)
    finally:
        worker.stop()

    references = [f"n{pk}" for pk in ids]
    # Every message reached a phone exactly once; the interrupted one was sent again under its own
    # reference, which the gateway recognised.
    assert [gateway.delivered[r] for r in references] == [1] * len(ids)
    assert gateway.attempts[f"n{interrupted.pk}"] == 2
    assert sum(gateway.attempts.values()) == len(ids) + 1
    assert set(Notification.objects.filter(pk__in=ids).values_list("status", flat=True)) == {"sent"}


# --- (b) Redis stopped ------------------------------------------------------------------------------


def test_redis_stopped_pages_serve_payments_are_recorded_and_sms_go_out_when_it_returns(
    fault_env, private_redis, gateway, tmp_path, catalogue
):
    env = {
        **fault_env,
        "REDIS_URL": private_redis.url,
        "CELERY_TASK_ALWAYS_EAGER": "False",
        "CACHE_KEY_PREFIX": "fault",
        "LOAD_SMS_RECOVER_AFTER": "1",
    }
    user, vehicle, bill = _person_with_bill()
    server = Gunicorn(env=env, workdir=tmp_path, workers=1)
    worker = CeleryWorker(env=env, workdir=tmp_path, concurrency=1, name="redis-fault")
    try:
        session = _sign_in(server.port, user)
        assert session.get("/violations/").status == 200

        private_redis.stop()

        started = time.monotonic()
        assert Session(server.port).get("/").status == 200
        assert Session(server.port).get("/services/traffic-violations/").status == 200
        # A signed-in inquiry still counts against its rate limits, which cannot count now: it is served.
        reply = session.post_form(
            "/violations/vehicle/",
            {
                "plate_code": vehicle.plate_code,
                "plate_number": vehicle.plate_number,
                "registration_number": vehicle.registration_number,
            },
        )
        assert reply.status == 200 and b'id="violations-count"' in reply.body  # answered with the statement
        assert session.get("/violations/statement/").status == 200
        # The payment is recorded and applied; only its SMS waits, stored and queued.
        trx = new_trx()
        _guid, raw = _notification(bill, trx)
        reply = _post_notification(server.port, raw)
        assert reply.status == 200
        assert protocol.parse_response(reply.body).code == protocol.Result.SUCCESS
        health = Session(server.port).get("/healthz")
        assert health.status == 503 and b'"degraded"' in health.body
        assert time.monotonic() - started < 30, "requests were held while Redis was down"

        payment = Payment.objects.get(trx=trx)
        assert payment.state == PaymentState.APPLIED
        bill.refresh_from_db()
        assert bill.status == BillStatus.PAID
        sms = Notification.objects.get(dedupe_key=f"payments:{payment.pk}:received")
        assert sms.status == Notification.Status.QUEUED
        log = server.log.read_text(errors="replace")
        assert "cache unavailable" in log
        assert "broker unavailable" in log

        private_redis.start()  # same port, empty: whatever was queued in it is gone
        time.sleep(1.5)
        wait_for(lambda: Session(server.port).get("/healthz").status == 200, timeout=30, what="healthy again")
        _sender(private_redis.url).send_task("services.tasks.notifications_recover_sweep")
        _wait_all_sent([sms.pk])
    finally:
        server.stop()
        worker.stop()
    assert gateway.delivered[f"n{sms.pk}"] == 1
    assert sum(gateway.attempts.values()) == 1
    assert Payment.objects.filter(trx=trx).count() == 1


# --- (c) the database restarted ------------------------------------------------------------------------


@pytest.fixture
def own_postgres(transactional_db):
    if not (PG_BIN / "initdb").exists():
        pytest.skip("no PostgreSQL 15 binaries to start a private cluster")
    cluster = PostgresCluster()
    yield cluster
    cluster.cleanup()


def test_database_restart_fails_requests_cleanly_and_recovers_without_restarting_the_web(
    fault_env, own_postgres, tmp_path, catalogue
):
    _user, _vehicle, bill = _person_with_bill()
    # The test database (schema and rows) copied into the private cluster, which we may stop at will.
    subprocess.run(
        [str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(own_postgres.port), "-U", "postgres", "portal"],
        check=True,
    )
    dump = subprocess.run(["pg_dump", "--no-owner", database_url()], check=True, capture_output=True).stdout
    subprocess.run(
        ["psql", "-q", "-v", "ON_ERROR_STOP=1", f"postgres://postgres@127.0.0.1:{own_postgres.port}/portal"],
        input=dump,
        check=True,
        capture_output=True,
    )
    env = {**fault_env, "DATABASE_URL": f"postgres://postgres@127.0.0.1:{own_postgres.port}/portal"}
    server = Gunicorn(env=env, workdir=tmp_path, workers=1)
    try:
        assert Session(server.port).get("/").status == 200  # a persistent connection is open now

        own_postgres.stop("immediate")  # as a crash: no goodbye to the connections

        trx = new_trx()
        guid, raw = _notification(bill, trx)
        started = time.monotonic()
        page = Session(server.port).get("/")
        assert page.status == 503  # the generic error page, "come back later"
        assert page.headers["Retry-After"] == "30"
        assert b"Traceback" not in page.body
        assert _post_notification(server.port, raw).status == 503  # eFAWATEERcom will retry
        assert time.monotonic() - started < 30

        own_postgres.start()
        # The same gunicorn, never restarted: its next requests get fresh connections.
        wait_for(lambda: Session(server.port).get("/").status == 200, timeout=30, what="pages again")
        assert Session(server.port).get("/services/traffic-violations/").status == 200

        import psycopg

        with psycopg.connect(env["DATABASE_URL"].replace("postgres://", "postgresql://")) as conn:
            # Nothing of the refused notification was kept: no message, no payment, the bill still open.
            assert conn.execute("SELECT count(*) FROM payments_message WHERE guid = %s", [guid]).fetchone()[0] == 0
            assert conn.execute("SELECT count(*) FROM payments_payment WHERE trx = %s", [trx]).fetchone()[0] == 0
            status = conn.execute("SELECT status FROM payments_bill WHERE id = %s", [bill.pk]).fetchone()[0]
            assert status == BillStatus.OPEN
            # eFAWATEERcom's retry of the same request is processed afresh, once.
            reply = _post_notification(server.port, raw)
            assert reply.status == 200
            assert protocol.parse_response(reply.body).code == protocol.Result.SUCCESS
            assert _post_notification(server.port, raw).status == 200  # and its replay changes nothing
            rows = conn.execute("SELECT state FROM payments_payment WHERE trx = %s", [trx]).fetchall()
            assert rows == [(PaymentState.APPLIED,)]
            status = conn.execute("SELECT status FROM payments_bill WHERE id = %s", [bill.pk]).fetchone()[0]
            assert status == BillStatus.PAID
    finally:
        server.stop()
    assert Message.objects.filter(guid=guid).count() == 0  # the shared test database was never touched
