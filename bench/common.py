# Kept whole: the harness every benchmark shares: throwaway database, server, timing and the printed table.
"""What every benchmark module uses: a throwaway database, timing, a baseline, a live server, a table.

Run them with ``make bench`` or ``.venv/bin/python -m bench [NAME ...] [--quick]``. A benchmark is a
module ``bench/bench_<name>.py`` with a function ``run(ctx: Context) -> None`` (and an optional
one-line ``TITLE``). ``python -m bench`` (see ``bench/__main__.py``) makes a fresh database
(PostgreSQL when ``DATABASE_URL`` is PostgreSQL, else a temporary SQLite file), migrates it, calls
every selected module's ``run`` with one shared :class:`Context`, prints one table, and drops the
database. Benchmarks are not tests: nothing here asserts on time; figures are printed as ratios to
a trivial Django view measured in the same run, so they mean something on any machine.

The API (everything hangs off ``ctx``)::

    def run(ctx):
        # In-process: django.test.Client, no HTTP, no server. Median seconds per call.
        client = ctx.client()
        ctx.measure("violations: statement page", lambda: client.get(url), number=20)
        #   -> a row "… µs/op" with its cost as a multiple of ctx.baseline() (the trivial view, in-process)

        # Over HTTP against gunicorn, with concurrent clients (requests/s, p50, p99 latency):
        requests = [ctx.request("POST", path, body=raw, headers={...}) for raw in signed]
        ctx.load("payments: bill pull", requests, concurrency=8)
        #   -> a row "… req/s" with its throughput as a fraction of ctx.http_baseline() (trivial view)

        # Anything else (counts, checks, sizes) as a plain row:
        ctx.record("payments: duplicates in 10,000 numbers", 0, unit="", note="8 threads")

        # A goal beside its figure, printed with met / not met in the "Targets" table at the end:
        ctx.target("violations: inquiry end to end vs base layout", 1.7, 2.0)   # lower is better, "×"
        ctx.target("payments: bill pull vs bare view", 0.48, 0.45, higher_is_better=True)
        ctx.target("payments: bill pull p99", 84.0, 100.0, unit="ms")

        # Two states of the data side by side (the performance benchmark's 100,000 and 1,000,000):
        copy = ctx.clone_database()   # a copy of the database as it is now (dropped with the run)
        use_database(copy)            # this process's queries go to it; use_database(name) switches back

        ctx.quick          # True with --quick: use smaller sizes
        ctx.scale(10_000)  # 10_000, or a tenth of it with --quick
        ctx.peer()         # payments.efawateercom.peer.Peer signing with the bench's eFAWATEERcom key
        ctx.server_url     # base URL of the running gunicorn (started on first ctx.load / ctx.server())

Helpers also usable on their own: :func:`median_time` (repetitions, median), :func:`run_load`
(threads over ``http.client``), :func:`print_table`.

Settings: ``bench.settings`` is ``portal.settings`` with DEBUG off (no query log), rate limits off,
SMS to the outbox, eager Celery, persistent database connections (``CONN_MAX_AGE``, as in
docker-compose.yml) and the trivial view at ``/bench/trivial``; bills of kind ``"bench"`` have a no-op
owner (``bench/urls.py``) so that paying them applies. Environment knobs:
``BENCH_WORKERS`` (gunicorn workers, default 3 as in the Dockerfile; worker class and threads come from
``portal/gunicorn_config.py``, ``GUNICORN_WORKER_CLASS`` / ``GUNICORN_THREADS``), ``BENCH_CONCURRENCY`` (default 8).
"""

from __future__ import annotations

import http.client
import math
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
TRIVIAL_PATH = "/bench/trivial"


# --- environment and database --------------------------------------------------------------------


@dataclass
class Environment:
    """What ``prepare_environment`` made and ``teardown_environment`` removes."""

    vendor: str  # "postgresql" or "sqlite"
    database_url: str
    admin_url: str = ""  # PostgreSQL: the database we connected to in order to create/drop ours
    database_name: str = ""
    copies: list[str] = field(default_factory=list)  # databases made by Context.clone_database (dropped too)
    workdir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="portal-bench-")))


def _pg_connect(url: str):
    import psycopg

    parts = urlsplit(url)
    return psycopg.connect(
        host=parts.hostname or None,
        port=parts.port or None,
        user=parts.username or None,
        password=parts.password or None,
        dbname=(parts.path or "/postgres").lstrip("/") or "postgres",
        autocommit=True,
    )


