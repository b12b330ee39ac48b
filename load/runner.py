# Kept whole: one load run from start to checks; its stages read in the order they happen.
"""``make load``: the whole portal under a bounded mixed load, then proof that nothing was lost or doubled.

It starts, on this machine: a throwaway PostgreSQL database (``load_portal_<pid>`` on the server of
``LOAD_DATABASE_URL``, default ``postgres://postgres@127.0.0.1:5432/postgres``, dropped afterwards), a
Redis db of its own (``LOAD_REDIS_URL``, default db 15 on 127.0.0.1:6379, flushed afterwards), a fake
SMS gateway that records every send, a Celery worker (not eager) and gunicorn with ``load.settings``.
It seeds users, vehicles and licences with violations, and open bills; signs the users in; then for
``--duration`` seconds (default 60) ``--clients`` threads (default 8) each play a mix of:

- ``inquiry``/``statement``: a vehicle or licence inquiry by a signed-in person, then the statement;
- ``page``/``page-user``: public pages (home, service cards, verification, /healthz) and own pages;
- ``bill-pull``: a signed eFAWATEERcom BILPULRQ for a seeded bill (or an unknown number);
- ``payment``: a signed payment notification paying one seeded bill once (sometimes sent twice at
  the same moment, as a network retry racing the original);
- ``replay``: a notification already answered sent again, byte for byte (same GUID) or re-signed
  under a new GUID with the same JOEBPPSTrx.

Afterwards it resends any notification that got no success answer (as eFAWATEERcom retries), waits
for the worker to send every SMS, and checks: every JOEBPPSTrx sent is recorded once and applied
once, every paid bill is paid by exactly one payment and its violations are paid, every payment SMS
was queued once, sent once and reached the gateway once. It prints throughput and p50/p95/p99 per
kind of request and the errors by kind, and exits 1 if any check fails (or errors exceed
``--max-error-rate``).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from load.client import Recorder, Session
from load.gateway import SmsGateway
from load.procs import CeleryWorker, Gunicorn

DEFAULT_DB_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"

WEIGHTS = {
    "inquiry": 30,
    "page": 15,
    "page-user": 15,
    "bill-pull": 15,
    "payment": 15,
    "replay": 10,
}


def _parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m load", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--duration",
        type=float,
        default=float(os.environ["LOAD_DURATION"]) if os.environ.get("LOAD_DURATION") else None,
        help="seconds of load (default 60; with --nodes, of each phase: default 30)",
    )
    parser.add_argument(
        "--nodes",
        default=None,
        help="web nodes behind HAProxy on a shared S3 server: 2 (or 1,2) runs 1 node, 2 nodes, then 2 with one "
        "killed (load/phases.py); without it, one gunicorn served directly",
    )
    parser.add_argument("--clients", type=int, default=int(os.environ.get("LOAD_CLIENTS", 8)))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("LOAD_WORKERS", 3)), help="gunicorn")
    parser.add_argument("--celery-concurrency", type=int, default=int(os.environ.get("LOAD_CELERY_CONCURRENCY", 2)))
    parser.add_argument(
        "--vehicles",
        type=int,
        default=int(os.environ["LOAD_VEHICLES"]) if os.environ.get("LOAD_VEHICLES") else None,
        help="default 600; with --nodes 1600 (bills enough to pay through every phase)",
    )
    parser.add_argument("--max-error-rate", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--keep", action="store_true", help="keep the database and logs (for debugging)")
    args = parser.parse_args(argv)
    if args.duration is None:
        args.duration = 30.0 if args.nodes else 60.0
    if args.vehicles is None:
        args.vehicles = 1600 if args.nodes else 600
    return args


# --- environment -------------------------------------------------------------------------------------


@dataclass
class Environment:
    workdir: Path
    admin_url: str
    database: str
    redis_url: str
    env: dict = field(default_factory=dict)


def _pg(url: str):
    import psycopg

    parts = urlsplit(url)
    return psycopg.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username or None,
        password=parts.password or None,
        dbname=(parts.path or "/postgres").lstrip("/") or "postgres",
        autocommit=True,
    )


def _redis_db(url: str):
    import redis

    return redis.Redis.from_url(url, socket_connect_timeout=2)


def prepare(args) -> Environment:
    """Before Django is imported: database, Redis db, keys, and the environment every process shares."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    workdir = Path(tempfile.mkdtemp(prefix="portal-load-"))
    admin_url = os.environ.get("LOAD_DATABASE_URL", DEFAULT_DB_ADMIN_URL)
    redis_url = os.environ.get("LOAD_REDIS_URL", DEFAULT_REDIS_URL)
    keys = _redis_db(redis_url).dbsize()
    if keys:
        raise SystemExit(f"load: {redis_url} holds {keys} keys: choose a free Redis db with LOAD_REDIS_URL")
    database = f"load_portal_{os.getpid()}"
    with _pg(admin_url) as conn:
        conn.execute(f'CREATE DATABASE "{database}"')
    environment = Environment(workdir=workdir, admin_url=admin_url, database=database, redis_url=redis_url)

    pem = {}
    for name in ("peer", "biller"):
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem[name] = workdir / f"{name}-private.pem"
        pem[name].write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
    environment.env = {
        "DJANGO_SETTINGS_MODULE": "load.settings",
        # portal.settings is read with DEBUG on (development secrets, plain static storage); load.settings
        # then turns DEBUG off.
        "DEBUG": "True",
        "DATABASE_URL": urlsplit(admin_url)._replace(path=f"/{database}").geturl(),
        "CONN_MAX_AGE": "60",
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": redis_url,
        "CELERY_TASK_ALWAYS_EAGER": "False",
        "CACHE_KEY_PREFIX": f"load{os.getpid()}",
        "SMS_BACKEND": "http",
        "SMS_HTTP_URL": "http://127.0.0.1:9/unset",  # replaced once the gateway listens
        "DATA_DIR": str(workdir / "data"),
        "EFAWATEERCOM_PEER_PUBLIC_KEY": str(pem["peer"]),  # its public half verifies requests
        "EFAWATEERCOM_BILLER_PRIVATE_KEY": str(pem["biller"]),
        "LOG_LEVEL": "WARNING",
        "LOAD_RATE": os.environ.get("LOAD_RATE", "1000000/h"),
    }
    os.environ.pop("DATABASE_TEST_NAME", None)
    os.environ.update(environment.env)
    return environment


