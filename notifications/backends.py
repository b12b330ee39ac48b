"""SMS backends, chosen by ``settings.SMS_BACKEND``: ``console``, ``outbox`` or ``http``.

A backend's ``send(*, mobile, text, reference)`` returns the provider's message id or raises
:class:`SmsError`. ``SmsError.permanent`` tells the task not to retry (the gateway refused the
message itself, e.g. an invalid number); anything else is retried with backoff.
"""

from __future__ import annotations

import base64
import json
import logging
import sys
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)


class SmsError(Exception):
    def __init__(self, message: str, *, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


class ConsoleBackend:
    """Prints the message (the default: `make run` needs no gateway)."""

    name = "console"

    def __init__(self, stream=None):
        self.stream = stream

    def send(self, *, mobile: str, text: str, reference: str) -> str:
        stream = self.stream or sys.stdout
        stream.write(f"[SMS to {mobile}] {text}\n")
        stream.flush()
        return f"console-{reference}"


class OutboxBackend:
    """Stores only: the Notification row is the outbox (tests and the demo read it there)."""

    name = "outbox"

    def send(self, *, mobile: str, text: str, reference: str) -> str:
        return f"outbox-{reference}"


class HttpBackend:
    """A gateway reached by HTTP POST (form-encoded), authenticated with HTTP Basic.

    Fields: ``from`` (sender id), ``to`` (E.164 without "+"), ``text``, ``reference`` (our id, so a
    gateway that de-duplicates can do so). A 2xx answer carries the provider id either as JSON
    (``id`` or ``message_id``) or as the plain-text body. 4xx answers other than 408/429 are permanent
    refusals; 5xx, 408, 429, timeouts and connection errors are temporary.
    """

    name = "http"
    timeout = 10

    def __init__(self, *, url=None, username=None, password=None, sender_id=None, opener=None):
        self.url = url if url is not None else settings.SMS_HTTP_URL
        self.username = username if username is not None else settings.SMS_HTTP_USERNAME
        self.password = password if password is not None else settings.SMS_HTTP_PASSWORD
        self.sender_id = sender_id if sender_id is not None else settings.SMS_SENDER_ID
        if urllib.parse.urlsplit(self.url).scheme not in ("http", "https"):
            raise ImproperlyConfigured("SMS_BACKEND=http needs SMS_HTTP_URL starting with https:// or http://")
        # The opener is the transport seam tests replace; a plain one follows no proxies we did not ask for.
        self.opener = opener or urllib.request.build_opener()

    def _request(self, *, mobile: str, text: str, reference: str) -> urllib.request.Request:
        body = urllib.parse.urlencode(
            {"from": self.sender_id, "to": mobile.lstrip("+"), "text": text, "reference": reference}
        ).encode()
        # The scheme was checked in __init__ (no file: or custom schemes).
        request = urllib.request.Request(self.url, data=body, method="POST")  # noqa: S310
        request.add_header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
        request.add_header("Accept", "application/json, text/plain")
        if self.username:
            token = base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
            request.add_header("Authorization", f"Basic {token}")
        return request

    def send(self, *, mobile: str, text: str, reference: str) -> str:
        request = self._request(mobile=mobile, text=text, reference=reference)
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                status = response.status
                payload = response.read(4096).decode("utf-8", "replace").strip()
        except urllib.error.HTTPError as exc:
            permanent = 400 <= exc.code < 500 and exc.code not in (408, 429)
            raise SmsError(f"gateway answered HTTP {exc.code}", permanent=permanent) from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise SmsError(f"gateway unreachable: {exc}") from exc
        if not 200 <= status < 300:
            raise SmsError(f"gateway answered HTTP {status}")
        return _provider_id(payload)


def _provider_id(payload: str) -> str:
    try:
        data = json.loads(payload)
    except ValueError:
        return payload[:100]
    if isinstance(data, dict):
        if data.get("status") in ("error", "failed"):
            raise SmsError(f"gateway refused: {str(data.get('error') or data)[:200]}", permanent=True)
        return str(data.get("id") or data.get("message_id") or "")[:100]
    return str(data)[:100]


BACKENDS = {"console": ConsoleBackend, "outbox": OutboxBackend, "http": HttpBackend}


def get_backend():
    name = settings.SMS_BACKEND
    try:
        return BACKENDS[name]()
    except KeyError:
        raise ImproperlyConfigured(f"SMS_BACKEND must be one of {', '.join(BACKENDS)}, not {name!r}") from None