def prepare_environment() -> Environment:
    """Before Django is set up: a throwaway database, eFAWATEERcom keys and a data folder, all put into
    ``os.environ`` so that this process and the gunicorn it starts use the same things."""
    url = os.environ.get("DATABASE_URL", "")
    env: Environment
    if url.startswith(("postgres://", "postgresql://", "pgsql://")):
        name = f"portal_bench_{os.getpid()}_{int(time.time())}"
        with _pg_connect(url) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        parts = urlsplit(url)
        env = Environment(
            vendor="postgresql",
            database_url=parts._replace(path=f"/{name}").geturl(),
            admin_url=url,
            database_name=name,
        )
    else:
        env = Environment(vendor="sqlite", database_url="")
        env.database_url = f"sqlite:///{env.workdir / 'bench.sqlite3'}"
    os.environ["DATABASE_URL"] = env.database_url
    os.environ["DATA_DIR"] = str(env.workdir / "data")
    os.environ.pop("DATABASE_TEST_NAME", None)
    # portal.settings refuses DEBUG off without production secrets; bench.settings turns DEBUG off itself.
    os.environ["DEBUG"] = "True"
    os.environ.setdefault("CONN_MAX_AGE", "60")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["CACHE_KEY_PREFIX"] = f"bench{os.getpid()}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    _make_efawateercom_keys(env.workdir / "keys")
    return env


def _make_efawateercom_keys(folder: Path) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    folder.mkdir(parents=True, exist_ok=True)
    pem = {}
    for name in ("peer", "biller"):
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem[name] = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        (folder / f"{name}-private.pem").write_bytes(pem[name])
    os.environ["EFAWATEERCOM_PEER_PUBLIC_KEY"] = str(folder / "peer-private.pem")  # public half is read
    os.environ["EFAWATEERCOM_BILLER_PRIVATE_KEY"] = str(folder / "biller-private.pem")
    os.environ["BENCH_PEER_PRIVATE_KEY"] = str(folder / "peer-private.pem")


def setup_django() -> None:
    """django.setup() and migrate the throwaway database (quietly)."""
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def teardown_environment(env: Environment) -> None:
    import shutil

    with suppress(Exception):
        from django.db import connections

        connections.close_all()
    if env.vendor == "postgresql" and env.database_name:
        for name in [*env.copies, env.database_name]:
            try:
                with _pg_connect(env.admin_url) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            except Exception as exc:  # pragma: no cover - reported, not fatal
                print(f"bench: could not drop database {name}: {exc}", file=sys.stderr)
    shutil.rmtree(env.workdir, ignore_errors=True)


def settle_database(*tables: str) -> None:
    """After a bulk load on PostgreSQL: VACUUM (ANALYZE) the loaded tables (all when none is named) and write
    a checkpoint, so that the measurements that follow do not share the machine with autovacuum working
    through the rows just written, nor with the first reads setting their hint bits. A table in service has
    had both long ago; measured without, the same code moved by up to 1.6× between two runs (2026-12-07)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)" + (" " + ", ".join(quote(t) for t in tables) if tables else ""))
        with suppress(Exception):  # CHECKPOINT needs a superuser (or the pg_checkpoint role)
            cursor.execute("CHECKPOINT")


def database_name() -> str:
    """The database this process's connections use now (PostgreSQL: its name; SQLite: its file)."""
    from django.db import connections

    return str(connections["default"].settings_dict["NAME"])


def use_database(name: str) -> None:
    """Point this process's connections at database ``name`` (the bench's own, or one made by
    :meth:`Context.clone_database`); the next query connects to it. Switch back before the live server is
    started again: gunicorn serves the bench's own database."""
    from django.db import connections

    connections.close_all()
    connections["default"].settings_dict["NAME"] = name


# --- timing ----------------------------------------------------------------------------------------


def p50_interleaved(fns: dict[str, Callable[[], object]], n: int, *, block: int = 10) -> dict[str, float]:
    """Median seconds of ``n`` single calls of each of ``fns``, taken in turns of ``block`` calls (after one
    warm-up call each), so that figures compared as a ratio are sampled through the same minutes of a shared
    machine rather than one after the other."""
    samples: dict[str, list[float]] = {name: [] for name in fns}
    for fn in fns.values():
        fn()
    while any(len(taken) < n for taken in samples.values()):
        for name, fn in fns.items():
            for _ in range(min(block, n - len(samples[name]))):
                start = time.perf_counter()
                fn()
                samples[name].append(time.perf_counter() - start)
    return {name: statistics.median(taken) for name, taken in samples.items()}


