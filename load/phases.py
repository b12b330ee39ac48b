"""``make load LOAD_ARGS="--nodes 2"``: the same mixed load through HAProxy, first on 1 web node, then on 2,
then on 2 with one node killed (SIGKILL) a third of the way in (load/nodes.py has the parts).

Every node and the one Celery worker (and the one beat) share PostgreSQL, Redis and an S3 server (moto on
127.0.0.1), so a file written through one node is there for the next. Before the phases a file is uploaded
through node 1 and read through node 2. Each phase prints its own table (requests/s, p50/p95/p99 per kind,
errors); then the ratio of 2 nodes to 1, and the kill: errors of requests under way when the node died or
before the proxy's health check marked it down are counted apart ("in flight at the kill"), and after it
was marked down there must be none. The load's own checks (every payment recorded and applied once, every
SMS queued and sent once) then run over all phases together.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from dataclasses import dataclass

from load import runner
from load.client import Recorder
from load.nodes import CeleryBeat, HAProxy, S3Server, file_through_two_nodes, wait_marked_down
from load.procs import CeleryWorker, Gunicorn


@dataclass
class Phase:
    title: str
    nodes: int
    recorder: Recorder
    served: dict
    killed_at: float | None = None  # perf_counter
    down_at: float = float("inf")  # when the proxy marked the killed node down (never: inf)

    @property
    def requests(self) -> int:
        return sum(len(v) for v in self.recorder.latencies.values())

    @property
    def rate(self) -> float:
        return self.requests / self.recorder.seconds if self.recorder.seconds else 0.0

    def split_errors(self) -> tuple[int, int, int]:
        """(before the kill, in flight at the kill, after the proxy marked the node down): a failed request
        that started before the node was marked down and ended after it was killed is "in flight"."""
        if self.killed_at is None:
            return len(self.recorder.failures), 0, 0
        before = in_flight = after = 0
        for started, finished, _kind, _reason in self.recorder.failures:
            if finished < self.killed_at:
                before += 1
            elif started < self.down_at:
                in_flight += 1
            else:
                after += 1
        return before, in_flight, after


def run(args, *, environment, seeded, scenario, gateway, counts: list[int], s3: S3Server) -> int:
    workdir = environment.workdir
    child_env = {**os.environ}
    worker = beat = None
    nodes: list[Gunicorn] = []
    proxies: list[HAProxy] = []
    phases: list[Phase] = []
    try:
        worker = CeleryWorker(env=child_env, workdir=workdir, concurrency=args.celery_concurrency)
        beat = CeleryBeat(env=child_env, workdir=workdir)
        nodes = [
            Gunicorn(env=child_env, workdir=workdir, workers=args.workers, name=f"node{i + 1}", wait=False)
            for i in range(counts[-1])
        ]
        for node in nodes:
            node.wait_ready()
        print(
            f"load: {len(nodes)} gunicorn nodes ({args.workers} workers each) on "
            f"{', '.join(str(n.port) for n in nodes)}, one Celery worker, one beat, S3 server {s3.endpoint}",
            flush=True,
        )
        shared = None
        if len(nodes) > 1:
            from load.seed import PASSWORD

            shared = file_through_two_nodes(
                upload_port=nodes[0].port,
                read_port=nodes[1].port,
                owner=seeded.logins[0],
                stranger=seeded.logins[1],
                password=PASSWORD,
                vehicle=seeded.vehicles[0],
                s3=s3,
            )
            print(
                f"load: a file uploaded through node1 read through node2: HTTP {shared.read_status}, "
                f"{'same' if shared.read == shared.uploaded else 'DIFFERENT'} bytes ({len(shared.uploaded)})",
                flush=True,
            )

        plan = [(f"{n} node{'s' if n > 1 else ''}", n, False) for n in counts]
        if counts[-1] > 1:
            plan.append((f"{counts[-1]} nodes, node{counts[-1]} killed", counts[-1], True))
        sessions = []
        load_before = os.getloadavg()[0]
        for title, n, kill in plan:
            proxy = HAProxy([node.port for node in nodes[:n]], workdir=workdir, name=f"{n}")
            proxies.append(proxy)
            recorder = Recorder()
            scenario.port, scenario.recorder = proxy.port, recorder
            phase = Phase(title=title, nodes=n, recorder=recorder, served={})
            killer = None
            if kill:
                killer = threading.Thread(target=_kill_later, args=(phase, nodes[n - 1], proxy, args.duration / 3))
            print(
                f"load: {title}: {args.clients} clients for {args.duration:.0f} s through {proxy.url} ...", flush=True
            )
            if killer:
                killer.start()
            sessions += runner.drive(
                scenario,
                clients=args.clients,
                duration=args.duration,
                logins=seeded.logins,
                seed=args.seed + len(phases),
                sources=[f"127.0.{len(phases) + 1}.{10 + i}" for i in range(args.clients)],
            )
            if killer:
                killer.join()
            phase.served = proxy.served()
            phases.append(phase)
            if not kill:
                proxy.stop()

        # The proxy of the last phase (one node left) answers the resends and the checks' questions.
        resent = runner.settle(scenario)
        still_busy = runner.wait_for_sms(timeout=120)
        recovered = 0
        if still_busy:
            # A node killed after a payment's commit but before its SMS reached the broker leaves the SMS
            # queued: the recovery sweep (beat, every 5 minutes, for rows older than SMS_RECOVER_AFTER) sends
            # it. Run it now as its next tick would, rather than wait ten minutes, and say so.
            from datetime import timedelta

            from django.utils import timezone

            from notifications.recovery import notifications_recover, sms_recover_after

            recovered = notifications_recover(now=timezone.now() + sms_recover_after() + timedelta(seconds=1)).requeued
            still_busy = runner.wait_for_sms(timeout=120)
        checks = runner.check(scenario, gateway)
        checks += _node_checks(args, phases, sessions, shared)
        for phase in phases:
            runner.print_table(phase.recorder, title=f"Load on {phase.title}", out=sys.stdout)
            print(f"  requests per node (HAProxy): {phase.served}")
        _summary(phases)
        runner.report_checks(
            checks,
            extra={
                "payments sent (distinct JOEBPPSTrx)": len(scenario.sent),
                "notifications resent after the run (no success answer)": resent,
                "SMS left queued by the killed node, sent by the recovery sweep": recovered,
                "SMS still queued or sending after waiting": still_busy,
                "objects in the S3 bucket": len(s3.keys()),
                "machine load average (1 min) before / after": f"{load_before:.1f} / {os.getloadavg()[0]:.1f}"
                f" on {os.cpu_count()} CPUs, shared with everything else running here",
            },
        )
        return 0 if all(c.ok for c in checks) else 1
    finally:
        for proxy in proxies:
            proxy.stop()
        for node in nodes:
            node.stop()
        if beat is not None:
            beat.stop()
        if worker is not None:
            worker.stop()


def _kill_later(phase: Phase, node: Gunicorn, proxy: HAProxy, after: float) -> None:
    time.sleep(after)
    phase.killed_at = time.perf_counter()
    node.kill()
    name = next(name for name, port in proxy.servers.items() if port == node.port)
    try:
        phase.down_at = wait_marked_down(proxy, name)
    except RuntimeError as exc:  # reported as a failed check, after the phase
        print(f"load: {exc}", flush=True)
        return
    print(
        f"load: {node.name} killed (SIGKILL); HAProxy marked it down {phase.down_at - phase.killed_at:.1f} s later",
        flush=True,
    )


def _node_checks(args, phases: list[Phase], sessions, shared) -> list:
    from accounts.models import UserSession
    from load.runner import Check

    checks = []
    if shared is not None:
        checks += [
            Check("file uploaded through node1, read through node2 by its owner: same bytes", True, shared.ok),
        ]
    # Each simulated person connected from an address of its own; the portal saw it through the proxy.
    expected = {s.cookies["sessionid"]: s.source for s in sessions if "sessionid" in s.cookies}
    seen = dict(UserSession.objects.filter(session_key__in=expected).values_list("session_key", "ip_address"))
    checks.append(
        Check(
            "sign-ins through the proxy recorded the client's address (X-Forwarded-For), not the proxy's",
            len(expected),
            sum(1 for key, source in expected.items() if seen.get(key) == source),
        )
    )
    for phase in phases:
        before, in_flight, after = phase.split_errors()
        if phase.killed_at is not None:
            checks.append(Check(f"{phase.title}: the proxy marked it down", True, phase.down_at != float("inf")))
            checks.append(Check(f"{phase.title}: errors after the proxy marked it down", 0, after))
        rate = before / phase.requests if phase.requests else 0.0
        checks.append(
            Check(f"{phase.title}: error rate <= {args.max_error_rate:.2%}", True, rate <= args.max_error_rate)
        )
        if phase.nodes > 1:
            checks.append(Check(f"{phase.title}: every node took requests", True, all(phase.served.values())))
    return checks


def _summary(phases: list[Phase], out=sys.stdout) -> None:
    print("\nNodes compared:", file=out)
    for phase in phases:
        before, in_flight, after = phase.split_errors()
        line = f"  {phase.title:<24} {phase.rate:>7.1f} req/s  p95 {_p95(phase) * 1000:>5.0f} ms  errors {before}"
        if phase.killed_at is not None:
            line += (
                f" before the kill, {in_flight} in flight at the kill, {after} after it was marked down "
                f"({phase.down_at - phase.killed_at:.1f} s after the kill)"
            )
        print(line, file=out)
    plain = [p for p in phases if p.killed_at is None]
    if len(plain) > 1 and plain[0].rate:
        print(f"  ratio {plain[-1].title} / {plain[0].title}: {plain[-1].rate / plain[0].rate:.2f}", file=out)
    out.flush()


def _p95(phase: Phase) -> float:
    return phase.recorder.table()[-1][4]