def teardown(environment: Environment, *, keep: bool) -> None:
    from contextlib import suppress

    with suppress(Exception):
        from django.db import connections

        connections.close_all()
    if keep:
        print(f"load: kept database {environment.database} and {environment.workdir}")
        return
    try:
        with _pg(environment.admin_url) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{environment.database}" WITH (FORCE)')
    except Exception as exc:  # reported, not fatal
        print(f"load: could not drop database {environment.database}: {exc}", file=sys.stderr)
    with suppress(Exception):
        _redis_db(environment.redis_url).flushdb()
    shutil.rmtree(environment.workdir, ignore_errors=True)


# --- the simulated people and eFAWATEERcom -----------------------------------------------------------


@dataclass
class Sent:
    """One payment (JOEBPPSTrx) as eFAWATEERcom sent it."""

    trx: str
    billing_number: str
    raw: bytes
    confirmed: bool = False


class Scenario:
    def __init__(self, *, port: int, seeded, peer, rng: random.Random, recorder: Recorder):
        self.port = port
        self.seeded = seeded
        self.peer = peer
        self.rng = rng
        self.recorder = recorder
        self.lock = threading.Lock()
        self.unpaid = list(seeded.targets)
        self.sent: dict[str, Sent] = {}
        self.all_numbers = [t.billing_number for t in seeded.targets]

    # eFAWATEERcom ------------------------------------------------------------------------------------
    def _post_xml(self, path: str, raw: bytes):
        from payments.efawateercom import protocol

        return Session(self.port).request("POST", path, body=raw, headers={"Content-Type": protocol.CONTENT_TYPE})

    def _answer_code(self, reply) -> int | str:
        """The answer's result code, once its signature verifies with the biller's key (else a reason)."""

        try:
            response, verified = self.peer.read(reply.body)
        except Exception:
            return "unreadable answer"
        return response.code if verified else "answer signature not verified"

    def bill_pull(self, rng):
        from payments.efawateercom import protocol

        if rng.random() < 0.1:
            number, expected = self._unknown_number(rng), {protocol.Result.BILL_NOT_FOUND}
        else:
            number = rng.choice(self.all_numbers)
            expected = {protocol.Result.SUCCESS, protocol.Result.BILL_PAID, protocol.Result.BILL_EXPIRED_OR_CLOSED}
        _guid, raw = self.peer.bill_pull(billing_number=number, service_type=protocol.ServiceType.TRAFFIC_VIOLATIONS)

        def call():
            reply = self._post_xml(protocol.BILL_PULL_PATH, raw)
            if reply.status != 200:
                return f"HTTP {reply.status}"
            code = self._answer_code(reply)
            return "" if code in expected else str(code) if isinstance(code, str) else f"result {code}"

        self.recorder.timed("bill-pull", call)

    def _unknown_number(self, rng) -> str:
        from payments.billing_numbers import billing_number_new

        return billing_number_new()  # valid check digit, almost surely never issued

    def _notify(self, sent: Sent, kind: str, raw: bytes | None = None) -> str:
        from payments.efawateercom import protocol

        def call():
            reply = self._post_xml(protocol.PAYMENT_NOTIFICATION_PATH, raw or sent.raw)
            if reply.status != 200:
                return f"HTTP {reply.status}"
            code = self._answer_code(reply)
            if code != protocol.Result.SUCCESS:
                return str(code) if isinstance(code, str) else f"result {code}"
            sent.confirmed = True
            return ""

        return self.recorder.timed(kind, call)

    def payment(self, rng):
        from payments.efawateercom.peer import new_trx

        with self.lock:
            target = self.unpaid.pop() if self.unpaid else None
        if target is None:
            return self.replay(rng)
        trx = new_trx()
        _guid, raw = self.peer.payment_notification(
            billing_number=target.billing_number,
            trx=trx,
            paid_amount=target.amount,
            due_amount=target.amount,
            service_type=target.service_type,
        )
        sent = Sent(trx=trx, billing_number=target.billing_number, raw=raw)
        with self.lock:
            self.sent[trx] = sent
        if rng.random() < 0.15:
            # The network's retry racing its original: the same bytes at the same moment.
            twin = threading.Thread(target=self._notify, args=(sent, "replay"))
            twin.start()
            self._notify(sent, "payment")
            twin.join()
        else:
            self._notify(sent, "payment")

    def replay(self, rng):
        with self.lock:
            done = [s for s in self.sent.values() if s.confirmed]
        if not done:
            return self.bill_pull(rng)
        sent = rng.choice(done)
        if rng.random() < 0.5:
            self._notify(sent, "replay")  # same GUID, same bytes: answered from the stored response
        else:
            target = next(t for t in self.seeded.targets if t.billing_number == sent.billing_number)
            _guid, raw = self.peer.payment_notification(
                billing_number=target.billing_number,
                trx=sent.trx,
                paid_amount=target.amount,
                due_amount=target.amount,
                service_type=target.service_type,
            )
            self._notify(sent, "replay", raw)

    # people --------------------------------------------------------------------------------------------
    def login(self, session: Session, national_id: str) -> None:
        from load.seed import PASSWORD

        session.get("/accounts/login/")
        reply = session.post_form("/accounts/login/", {"login": national_id, "password": PASSWORD})
        if reply.status != 302 or "sessionid" not in session.cookies:
            raise RuntimeError(f"sign-in of {national_id} failed: HTTP {reply.status}")

    def page(self, rng):
        slug = rng.choice(self.seeded.service_slugs) if self.seeded.service_slugs else ""
        path = rng.choice(["/", f"/services/{slug}/", "/verify/", "/healthz", "/accounts/login/"])
        session = Session(self.port)
        self.recorder.timed("page", lambda: self._expect(session.get(path), 200))

    def page_user(self, rng, session: Session):
        path = rng.choice(["/violations/", "/payments/bills/", "/my/messages/", "/my/applications/"])
        self.recorder.timed("page-user", lambda: self._expect(session.get(path), 200))

    def inquiry(self, rng, session: Session):
        if "csrftoken" not in session.cookies:
            session.get("/violations/")
        if rng.random() < 0.75 or not self.seeded.licences:
            code, number, registration = rng.choice(self.seeded.vehicles)
            path, fields = (
                "/violations/vehicle/",
                {"plate_code": code, "plate_number": number, "registration_number": registration},
            )
        else:
            path, fields = "/violations/licence/", {"licence_number": rng.choice(self.seeded.licences)}

        def ask():
            # Answered with the statement itself (issue 20: one request, not a redirect and a second page).
            reply = session.post_form(path, fields)
            if reply.status != 200 or b'id="statement-heading"' not in reply.body:
                return f"HTTP {reply.status}"
            return ""

        if not self.recorder.timed("inquiry", ask) and rng.random() < 0.25:
            # Now and then the statement again at its own address (reloaded, or come back to).
            self.recorder.timed("statement", lambda: self._expect(session.get("/violations/statement/"), 200))

    @staticmethod
    def _expect(reply, status: int) -> str:
        return "" if reply.status == status else f"HTTP {reply.status}"