def median_time(fn: Callable[[], object], *, number: int = 10, repeat: int = 5, warmup: int = 1) -> float:
    """Median over ``repeat`` rounds of the mean seconds per call of ``fn`` (``number`` calls a round)."""
    for _ in range(warmup):
        fn()
    rounds = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        rounds.append((time.perf_counter() - start) / number)
    return statistics.median(rounds)


def percentile(values: Sequence[float], pct: float) -> float:
    """The ``pct`` percentile (nearest rank) of ``values``; 0.0 when empty."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, math.ceil(pct / 100 * len(ordered)) - 1))
    return ordered[rank]


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: bytes | None = None
    headers: dict = field(default_factory=dict)


@dataclass
class LoadResult:
    requests: int
    seconds: float
    latencies: list[float]
    errors: int
    statuses: dict[int, int]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def p50(self) -> float:
        return percentile(self.latencies, 50)

    @property
    def p99(self) -> float:
        return percentile(self.latencies, 99)


def run_load(
    base_url: str,
    requests: Sequence[Request],
    *,
    concurrency: int = 8,
    check: Callable[[int, bytes], bool] | None = None,
) -> LoadResult:
    """Send every request once, ``concurrency`` at a time (threads, one connection per request, as a
    bank's connector does), and time each. ``check(status, body)`` decides what counts as an error
    (default: status >= 400)."""
    parts = urlsplit(base_url)
    host, port = parts.hostname, parts.port or 80
    check = check or (lambda status, _body: status < 400)
    index = iter(range(len(requests)))
    lock = threading.Lock()
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    errors = 0

    def worker():
        nonlocal errors
        while True:
            with lock:
                i = next(index, None)
            if i is None:
                return
            req = requests[i]
            start = time.perf_counter()
            try:
                conn = http.client.HTTPConnection(host, port, timeout=60)
                conn.request(req.method, req.path, body=req.body, headers=req.headers)
                response = conn.getresponse()
                body = response.read()
                conn.close()
                status, ok = response.status, check(response.status, body)
            except (OSError, http.client.HTTPException):
                status, ok = 0, False
            elapsed = time.perf_counter() - start
            with lock:
                latencies.append(elapsed)
                statuses[status] = statuses.get(status, 0) + 1
                if not ok:
                    errors += 1

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return LoadResult(len(requests), time.perf_counter() - start, latencies, errors, statuses)


# --- the live server ---------------------------------------------------------------------------------


class Server:
    """gunicorn serving ``bench.settings`` on a free local port, warmed up, with the production configuration
    ``portal/gunicorn_config.py`` (its worker class and threads, as the Dockerfile's CMD runs it); only the
    port, the worker count (``BENCH_WORKERS``) and the timeouts are given on the command line."""

    CONFIG = BASE_DIR / "portal" / "gunicorn_config.py"

    def __init__(self, *, workers: int, workdir: Path):
        import subprocess

        from load.procs import free_port, http_status, wait_for

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = workdir / f"gunicorn-{self.port}.log"
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "portal.wsgi:application",
            "-c",
            str(self.CONFIG),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(workers),
            "--backlog",
            "512",
            "--timeout",
            "120",
            "--graceful-timeout",
            "5",
            "--log-level",
            "warning",
        ]
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
        env.pop("GUNICORN_ACCESS_LOG", None)
        self.process = subprocess.Popen(
            command, cwd=BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=self.log.open("ab")
        )
        wait_for(
            lambda: http_status(self.port, "/healthz") in (200, 503),
            timeout=90,
            what="gunicorn",
            process=self.process,
            log=self.log,
        )
        # Every worker imports Django lazily: warm them all before anything is timed.
        run_load(self.url, [Request("GET", TRIVIAL_PATH)] * 50, concurrency=8)

    @property
    def description(self) -> str:
        """The worker class and threads the configuration gives, for the notes: e.g. ``gthread×4``."""
        import runpy

        config = runpy.run_path(str(self.CONFIG))
        kind = config.get("worker_class", "sync")
        return f"{kind}×{config.get('threads', 1)}" if kind == "gthread" else kind

    def stop(self) -> None:
        from load.procs import stop

        stop(self.process)


# --- results -------------------------------------------------------------------------------------------


@dataclass
class Row:
    name: str
    figure: str
    p50: str = ""
    p99: str = ""
    versus: str = ""
    note: str = ""


@dataclass
class Target:
    """A goal of issue 20 beside the figure measured in this run: met or not met."""

    name: str
    figure: float
    goal: float
    unit: str = "×"
    higher_is_better: bool = False
    note: str = ""

    @property
    def met(self) -> bool:
        return self.figure >= self.goal if self.higher_is_better else self.figure <= self.goal

    def row(self) -> Row:
        sign = "≥" if self.higher_is_better else "≤"
        return Row(
            self.name,
            f"{self.figure:,.2f}{self.unit}" if self.unit == "×" else f"{self.figure:,.1f} {self.unit}",
            versus=f"target {sign} {self.goal:g}{self.unit if self.unit == '×' else ' ' + self.unit}",
            note=("met" if self.met else "NOT MET") + (f"; {self.note}" if self.note else ""),
        )


def print_targets(targets: Iterable[Target], *, out=None) -> None:
    targets = list(targets)
    if not targets:
        return
    out = out or sys.stdout
    print(f"\nTargets (issue 20): {sum(t.met for t in targets)} of {len(targets)} met", file=out)
    print_table([t.row() for t in targets], out=out)


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def _per_op(seconds: float) -> str:
    return f"{seconds * 1e6:,.0f} µs/op" if seconds < 0.01 else f"{seconds * 1000:,.1f} ms/op"


def print_table(rows: Iterable[Row], *, title: str = "", out=None) -> None:
    """A plain fixed-width table (pipes between columns) of ``rows``."""
    out = out or sys.stdout
    header = Row("benchmark", "figure", "p50", "p99", "vs baseline", "note")
    rows = [header, *rows]
    columns = ("name", "figure", "p50", "p99", "versus", "note")
    widths = {c: max(len(getattr(r, c)) for r in rows) for c in columns}
    if title:
        print(title, file=out)
    for i, row in enumerate(rows):
        print(" | ".join(getattr(row, c).ljust(widths[c]) for c in columns).rstrip(), file=out)
        if i == 0:
            print("-+-".join("-" * widths[c] for c in columns), file=out)
    out.flush()


# --- the context handed to every benchmark ---------------------------------------------------------


class Context:
    def __init__(self, *, env: Environment, quick: bool = False):
        self.env = env
        self.quick = quick
        self.rows: list[Row] = []
        self.targets: list[Target] = []
        self.workers = int(os.environ.get("BENCH_WORKERS", "3"))  # as the Dockerfile runs gunicorn
        self.concurrency = int(os.environ.get("BENCH_CONCURRENCY", "8"))
        self._baseline: float | None = None
        self._http_baseline: LoadResult | None = None
        self._server: Server | None = None
        self._peer = None

    # sizes
    def scale(self, n: int) -> int:
        """``n``, or a tenth of it (at least 1) with --quick."""
        return max(1, n // 10) if self.quick else n

    # in-process
    def client(self):
        from django.test import Client

        return Client()

    def baseline(self) -> float:
        """Median seconds per GET of the trivial view through django.test.Client (measured once)."""
        if self._baseline is None:
            client = self.client()
            self._baseline = median_time(lambda: client.get(TRIVIAL_PATH), number=200 if not self.quick else 50)
            self.rows.append(Row("baseline: trivial view (in-process)", _per_op(self._baseline), versus="1.00× time"))
        return self._baseline

    def measure(
        self, name: str, fn: Callable[[], object], *, number: int = 10, repeat: int = 5, note: str = ""
    ) -> float:
        """Time ``fn`` (median of ``repeat`` rounds of ``number`` calls); record its cost against the
        in-process baseline. Returns seconds per call."""
        self.baseline()
        seconds = median_time(fn, number=number, repeat=repeat)
        self.timed(name, seconds, note=note)
        return seconds

    # over HTTP
    def server(self) -> Server:
        if self._server is None:
            self._server = Server(workers=self.workers, workdir=self.env.workdir)
        return self._server

    @property
    def server_url(self) -> str:
        return self.server().url

    @staticmethod
    def request(method: str, path: str, *, body: bytes | None = None, headers: dict | None = None) -> Request:
        return Request(method, path, body, dict(headers or {}))

    def http_baseline(self) -> LoadResult:
        """Throughput of the trivial view under ``concurrency`` clients (measured once)."""
        if self._http_baseline is None:
            n = self.scale(2000)
            self._http_baseline = run_load(
                self.server_url, [Request("GET", TRIVIAL_PATH)] * n, concurrency=self.concurrency
            )
            self.rows.append(self._load_row("baseline: trivial view (gunicorn)", self._http_baseline, None))
        return self._http_baseline

    def _load_row(
        self, name: str, result: LoadResult, baseline: LoadResult | None, note: str = "", concurrency: int | None = None
    ) -> Row:
        versus = f"{result.rps / baseline.rps:.2f}× rps" if baseline and baseline.rps else "1.00× rps"
        notes = [note] if note else []
        notes.append(
            f"{result.requests} req, c={concurrency or self.concurrency}, w={self.workers} {self.server().description}"
        )
        if result.errors:
            notes.append(f"{result.errors} ERRORS {dict(sorted(result.statuses.items()))}")
        return Row(name, f"{result.rps:,.0f} req/s", _ms(result.p50), _ms(result.p99), versus, "; ".join(notes))

    def load(
        self,
        name: str,
        requests: Sequence[Request],
        *,
        concurrency: int | None = None,
        check: Callable[[int, bytes], bool] | None = None,
        note: str = "",
    ) -> LoadResult:
        """Send ``requests`` to the gunicorn server with concurrent clients; record req/s, p50, p99 and
        throughput as a fraction of the trivial view's."""
        baseline = self.http_baseline()
        result = run_load(self.server_url, requests, concurrency=concurrency or self.concurrency, check=check)
        self.rows.append(self._load_row(name, result, baseline, note, concurrency))
        return result

    # anything else
    def record(self, name: str, value, *, unit: str = "", note: str = "", versus: str = "") -> None:
        figure = f"{value:,}" if isinstance(value, int) else str(value)
        self.rows.append(Row(name, f"{figure} {unit}".strip(), versus=versus, note=note))

    def target(
        self, name: str, figure: float, goal: float, *, unit: str = "×", higher_is_better: bool = False, note: str = ""
    ) -> Target:
        """Print ``figure`` beside its goal, met / not met, in the run's "Targets" table (issue 20)."""
        target = Target(name, figure, goal, unit=unit, higher_is_better=higher_is_better, note=note)
        self.targets.append(target)
        return target

    # eFAWATEERcom
    def peer(self):
        """eFAWATEERcom's side, signing with the key the bench server trusts."""
        if self._peer is None:
            from django.conf import settings

            from payments.efawateercom import keys
            from payments.efawateercom.peer import Peer

            self._peer = Peer(
                signing_key=keys._load_setting(os.environ["BENCH_PEER_PRIVATE_KEY"], private=True),
                verifying_key=keys.biller_private_key().public_key(),
                sender_code=settings.EFAWATEERCOM_SENDER_CODE,
                biller_code=settings.EFAWATEERCOM_BILLER_CODE,
            )
        return self._peer

    def stop_server(self) -> None:
        """Stop the live server (if one runs); the next ``load`` starts a new one and measures its own
        trivial view again."""
        if self._server is not None:
            self._server.stop()
            self._server = None
            self._http_baseline = None

    def clone_database(self) -> str:
        """A copy of the database in use, as it is now, dropped with the run (switch with :func:`use_database`).
        So that figures of two states (100,000 and 1,000,000 rows) can be taken in turns through the same minutes
        of a shared machine rather than one after the other. PostgreSQL copies only a database nobody is
        connected to: the live server is stopped first, and this process's connections closed."""
        import shutil

        from django.db import connections

        self.stop_server()
        source = database_name()
        connections.close_all()
        if self.env.vendor == "postgresql":
            name = f"{self.env.database_name}_copy{len(self.env.copies) + 1}"
            with _pg_connect(self.env.admin_url) as conn:
                # Any connection left by a finished thread of this process would refuse the copy.
                conn.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                    [source],
                )
                conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
        else:
            name = f"{source}.copy{len(self.env.copies) + 1}"
            shutil.copyfile(source, name)
        self.env.copies.append(name)
        return name

    def timed(self, name: str, seconds: float, *, note: str = "") -> None:
        """Record ``seconds`` per call taken by the caller (as :meth:`measure` records its own)."""
        baseline = self.baseline()
        self.rows.append(Row(name, _per_op(seconds), versus=f"{seconds / baseline:,.2f}× time", note=note))

    def close(self) -> None:
        self.stop_server()
