"""Reading settings from the environment with messages that name the variable at fault.

django-environ is lenient where a wrong value is dangerous: ``DEBUG=flase`` silently reads as False
and ``DATABASE_URL=postgress://...`` as a database with engine "postgress". ``read_env`` makes those
stop start-up instead, naming the variable, so a typo is found at deploy time rather than at 3 am.
"""

import ipaddress
import os
from pathlib import Path

import environ

_TRUE = {"1", "true", "yes", "on", "y", "t"}
_FALSE = {"0", "false", "no", "off", "n", "f", ""}


class ConfigError(Exception):
    """A setting is missing or malformed; the message names the variable."""


def _reader_is(reader, method) -> bool:
    return getattr(reader, "__func__", None) is method


def _check_value(reader, name, value):
    raw = os.environ.get(name)
    if raw is None:
        return
    if _reader_is(reader, environ.Env.bool) and raw.strip().lower() not in _TRUE | _FALSE:
        raise ConfigError(f"Configuration error: environment variable {name} must be true or false, not {raw!r}.")
    if _reader_is(reader, environ.Env.db_url):
        engine = value.get("ENGINE", "")
        if "." not in engine or (not value.get("NAME") and "sqlite" not in engine):
            raise ConfigError(
                f"Configuration error: environment variable {name} is not a database URL Django knows"
                " (e.g. postgres://user:password@host:5432/name or sqlite:///path/db.sqlite3)."
            )


def read_env(reader, name, *, default, file_ok=False, choices=None, schemes=None):
    """Read one variable with a django-environ reader; stop start-up naming it if malformed.

    With ``file_ok``, ``NAME_FILE`` may point at a file holding the secret (Docker/K8s secrets).
    With ``choices``, the value must be one of them; with ``schemes``, a non-empty value must be a URL
    with one of those schemes.
    """
    file_var = f"{name}_FILE"
    if file_ok and os.environ.get(file_var) and not os.environ.get(name):
        path = Path(os.environ[file_var])
        try:
            return path.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise SystemExit(f"Configuration error: {file_var} points at an unreadable file ({exc}).") from None
    try:
        value = reader(name, default=default)
        _check_value(reader, name, value)
    except ConfigError as exc:
        raise SystemExit(str(exc)) from None
    except Exception as exc:  # django-environ raises assorted errors for bad values
        raise SystemExit(f"Configuration error: environment variable {name} is malformed ({exc}).") from None
    if choices is not None and value not in choices:
        raise SystemExit(
            f"Configuration error: environment variable {name} must be one of {', '.join(choices)}, not {value!r}."
        )
    if schemes is not None and value and not value.startswith(tuple(f"{scheme}://" for scheme in schemes)):
        raise SystemExit(
            f"Configuration error: environment variable {name} must be a URL starting with"
            f" {' or '.join(f'{scheme}://' for scheme in schemes)}."
        )
    return value


def check_production(*, SECRET_KEY, ALLOWED_HOSTS):  # noqa: N803 - named after the settings they check
    if not SECRET_KEY or len(SECRET_KEY) < 50 or SECRET_KEY.startswith("dev-only") or len(set(SECRET_KEY)) < 5:
        raise ConfigError(
            "Configuration error: SECRET_KEY must be set to a random value of at least 50 characters when DEBUG is off."
        )
    if not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS:
        raise ConfigError("Configuration error: ALLOWED_HOSTS must list the portal's host names when DEBUG is off.")


def check_dependent(*, SMS_BACKEND, SMS_HTTP_URL):  # noqa: N803 - named after the settings they check
    """Variables that another variable makes required, in any mode (a gateway with no address)."""
    if SMS_BACKEND == "http" and not SMS_HTTP_URL:
        raise ConfigError(
            "Configuration error: environment variable SMS_HTTP_URL must be set when SMS_BACKEND is http."
        )


def check_proxies(*, TRUSTED_PROXIES, TRUSTED_PROXY_COUNT):  # noqa: N803 - named after the settings they check
    """The proxies the client address is read behind (core.ratelimit.client_ip): one way, well written."""
    if TRUSTED_PROXIES and TRUSTED_PROXY_COUNT:
        raise ConfigError("Configuration error: set TRUSTED_PROXIES or TRUSTED_PROXY_COUNT, not both.")
    if TRUSTED_PROXY_COUNT < 0:
        raise ConfigError("Configuration error: environment variable TRUSTED_PROXY_COUNT must be 0 or more.")
    for entry in TRUSTED_PROXIES:
        try:
            ipaddress.ip_network(entry.strip(), strict=False)
        except ValueError:
            raise ConfigError(
                f"Configuration error: environment variable TRUSTED_PROXIES must list IP addresses or networks"
                f" (CIDR) separated by commas; {entry!r} is neither."
            ) from None


def check_sanad(*, SANAD_ISSUER_URL, SANAD_CLIENT_ID, SANAD_CLIENT_SECRET, DEBUG):  # noqa: N803 - named after the settings
    """Sign in with Sanad needs its client id and secret once the issuer is set, and HTTPS in production."""
    if not SANAD_ISSUER_URL:
        return
    if not DEBUG and not SANAD_ISSUER_URL.startswith("https://"):
        raise ConfigError("Configuration error: SANAD_ISSUER_URL must be an https:// URL when DEBUG is off.")
    for name, value in (("SANAD_CLIENT_ID", SANAD_CLIENT_ID), ("SANAD_CLIENT_SECRET", SANAD_CLIENT_SECRET)):
        if not value:
            raise ConfigError(
                f"Configuration error: environment variable {name} (or {name}_FILE) must be set when SANAD_ISSUER_URL is set."
                if name == "SANAD_CLIENT_SECRET"
                else f"Configuration error: environment variable {name} must be set when SANAD_ISSUER_URL is set."
            )