def drive(
    scenario: Scenario, *, clients: int, duration: float, logins: list[str], seed: int, sources=None
) -> list[Session]:
    """``clients`` signed-in people for ``duration`` seconds; ``sources``: the loopback address each connects
    from (behind the proxy, each is a different client). Returns their sessions."""
    sources = sources or [None] * clients
    sessions = [Session(scenario.port, source=sources[i]) for i in range(clients)]
    errors = []

    def sign_in(i):
        try:
            scenario.login(sessions[i], logins[i % len(logins)])
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=sign_in, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise RuntimeError(f"sign-in failed: {errors[0]}")

    kinds = list(WEIGHTS)
    weights = [WEIGHTS[k] for k in kinds]
    scenario.recorder.started = time.perf_counter()
    deadline = time.monotonic() + duration

    def client(i):
        rng = random.Random(seed * 1000 + i)
        session = sessions[i]
        while time.monotonic() < deadline:
            kind = rng.choices(kinds, weights)[0]
            if kind == "inquiry":
                scenario.inquiry(rng, session)
            elif kind == "page-user":
                scenario.page_user(rng, session)
            elif kind == "page":
                scenario.page(rng)
            elif kind == "bill-pull":
                scenario.bill_pull(rng)
            elif kind == "payment":
                scenario.payment(rng)
            else:
                scenario.replay(rng)

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    scenario.recorder.stop()
    return sessions


