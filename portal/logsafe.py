"""Log lines that carry no secrets and cannot be forged by user input (issue 11, audit).

``SafeFormatter`` is the formatter of every handler in settings.LOGGING:
- control characters in the message (newline, carriage return, ESC...) are written escaped, so a
  value typed by a user (a path, a reference, a name) cannot start a fake log line or colour a
  terminal; tracebacks appended by the logging module itself keep their lines;
- ``password=...``, ``token: ...``, ``secret=...``, ``otp=...``, ``code=...`` style pairs, HTTP
  Authorization values, and the SECRET_KEY itself are replaced by ``***``.
The portal's own log calls name ids, never values (user_id=..., a reference); this is the net behind them.
"""

import logging
import re

REDACTED = "***"
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
_SECRET_PAIRS = re.compile(
    r"(?i)\b(password\d?|passwd|pwd|secret(?:_key)?|token|api[_-]?key|authorization|otp(?:_token)?|code)"
    r"(\"?'?\s*[=:]\s*\"?'?)(?:(?:bearer|basic|token)\s+)?([^\s,;&\"'}]+)"
)


def _escape_control(match: re.Match) -> str:
    char = match.group(0)
    return {"\n": "\\n", "\r": "\\r"}.get(char, f"\\x{ord(char):02x}")


def redact(text: str) -> str:
    text = _SECRET_PAIRS.sub(lambda m: f"{m.group(1)}{m.group(2)}{REDACTED}", text)
    try:
        from django.conf import settings

        secret_key = settings.SECRET_KEY if settings.configured else ""
    except Exception:  # settings not ready (early start-up): nothing to hide yet
        secret_key = ""
    if secret_key and secret_key in text:
        text = text.replace(secret_key, REDACTED)
    return text


def sanitise(text: str) -> str:
    return _CONTROL.sub(_escape_control, redact(text))


class SafeFormatter(logging.Formatter):
    def formatMessage(self, record):  # noqa: N802 - logging.Formatter's name
        return sanitise(super().formatMessage(record))
