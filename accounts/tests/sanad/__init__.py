"""A real OpenID Provider playing Sanad in the tests (``provider.mjs``: npm ``oidc-provider``), and a
helper that walks its login and consent pages the way a person would, without a browser."""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import requests

SCRIPT = Path(__file__).resolve().parent / "provider.mjs"
CALLBACK_PATH = "/accounts/oidc/sanad/login/callback/"
CLIENT_ID = "gam-eservices-test"
CLIENT_SECRET = "sanad-test-secret-0123456789"
ID_CLAIM = "national_id"

# People Sanad knows. Numbers 98… never collide with the factories' 99… sequence.
HOLDER = "holder"  # a Jordanian whose number a squatter may have claimed
RESIDENT = "resident"  # a non-Jordanian: a personal number and a nationality
NO_NUMBER = "no-number"  # an identity without the number claim
USERS = {
    HOLDER: {ID_CLAIM: "9881000001", "name": "ليلى حسن الخطيب", "given_name": "ليلى", "family_name": "الخطيب"},
    "holder2": {
        ID_CLAIM: "9881000002",
        "name": "كريم سالم العمري",
        "email": "karim@example.jo",
        "email_verified": True,
    },
    RESIDENT: {ID_CLAIM: "EG7654321", "name": "Omar Farouk Hassan", "nationality": "مصري"},
    NO_NUMBER: {"name": "بلا رقم"},
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class SanadServer:
    issuer: str
    process: subprocess.Popen
    log: list[str] = field(default_factory=list)

    @classmethod
    def start(cls, *, folder: Path, redirect_uris: list[str]) -> SanadServer:
        node = shutil.which("node")
        if node is None:
            raise RuntimeError("node is not installed: `make test` installs it")
        port = _free_port()
        config = folder / "sanad.json"
        config.write_text(
            json.dumps(
                {
                    "port": port,
                    "client_id": CLIENT_ID,
                    "client_secret": CLIENT_SECRET,
                    "redirect_uris": redirect_uris,
                    "id_claim": ID_CLAIM,
                    "users": USERS,
                }
            ),
            encoding="utf-8",
        )
        process = subprocess.Popen(
            [node, str(SCRIPT), str(config)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            cwd=SCRIPT.parent,
        )
        line = process.stdout.readline()
        if not line.startswith("READY "):
            process.kill()
            raise RuntimeError(f"the test Sanad did not start: {line!r}")
        server = cls(issuer=line.split()[1], process=process)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                requests.get(f"{server.issuer}/.well-known/openid-configuration", timeout=1).raise_for_status()
                return server
            except requests.RequestException:
                time.sleep(0.1)
        server.stop()
        raise RuntimeError("the test Sanad does not answer")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()


def _form(html: str) -> str:
    match = re.search(r'<form[^>]*action="([^"]+)"', html)
    assert match, html[:500]
    return unescape(match.group(1))


def provider_walk(authorize_url: str, *, login: str, stop_at: str) -> str:
    """Follow Sanad from the authorization request through its login and consent pages, as ``login``;
    return the first redirect that leaves Sanad for ``stop_at`` (the portal's callback with its code)."""
    session = requests.Session()
    url, method, data = authorize_url, "GET", None
    for _step in range(20):
        response = session.request(method, url, data=data, allow_redirects=False, timeout=10)
        if response.is_redirect:
            url = urljoin(url, response.headers["Location"])
            if url.startswith(stop_at):
                return url
            method, data = "GET", None
            continue
        response.raise_for_status()
        action = urljoin(url, _form(response.text))
        if 'name="prompt" value="login"' in response.text:
            data = {"prompt": "login", "login": login, "password": "any"}
        else:
            data = {"prompt": "consent"}
        url, method = action, "POST"
    raise AssertionError("Sanad never sent the person back")


def sign_in_with_sanad(client, *, login: str, process: str = "login", tamper=None):
    """The whole sign-in through Django's test client: the portal's button (POST), Sanad's pages,
    then the callback. ``tamper(session)`` may change the portal session before the callback."""
    started = client.post("/accounts/oidc/sanad/login/", {"process": process})
    assert started.status_code == 302, started.content[:500]
    authorize = started["Location"]
    callback = provider_walk(authorize, login=login, stop_at="http://testserver/")
    if tamper is not None:
        session = client.session
        tamper(session)
        session.save()
    parts = urlsplit(callback)
    return client.get(f"{parts.path}?{parts.query}")
