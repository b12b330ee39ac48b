"""Several web nodes for ``make load --nodes N`` and the two-node smoke test: an S3 server all nodes share,
HAProxy from Debian in front of the gunicorn nodes, one Celery beat, and the checks a second node needs
(a file written through one node read through the other; a node killed and the proxy carrying on).

Everything runs on 127.0.0.1 on spare ports and is stopped by its own pid (load/procs.py).
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from load.client import Session
from load.procs import BASE_DIR, free_port, http_status, stop, wait_for

HAPROXY = shutil.which("haproxy") or "/usr/sbin/haproxy"
S3_ACCESS_KEY = "load-access-key"
S3_SECRET_KEY = "load-secret-key"  # moto accepts any keys: a throwaway local server


def haproxy_missing_reason() -> str:
    """Why HAProxy cannot run here ("" when it can): the message names the package and the make target."""
    if Path(HAPROXY).exists():
        return ""
    return "HAProxy is not installed: apt-get install haproxy (make load and make test install it when run as root)"


class S3Server:
    """moto's S3 API server on 127.0.0.1 (portal.testing.start_s3_server) with one bucket: the object store
    every node and the worker share, and ``env`` (S3_*) pointing the portal at it."""

    def __init__(self, bucket: str = "portal-private"):
        import boto3

        from portal.testing import start_s3_server

        self.process, self.endpoint = start_s3_server()
        self.bucket = bucket
        self.client = boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=S3_ACCESS_KEY,
            aws_secret_access_key=S3_SECRET_KEY,
            region_name="us-east-1",
        )
        self.client.create_bucket(Bucket=bucket)

    @property
    def env(self) -> dict:
        return {
            "S3_ENDPOINT_URL": self.endpoint,
            "S3_BUCKET": self.bucket,
            "S3_ACCESS_KEY_ID": S3_ACCESS_KEY,
            "S3_SECRET_ACCESS_KEY": S3_SECRET_KEY,
            "S3_REGION": "us-east-1",
        }

    def keys(self) -> list[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket)
        return [item["Key"] for page in pages for item in page.get("Contents", [])]

    def stop(self) -> None:
        stop(self.process)


class HAProxy:
    """HAProxy in front of ``ports`` (gunicorn nodes): round robin, health checks on /healthz/ready every
    second (down after 2 failures, up after 2 successes), X-Forwarded-For passed on, a connection refused
    retried on the other node (``option redispatch``). Run as a foreground process with its config in a
    temporary folder; its admin socket tells when it has marked a node down."""

    def __init__(self, ports: list[int], *, workdir: Path | None = None, name: str = "proxy"):
        if reason := haproxy_missing_reason():
            raise RuntimeError(reason)
        self.dir = Path(tempfile.mkdtemp(prefix=f"haproxy-{name}-", dir=workdir))
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.socket = self.dir / "admin.sock"
        self.names = [f"node{i + 1}" for i in range(len(ports))]
        self.servers = dict(zip(self.names, ports, strict=True))
        self.config = self.dir / "haproxy.cfg"
        self.config.write_text(haproxy_config(self.port, self.servers, admin_socket=self.socket))
        check = subprocess.run([HAPROXY, "-c", "-q", "-f", str(self.config)], capture_output=True, text=True)
        if check.returncode:
            raise RuntimeError(f"haproxy refused its configuration:\n{check.stdout}{check.stderr}")
        self.log = self.dir / "haproxy.log"
        self.process = subprocess.Popen(
            [HAPROXY, "-db", "-f", str(self.config)],
            stdout=subprocess.DEVNULL,
            stderr=self.log.open("ab"),
            start_new_session=True,
        )
        # Ready when every node is marked up (health checks passed twice) and the front answers.
        wait_for(
            lambda: all(s == "UP" for s in self.states().values()) and http_status(self.port, "/healthz/live") == 200,
            timeout=30,
            what="haproxy",
            process=self.process,
            log=self.log,
        )

    def _admin(self, command: str) -> str:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(2)
            sock.connect(str(self.socket))
            sock.sendall(command.encode() + b"\n")
            chunks = []
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks).decode()

    def states(self) -> dict[str, str]:
        """Each node's state as HAProxy sees it: "UP", "DOWN", or a transition such as "UP 1/2"."""
        text = self._admin("show stat").lstrip("# ")
        rows = csv.DictReader(io.StringIO(text))
        return {row["svname"]: row["status"] for row in rows if row["pxname"] == "web" and row["svname"] in self.names}

    def served(self) -> dict[str, int]:
        """Requests each node has been given by the proxy (health checks not counted)."""
        text = self._admin("show stat").lstrip("# ")
        rows = csv.DictReader(io.StringIO(text))
        return {
            row["svname"]: int(row["stot"]) for row in rows if row["pxname"] == "web" and row["svname"] in self.names
        }

    def stop(self) -> None:
        stop(self.process)
        shutil.rmtree(self.dir, ignore_errors=True)


