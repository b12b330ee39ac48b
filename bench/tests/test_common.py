"""The bench helpers themselves (no timing is asserted: only what the figures are made of)."""

import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench.common import Request, Row, median_time, percentile, print_table, run_load


def test_percentile_is_nearest_rank():
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == 50.0
    assert percentile(values, 99) == 99.0
    assert percentile(values, 100) == 100.0
    assert percentile([], 50) == 0.0


def test_median_time_calls_warmup_plus_rounds():
    calls = []
    median_time(lambda: calls.append(1), number=3, repeat=5, warmup=2)
    assert len(calls) == 2 + 3 * 5


def test_table_columns_line_up():
    out = io.StringIO()
    print_table([Row("a", "1 req/s", "2.0 ms", "3.0 ms", "0.50× rps"), Row("longer name", "10")], out=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("benchmark") and set(lines[1]) <= {"-", "+"}
    assert lines[2].index("|") == lines[3].index("|") == lines[0].index("|")


def test_run_load_sends_every_request_and_counts_errors():
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            status = 500 if self.path == "/bad" else 200
            self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        requests = [Request("GET", "/")] * 20 + [Request("GET", "/bad")] * 3
        result = run_load(f"http://127.0.0.1:{server.server_port}", requests, concurrency=4)
    finally:
        server.shutdown()
    assert result.requests == 23 and len(result.latencies) == 23
    assert result.errors == 3 and result.statuses == {200: 20, 500: 3}
    assert result.rps > 0 and result.p50 <= result.p99


def test_a_target_says_met_or_not_met_in_the_direction_it_is_measured():
    from bench.common import Target, print_targets

    lower = Target("inquiry vs base layout", 1.7, 2.0)
    higher = Target("bill pull vs bare view", 0.40, 0.45, higher_is_better=True)
    latency = Target("bill pull p99", 120.0, 100.0, unit="ms")
    assert lower.met and not higher.met and not latency.met
    out = io.StringIO()
    print_targets([lower, higher, latency], out=out)
    text = out.getvalue()
    assert "1 of 3 met" in text
    assert "target ≤ 2×" in text and "target ≥ 0.45×" in text and "target ≤ 100 ms" in text
    assert text.count("NOT MET") == 2


@pytest.mark.django_db(transaction=True)
def test_settle_database_vacuums_and_analyses_the_loaded_tables():
    """After a bulk load the benchmarks settle the tables (VACUUM (ANALYZE), CHECKPOINT) before measuring."""
    from django.db import connection

    from bench.common import settle_database
    from violations.models import Vehicle

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: nothing to settle on SQLite")
    table = Vehicle._meta.db_table
    Vehicle.objects.create(plate_code="10", plate_number="1", registration_number="1")
    settle_database(table)
    with connection.cursor() as cursor:
        # Written into the catalogue by VACUUM (ANALYZE) as it finishes (the statistics views lag behind);
        # a table never analysed counts -1 rows.
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
        assert cursor.fetchone() == (1,)


def test_the_bench_counts_rate_limits_as_production_does(settings, rf):
    """No target is met by skipping a rate limit: the bench's settings keep them on, rates only raised."""
    from django.contrib.auth.models import AnonymousUser
    from django_ratelimit import ALL

    from bench import settings as bench_settings
    from core.ratelimit import limited

    assert getattr(bench_settings, "RATELIMIT_ENABLE", True) is True
    settings.RATELIMIT_ENABLE = True
    rate = bench_settings.VIOLATIONS_RATE_USER
    assert rate == bench_settings.VIOLATIONS_RATE_IP == bench_settings.VIOLATIONS_RATE_SUBJECT
    request = rf.post("/violations/inquiry/vehicle/")
    request.user = AnonymousUser()
    from django_ratelimit.core import get_usage

    for _ in range(3):
        assert not limited(request, group="bench:counted", key="ip", rates=rate)
    usage = get_usage(request, group="bench:counted", key="ip", rate=rate, method=ALL, increment=False)
    assert usage["count"] == 3  # every request counted, none refused


def test_p50_interleaved_takes_each_figure_in_turns_and_as_many_times():
    from bench.common import p50_interleaved

    calls = []
    figures = p50_interleaved({"a": lambda: calls.append("a"), "b": lambda: calls.append("b")}, 25, block=10)
    assert set(figures) == {"a", "b"} and all(f >= 0 for f in figures.values())
    assert calls.count("a") == calls.count("b") == 26  # one warm-up each, then 25 timed
    timed = "".join(calls[2:])
    assert timed == "a" * 10 + "b" * 10 + "a" * 10 + "b" * 10 + "a" * 5 + "b" * 5


@pytest.mark.django_db(transaction=True)
def test_a_cloned_database_holds_what_was_there_and_keeps_its_own_changes():
    """The performance benchmark keeps its 100,000 and its 1,000,000 applications side by side: a copy of the
    database as it was, the process switching between the two."""
    import os
    from datetime import date

    from django.db import connection

    from bench.common import Context, Environment, _pg_connect, database_name, use_database
    from services.models import Holiday

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL: CREATE DATABASE … TEMPLATE")
    own = database_name()
    env = Environment(vendor="postgresql", database_url="", admin_url=os.environ["DATABASE_URL"], database_name=own)
    Holiday.objects.create(date=date(2026, 1, 1), name="before the copy")
    ctx = Context(env=env)
    copy = ctx.clone_database()
    try:
        assert env.copies == [copy] and copy != own
        use_database(copy)
        Holiday.objects.create(date=date(2026, 1, 2), name="in the copy only")
        assert sorted(Holiday.objects.values_list("name", flat=True)) == ["before the copy", "in the copy only"]
        use_database(own)
        assert list(Holiday.objects.values_list("name", flat=True)) == ["before the copy"]
    finally:
        use_database(own)
        with _pg_connect(env.admin_url) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')
