"""A fake SMS gateway that records every send, for checking "every SMS sent exactly once".

It speaks what ``services.sms_backends.HttpBackend`` sends (form POST: from, to, text, reference)
and, like a real gateway, de-duplicates by ``reference``: a message sent again under the same
reference (after a worker died mid-send) is acknowledged but delivered to the phone only once.
``attempts`` counts every request, ``delivered`` every message that reached a phone.
"""

from __future__ import annotations

import json
import threading
import urllib.parse
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class SmsGateway:
    def __init__(self):
        self.attempts: Counter[str] = Counter()
        self.delivered: Counter[str] = Counter()
        self._lock = threading.Lock()
        # While set, a request is received (and delivered) but not answered until released: the
        # fault test kills the worker in exactly that moment.
        self.hold = threading.Event()
        self.release = threading.Event()
        self.holding = threading.Event()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                form = {k: v[0] for k, v in urllib.parse.parse_qs(self.rfile.read(length).decode()).items()}
                reference = form.get("reference", "")
                with gateway._lock:
                    gateway.attempts[reference] += 1
                    first = gateway.delivered[reference] == 0
                    if first:
                        gateway.delivered[reference] += 1
                if gateway.hold.is_set():
                    gateway.holding.set()
                    gateway.release.wait(60)
                payload = json.dumps({"id": f"gw-{reference}", "duplicate": not first}).encode()
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except OSError:
                    pass  # the worker died while we held its request

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms/send"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
