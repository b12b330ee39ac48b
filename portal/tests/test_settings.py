"""Start-up configuration, checked in fresh interpreters: settings are read once per process."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent.parent
# Variables the settings read; the parent test run's own values must not leak into the child.
_PORTAL_VARS = (
    "DEBUG",
    "SECRET_KEY",
    "SECRET_KEY_FILE",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "DATABASE_TEST_NAME",
    "DATABASE_PREPARED_STATEMENTS",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "CELERY_TASK_ALWAYS_EAGER",
    "CACHE_KEY_PREFIX",
    "SMS_BACKEND",
    "SMS_HTTP_URL",
    "SITE_URL",
    "LOG_LEVEL",
    "UPLOAD_MAX_BYTES",
    "TRUSTED_PROXIES",
    "TRUSTED_PROXY_COUNT",
    "DJANGO_ALLOW_ASYNC_UNSAFE",  # the deploy checks rightly refuse it
)


def _manage(*args, **env_vars):
    env = {k: v for k, v in os.environ.items() if k not in _PORTAL_VARS}
    env["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    env.update(env_vars)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )


def _production(**overrides):
    values = {"DEBUG": "False", "SECRET_KEY": secrets.token_urlsafe(64), "ALLOWED_HOSTS": "portal.example"}
    values.update(overrides)
    return values


def test_deploy_checks_pass_with_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **_production())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage("check", DEBUG="False", ALLOWED_HOSTS="portal.example")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_the_development_secret_key():
    key = "dev-only-insecure-key-do-not-use-in-production-0123456789abcdef"
    result = _manage("check", **_production(SECRET_KEY=key))
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    env = _production()
    del env["ALLOWED_HOSTS"]
    result = _manage("check", **env)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_secret_key_may_come_from_a_file(tmp_path):
    key_file = tmp_path / "secret"
    key_file.write_text(secrets.token_urlsafe(64) + "\n")
    env = _production(SECRET_KEY_FILE=str(key_file))
    del env["SECRET_KEY"]
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **env)
    assert result.returncode == 0, result.stderr


def test_unreadable_secret_key_file_is_named(tmp_path):
    env = _production(SECRET_KEY_FILE=str(tmp_path / "missing"))
    del env["SECRET_KEY"]
    result = _manage("check", **env)
    assert result.returncode != 0
    assert "SECRET_KEY_FILE" in result.stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DEBUG", "flase"),
        ("DATABASE_URL", "postgress://user@db:5432/portal"),
        ("DATABASE_URL", "not a url"),
        ("REDIS_URL", "127.0.0.1:6379"),
        ("UPLOAD_MAX_BYTES", "ten megabytes"),
        ("SMS_BACKEND", "carrier-pigeon"),
        ("SITE_URL", "portal.example"),
        ("CELERY_TASK_ALWAYS_EAGER", "sometimes"),
    ],
)
def test_malformed_variable_stops_start_up_naming_it(name, value):
    result = _manage("check", **{name: value})
    assert result.returncode != 0
    assert f"Configuration error: environment variable {name}" in result.stderr
    assert "Traceback" not in result.stderr


def test_http_sms_gateway_without_its_address_stops_start_up_naming_it():
    result = _manage("check", SMS_BACKEND="http")
    assert result.returncode != 0
    assert "SMS_HTTP_URL" in result.stderr and "Traceback" not in result.stderr
    assert _manage("check", SMS_BACKEND="http", SMS_HTTP_URL="https://sms.example/send").returncode == 0


def test_development_defaults_need_no_variables():
    result = _manage("check")
    assert result.returncode == 0, result.stderr


def test_weak_point_language_cookie_is_secure_in_production():
    shell = "from django.conf import settings as s; print(s.LANGUAGE_COOKIE_SECURE, s.LANGUAGE_COOKIE_HTTPONLY, s.LANGUAGE_COOKIE_SAMESITE)"
    assert _manage("shell", "-v", "0", "-c", shell, **_production()).stdout.split() == ["True", "True", "Lax"]
    assert _manage("shell", "-v", "0", "-c", shell).stdout.split() == ["False", "True", "Lax"]