def haproxy_config(port: int, servers: dict[str, int], *, admin_socket: Path | None = None) -> str:
    """The proxy of a load run (deploy/haproxy.cfg is the same proxy for docker-compose)."""
    lines = [
        "global",
        "    maxconn 2048",
    ]
    if admin_socket:
        lines.append(f"    stats socket {admin_socket} mode 600 level admin")
    lines += [
        "",
        "defaults",
        "    mode http",
        "    timeout connect 2s",
        "    timeout client 60s",
        "    timeout server 60s",
        "    timeout http-request 10s",
        # A node that refuses the connection (killed): try again, on the other node.
        "    retries 2",
        "    option redispatch 1",
        # The client's address for rate limits, lockouts and the audit trail (TRUSTED_PROXIES=127.0.0.1).
        "    option forwardfor",
        "    option http-server-close",
        "",
        "frontend portal",
        f"    bind 127.0.0.1:{port}",
        "    default_backend web",
        "",
        "backend web",
        "    balance roundrobin",
        "    option httpchk GET /healthz/ready",
        "    http-check send hdr Host 127.0.0.1",
        "    http-check expect status 200",
        "    default-server inter 1s fall 2 rise 2",
    ]
    lines += [f"    server {name} 127.0.0.1:{p} check" for name, p in servers.items()]
    return "\n".join(lines) + "\n"


class CeleryBeat:
    """The one scheduler of a run, however many web nodes (the sweeps it sends claim their rows safely)."""

    def __init__(self, *, env: dict, workdir: Path):
        self.log = workdir / "celery-beat.log"
        self.log.write_text("")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "portal",
                "beat",
                "--loglevel",
                "INFO",
                "--schedule",
                str(workdir / "celerybeat-schedule"),
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=self.log.open("ab"),
        )
        wait_for(
            lambda: "beat: Starting" in self.log.read_text(errors="replace"),
            timeout=60,
            what="celery beat",
            process=self.process,
            log=self.log,
        )

    def stop(self) -> None:
        stop(self.process)


def parse_nodes(text: str) -> list[int]:
    """ "2" -> [1, 2] (a 2-node run measures 1 node first, for the ratio); "1,2" -> [1, 2]; "1" -> [1]."""
    try:
        counts = sorted({int(part) for part in text.split(",") if part.strip()})
    except ValueError:
        raise SystemExit(f"load: --nodes takes a number or numbers with commas (1,2), not {text!r}") from None
    if not counts or counts[0] < 1 or counts[-1] > 8:
        raise SystemExit(f"load: --nodes must be between 1 and 8, not {text!r}")
    return counts if len(counts) > 1 or counts[0] == 1 else [1, counts[0]]


