"""core.ratelimit.usages: several rate limits counted and read in one go, on the same counters as
django-ratelimit (either counts what the other reads), in one round trip on the portal's Redis cache."""

import os
import uuid
from types import SimpleNamespace

import pytest
import redis
from django.core.cache.backends.locmem import LocMemCache
from django.test import RequestFactory
from django_ratelimit import core as django_ratelimit
from django_ratelimit.core import get_usage, is_ratelimited

from core import ratelimit
from core.ratelimit import Count, usages
from load.procs import free_port
from portal import cache as fault_tolerant
from portal.cache import FaultTolerantRedisCache


def _redis_cache(url: str) -> FaultTolerantRedisCache:
    return FaultTolerantRedisCache(
        url, {"KEY_PREFIX": f"t-{uuid.uuid4().hex}", "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}
    )


@pytest.fixture(params=["locmem", "redis"])
def cache(request, monkeypatch):
    if request.param == "redis":
        url = os.environ.get("REDIS_URL")
        if not url:
            pytest.skip("needs a Redis server (REDIS_URL)")
        found = _redis_cache(url)
    else:
        found = LocMemCache(f"t-{uuid.uuid4().hex}", {})
    monkeypatch.setattr(ratelimit, "caches", {"default": found})
    monkeypatch.setattr(django_ratelimit, "caches", {"default": found})
    return found


def _post(ip="10.0.0.7", user_pk=5):
    request = RequestFactory().post("/violations/vehicle/", REMOTE_ADDR=ip)
    request.user = SimpleNamespace(pk=user_pk, is_authenticated=True)
    return request


def test_counts_are_django_ratelimits_counts_both_ways(cache):
    request = _post()
    for n in (1, 2, 3):
        (usage,) = usages(request, [Count("g", "5/h", key="ip")])
        assert usage["count"] == n and usage["limit"] == 5 and not usage["should_limit"]
    assert get_usage(request, group="g", key="ip", rate="5/h", increment=False)["count"] == 3
    for _ in range(3):
        is_ratelimited(request, group="g", key="ip", rate="5/h", increment=True)
    (look,) = usages(request, [Count("g", "5/h", key="ip", increment=False)])
    assert look["count"] == 6 and look["should_limit"]


def test_several_limits_at_once_each_its_own_counter(cache):
    request = _post()
    person = lambda group, request: f"{request.user.pk}:plate"  # noqa: E731
    counts = [
        Count("user", "2/h", key="user", method="POST"),
        Count("ip", "10/h", key="ip", method="POST"),
        Count("guess", "3/h", key=person, increment=False),
    ]
    for _ in range(2):
        user, ip, guess = usages(request, counts)
    assert (user["count"], ip["count"], guess["count"]) == (2, 2, 0)
    user, ip, guess = usages(request, counts)
    assert user["should_limit"] and not ip["should_limit"]  # over the person's limit: still counted everywhere
    assert get_usage(request, group="ip", key="ip", rate="10/h", method="POST", increment=False)["count"] == 3
    is_ratelimited(request, group="guess", key=person, rate="3/h", increment=True)
    assert usages(request, counts[2:])[0]["count"] == 1
    other = _post(ip="10.0.0.8", user_pk=6)
    assert [u["count"] for u in usages(other, counts)] == [1, 1, 0]  # another person, another address


def test_nothing_counted_for_another_method_no_request_or_limits_off(cache, settings):
    get = RequestFactory().get("/violations/vehicle/", REMOTE_ADDR="10.0.0.7")
    assert usages(get, [Count("g", "5/h", method="POST")]) == [None]
    assert usages(None, [Count("g", "5/h")]) == [None]
    settings.RATELIMIT_ENABLE = False
    assert usages(_post(), [Count("g", "5/h")]) == [None]


def test_on_redis_a_new_counter_expires_with_its_window_and_all_go_in_one_round_trip(cache, monkeypatch):
    if not isinstance(cache, FaultTolerantRedisCache):
        pytest.skip("Redis only")
    sent, direct = [], []
    real_execute, real_command = redis.client.Pipeline.execute, redis.client.Redis.execute_command
    monkeypatch.setattr(
        redis.client.Pipeline, "execute", lambda self, *a, **k: sent.append(1) or real_execute(self, *a, **k)
    )
    monkeypatch.setattr(redis.client.Redis, "execute_command", lambda self, *a, **k: direct.append(a[0]) or real_command(self, *a, **k))  # fmt: skip
    usages(_post(), [Count("a", "5/h"), Count("b", "5/m"), Count("c", "5/h", increment=False)])
    assert sent == [1] and direct == []
    client = cache._cache.get_client(None, write=True)
    ttls = sorted(client.ttl(key) for key in client.keys(f"{cache.key_prefix}*"))
    assert len(ttls) == 2 and 0 < ttls[0] <= 65 and 65 < ttls[1] <= 3605  # the counter read was not created


def test_with_redis_down_limits_fail_open_as_configured(settings, monkeypatch):
    monkeypatch.setattr(fault_tolerant, "_last_warning", 0.0)
    dead = _redis_cache(f"redis://127.0.0.1:{free_port()}/0")
    monkeypatch.setattr(ratelimit, "caches", {"default": dead})
    counts = [Count("g", "1/h"), Count("h", "1/h", increment=False)]
    assert settings.RATELIMIT_FAIL_OPEN is True
    assert usages(_post(), counts)[0] is None
    settings.RATELIMIT_FAIL_OPEN = False
    refused, read = usages(_post(), counts)
    assert refused["should_limit"] and read["count"] == 0  # read as django-ratelimit reads a miss