# --- after the run: settle and check -------------------------------------------------------------------


def settle(scenario: Scenario, *, attempts: int = 5) -> int:
    """Resend what got no success answer, as eFAWATEERcom does, until answered. Returns how many."""
    resent = 0
    for _ in range(attempts):
        pending = [s for s in scenario.sent.values() if not s.confirmed]
        if not pending:
            break
        for sent in pending:
            resent += 1
            scenario._notify(sent, "settle")
        time.sleep(1)
    return resent


def wait_for_sms(*, timeout: float) -> int:
    from notifications.models import Notification

    deadline = time.monotonic() + timeout
    while True:
        busy = Notification.objects.filter(status__in=[Notification.Status.QUEUED, Notification.Status.SENDING]).count()
        if not busy or time.monotonic() > deadline:
            return busy
        time.sleep(0.5)


@dataclass
class Check:
    name: str
    expected: object
    actual: object

    @property
    def ok(self) -> bool:
        return self.expected == self.actual


def check(scenario: Scenario, gateway: SmsGateway) -> list[Check]:
    from django.db.models import Count

    from notifications.models import Notification
    from payments.constants import BillStatus, PaymentState
    from payments.models import Bill, BillLine, Payment
    from violations.constants import ViolationStatus
    from violations.models import Violation

    sent = scenario.sent
    trxs = list(sent)
    numbers = sorted({s.billing_number for s in sent.values()})
    payments = Payment.objects.filter(trx__in=trxs)
    applied = payments.filter(state=PaymentState.APPLIED)
    paid_bills = Bill.objects.filter(billing_number__in=numbers)
    line_count = BillLine.objects.filter(bill__billing_number__in=numbers).count()
    doubly_paid = (
        Payment.objects.filter(state=PaymentState.APPLIED, bill__billing_number__in=numbers)
        .values("bill")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
    )
    sms = Notification.objects.filter(dedupe_key__startswith="payments:")
    sent_sms = sms.filter(status=Notification.Status.SENT)
    references = {f"n{pk}" for pk in sent_sms.values_list("pk", flat=True)}
    # Other SMS of the run (the accident claim of the two-node file check) are not the payments' to count.
    others = {f"n{pk}" for pk in Notification.objects.exclude(pk__in=sms).values_list("pk", flat=True)}
    return [
        Check("payments sent (distinct JOEBPPSTrx) = recorded", len(trxs), payments.count()),
        Check("payments recorded that nobody sent", 0, Payment.objects.exclude(trx__in=trxs).count()),
        Check("payments applied", len(trxs), applied.count()),
        Check("bills paid (one per payment)", len(numbers), paid_bills.filter(status=BillStatus.PAID).count()),
        Check("bills paid by more than one payment", 0, doubly_paid),
        Check(
            "violations paid by those bills",
            line_count,
            Violation.objects.filter(paid_billing_number__in=numbers, status=ViolationStatus.PAID).count(),
        ),
        Check("SMS queued (one per applied payment)", applied.count(), sms.count()),
        Check("SMS sent", sms.count(), sent_sms.count()),
        Check("SMS delivered by the gateway", len(references), sum(gateway.delivered[r] for r in references)),
        Check(
            "SMS gateway requests (no duplicates)",
            len(references),
            sum(n for reference, n in gateway.attempts.items() if reference not in others),
        ),
    ]


