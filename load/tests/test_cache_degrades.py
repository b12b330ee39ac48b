"""portal.cache.FaultTolerantRedisCache against a Redis that is not there (a closed local port): every
call answers as a miss, quickly, with one logged warning; rate limits fail open (settings)."""

import logging
import time

import pytest
from django.test import RequestFactory
from django_ratelimit import core
from django_ratelimit.core import is_ratelimited

from load.procs import free_port
from portal import cache as fault_tolerant
from portal.cache import FaultTolerantRedisCache


@pytest.fixture
def dead_cache(monkeypatch):
    monkeypatch.setattr(fault_tolerant, "_last_warning", 0.0)
    return FaultTolerantRedisCache(
        f"redis://127.0.0.1:{free_port()}/0", {"OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}
    )


def test_a_dead_redis_reads_as_a_miss_and_logs_one_warning(dead_cache, caplog):
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="portal.cache"):
        assert dead_cache.get("k", "default") == "default"
        assert dead_cache.add("k", 1) is False
        dead_cache.set("k", 1)
        assert dead_cache.incr("k") is None
        assert dead_cache.get_many(["a", "b"]) == {}
        assert dead_cache.delete("k") is False
    assert time.monotonic() - started < 10
    warnings = [r for r in caplog.records if r.name == "portal.cache"]
    assert len(warnings) == 1 and "cache unavailable" in warnings[0].getMessage()


def test_rate_limits_fail_open_while_the_cache_is_down(dead_cache, settings, monkeypatch):
    assert settings.RATELIMIT_FAIL_OPEN is True
    monkeypatch.setattr(core, "caches", {"default": dead_cache})
    request = RequestFactory().post("/violations/vehicle/", REMOTE_ADDR="10.0.0.1")
    assert not any(
        is_ratelimited(request, group="t", key="ip", rate="1/h", method="POST", increment=True) for _ in range(5)
    )