def start_s3() -> S3Server:
    """Before Django is set up: the S3 server, and S3_* (plus the proxy as a trusted one) in this process's
    environment, which every node and worker inherits."""
    s3 = S3Server()
    os.environ.update({**s3.env, "TRUSTED_PROXIES": "127.0.0.1"})
    return s3


# --- what a second node must prove ----------------------------------------------------------------------


def _png() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (48, 32), "white")
    ImageDraw.Draw(image).line((0, 0, 48, 32), fill="black", width=2)
    ImageDraw.Draw(image).text((4, 10), uuid.uuid4().hex[:6], fill="black")  # each run's file differs
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _login(session: Session, national_id: str, password: str) -> None:
    session.get("/accounts/login/")
    reply = session.post_form("/accounts/login/", {"login": national_id, "password": password})
    if reply.status != 302 or "sessionid" not in session.cookies:
        raise RuntimeError(f"sign-in of {national_id} on port {session.port} failed: HTTP {reply.status}")


@dataclass
class SharedFile:
    """A file uploaded through one node and read back through another."""

    upload_port: int
    read_port: int
    path: str
    uploaded: bytes
    read_status: int
    read: bytes
    stranger_status: int
    in_bucket: bool

    @property
    def ok(self) -> bool:
        return self.read_status == 200 and self.read == self.uploaded and self.stranger_status == 404 and self.in_bucket


def file_through_two_nodes(
    *,
    upload_port: int,
    read_port: int,
    owner: str,
    stranger: str,
    password: str,
    vehicle: tuple[str, str, str],
    s3: S3Server,
) -> SharedFile:
    """An accident claim with its police sketch submitted through ``upload_port`` (node A) by ``owner``;
    the sketch then downloaded through ``read_port`` (node B) with the same session: same bytes. Someone
    else asking node B for it gets 404, and the object is in the bucket (not on A's disk)."""
    from datetime import date, timedelta

    before = set(s3.keys())
    session = Session(upload_port)
    _login(session, owner, password)
    session.get("/accidents/new/")
    sketch = _png()
    code, number, registration = vehicle
    reply = session.post_multipart(
        "/accidents/new/",
        {
            "plate_code": code,
            "plate_number": number,
            "registration_number": registration,
            "accident_date": (date.today() - timedelta(days=1)).isoformat(),
            "accident_place": "شارع الملكة رانيا",
            "damaged_property": "lamp_post",
            "police_report_number": f"PR-{uuid.uuid4().int % 10**8}",
            "contact_mobile": "0791234567",
            "insurer": "",
            "policy_number": "",
        },
        files={"sketch": ("kroka.png", "image/png", sketch)},
    )
    location = reply.headers.get("Location") if reply.headers else None
    if reply.status != 302 or not location:
        raise RuntimeError(f"the claim was not accepted by node A: HTTP {reply.status}")
    page = session.get(location).body.decode(errors="replace")
    found = re.search(r"/files/([0-9a-f-]{36})/", page)
    if not found:
        raise RuntimeError("the claim's page links no file")
    path = found.group(0)
    on_b = Session(read_port)
    on_b.cookies = dict(session.cookies)  # the same person, now served by node B
    read = on_b.get(path)
    stranger_session = Session(read_port)
    _login(stranger_session, stranger, password)
    return SharedFile(
        upload_port=upload_port,
        read_port=read_port,
        path=path,
        uploaded=sketch,
        read_status=read.status,
        read=read.body,
        stranger_status=stranger_session.get(path).status,
        in_bucket=any(key.startswith("uploads/") for key in set(s3.keys()) - before),
    )


def wait_marked_down(proxy: HAProxy, name: str, *, timeout: float = 30.0) -> float:
    """Poll the proxy until it has marked ``name`` DOWN; returns that moment (time.perf_counter())."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with suppress(OSError):
            if proxy.states().get(name, "").startswith("DOWN"):
                return time.perf_counter()
        time.sleep(0.05)
    raise RuntimeError(f"haproxy did not mark {name} down within {timeout:.0f} s")