def report(recorder: Recorder, checks: list[Check], *, extra: dict, out=sys.stdout) -> None:
    print_table(recorder, title="Load", out=out)
    report_checks(checks, extra=extra, out=out)


def print_table(recorder: Recorder, *, title: str, out=sys.stdout) -> None:
    print(f"\n{title}: {recorder.seconds:.1f} s", file=out)
    header = f"{'kind':<11} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}"
    print(header, file=out)
    print("-" * len(header), file=out)
    for kind, n, rps, p50, p95, p99, errors in recorder.table():
        print(
            f"{kind:<11} {n:>9} {rps:>8.1f} {p50 * 1000:>8.0f} {p95 * 1000:>8.0f} {p99 * 1000:>8.0f} {errors:>7}",
            file=out,
        )
    if recorder.errors:
        print("\nErrors by kind:", file=out)
        for (kind, reason), n in sorted(recorder.errors.items()):
            print(f"  {kind:<11} {reason:<30} {n}", file=out)


def report_checks(checks: list[Check], *, extra: dict, out=sys.stdout) -> None:
    print("", file=out)
    for key, value in extra.items():
        print(f"{key}: {value}", file=out)
    print("\nChecks:", file=out)
    for c in checks:
        print(f"  [{'ok' if c.ok else 'FAIL'}] {c.name}: expected {c.expected}, got {c.actual}", file=out)
    out.flush()


