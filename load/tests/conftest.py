"""Fixtures for the fault tests: real processes (gunicorn, Celery worker, redis-server, PostgreSQL)
around the test database. Each test starts its own servers on spare ports and stops only those."""

import os
import shutil

import pytest
from django.db import connection

from load.gateway import SmsGateway
from load.procs import RedisServer


def _needs_real_servers():
    if connection.vendor != "postgresql":
        pytest.skip("fault tests need PostgreSQL (DATABASE_URL)")
    if not shutil.which("redis-server"):
        pytest.skip("fault tests need redis-server")


def database_url(name: str | None = None) -> str:
    s = connection.settings_dict
    user = s.get("USER") or "postgres"
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}/{name or s['NAME']}"


@pytest.fixture
def gateway():
    with SmsGateway() as gw:
        yield gw


@pytest.fixture
def private_redis():
    server = RedisServer()
    yield server
    server.cleanup()


@pytest.fixture
def fault_env(transactional_db, tmp_path, gateway):
    """The environment of the processes a fault test starts: load.settings on the test database."""
    _needs_real_servers()
    from payments.testing import keys_for_tests

    k = keys_for_tests()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_", "REDIS_", "CELERY_", "CACHE_", "SMS_", "PYTEST", "DJANGO_"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "load.settings",
            "DEBUG": "True",  # load.settings turns it off (see there)
            "DATABASE_URL": database_url(),
            "CONN_MAX_AGE": "60",
            "SMS_BACKEND": "http",
            "SMS_HTTP_URL": gateway.url,
            "DATA_DIR": str(tmp_path / "data"),
            "EFAWATEERCOM_PEER_PUBLIC_KEY": k.peer_public_path,
            "EFAWATEERCOM_BILLER_PRIVATE_KEY": k.biller_private_path,
            "LOG_LEVEL": "WARNING",
        }
    )
    return env