def main(argv=None, *, run_nodes=None) -> int:
    """``run_nodes``: load.phases.run, the ``--nodes`` run (passed in by load/__main__.py: phases builds on
    this module's stages, so this module does not import it)."""
    from load.nodes import parse_nodes, start_s3

    args = _parse_args(argv)
    counts = parse_nodes(args.nodes) if args.nodes else None
    if counts and run_nodes is None:
        raise SystemExit("load: --nodes runs through python -m load")
    environment = prepare(args)
    gateway = SmsGateway()
    os.environ["SMS_HTTP_URL"] = gateway.url
    worker = server = s3 = None
    try:
        if counts:
            s3 = start_s3()  # before Django reads S3_* from the environment
        import django
        from django.core.management import call_command

        django.setup()
        from cryptography.hazmat.primitives import serialization
        from django.conf import settings

        from load.seed import seed
        from payments.efawateercom.peer import Peer

        started = time.monotonic()
        call_command("migrate", verbosity=0, interactive=False)
        rng = random.Random(args.seed)
        seeded = seed(users=max(args.clients, 4), vehicles=args.vehicles, rng=rng)
        print(
            f"load: database {environment.database} migrated and seeded in {time.monotonic() - started:.0f} s "
            f"({len(seeded.logins)} users, {args.vehicles} vehicles, {len(seeded.targets)} bills to pay)",
            flush=True,
        )
        peer_key = serialization.load_pem_private_key(
            Path(os.environ["EFAWATEERCOM_PEER_PUBLIC_KEY"]).read_bytes(), password=None
        )
        biller_key = serialization.load_pem_private_key(
            Path(os.environ["EFAWATEERCOM_BILLER_PRIVATE_KEY"]).read_bytes(), password=None
        ).public_key()
        peer = Peer(
            signing_key=peer_key,
            verifying_key=biller_key,
            sender_code=settings.EFAWATEERCOM_SENDER_CODE,
            biller_code=settings.EFAWATEERCOM_BILLER_CODE,
        )
        if counts:
            scenario = Scenario(port=0, seeded=seeded, peer=peer, rng=rng, recorder=Recorder())
            return run_nodes(
                args, environment=environment, seeded=seeded, scenario=scenario, gateway=gateway, counts=counts, s3=s3
            )
        child_env = {**os.environ}
        worker = CeleryWorker(env=child_env, workdir=environment.workdir, concurrency=args.celery_concurrency)
        server = Gunicorn(env=child_env, workdir=environment.workdir, workers=args.workers)
        print(f"load: gunicorn ({args.workers} workers) on {server.url}, Celery worker up", flush=True)

        recorder = Recorder()
        scenario = Scenario(port=server.port, seeded=seeded, peer=peer, rng=rng, recorder=recorder)
        load_before = os.getloadavg()[0]
        print(f"load: {args.clients} clients for {args.duration:.0f} s ...", flush=True)
        drive(scenario, clients=args.clients, duration=args.duration, logins=seeded.logins, seed=args.seed)
        resent = settle(scenario)
        still_busy = wait_for_sms(timeout=120)
        checks = check(scenario, gateway)
        total = sum(len(v) for v in recorder.latencies.values())
        errors = sum(recorder.errors.values())
        error_rate = errors / total if total else 0.0
        checks.append(Check(f"error rate <= {args.max_error_rate:.2%}", True, error_rate <= args.max_error_rate))
        report(
            recorder,
            checks,
            extra={
                "payments sent (distinct JOEBPPSTrx)": len(scenario.sent),
                "notifications resent after the run (no success answer)": resent,
                "SMS still queued or sending after waiting": still_busy,
                "error rate": f"{error_rate:.3%}",
                "machine load average (1 min) before / after": f"{load_before:.1f} / {os.getloadavg()[0]:.1f}"
                f" on {os.cpu_count()} CPUs, shared with everything else running here",
            },
        )
        return 0 if all(c.ok for c in checks) else 1
    finally:
        if server is not None:
            server.stop()
        if worker is not None:
            worker.stop()
        if s3 is not None:
            s3.stop()
        gateway.close()
        teardown(environment, keep=args.keep)
