"""A Redis cache that degrades instead of failing when Redis is unreachable.

The cache holds nothing that cannot be recomputed (choice lists, rate-limit counters), so a Redis
outage must cost speed and throttling, never a page: every call that fails with a Redis error answers
as a cache miss would (``get`` -> default, ``add``/``set`` -> not stored, ``incr`` -> None) and logs a
warning, at most once per ``WARN_EVERY`` seconds per process so an outage does not flood the log.
Rate limits then fail open (``RATELIMIT_FAIL_OPEN`` in settings); sign-in lockouts (django-axes) live
in the database and keep working. Proven by ``load/tests/test_faults.py``.
"""

from __future__ import annotations

import functools
import logging
import threading
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

WARN_EVERY = 30.0
_last_warning = 0.0
_lock = threading.Lock()


def _warn(operation: str, exc: Exception) -> None:
    global _last_warning
    now = time.monotonic()
    with _lock:
        if now - _last_warning < WARN_EVERY:
            return
        _last_warning = now
    logger.warning("cache unavailable (%s failed: %s); serving without the cache", operation, exc)


def _degrade(fallback):
    """Wrap a cache method: on a Redis error, log and return ``fallback(*args, **kwargs)``."""

    def decorator(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except (RedisError, OSError) as exc:
                _warn(method.__name__, exc)
                return fallback(*args, **kwargs)

        return wrapper

    return decorator


def _default(key, default=None, version=None):
    return default


class FaultTolerantRedisCache(RedisCache):
    get = _degrade(_default)(RedisCache.get)
    add = _degrade(lambda *a, **k: False)(RedisCache.add)
    set = _degrade(lambda *a, **k: None)(RedisCache.set)
    touch = _degrade(lambda *a, **k: False)(RedisCache.touch)
    delete = _degrade(lambda *a, **k: False)(RedisCache.delete)
    has_key = _degrade(lambda *a, **k: False)(RedisCache.has_key)
    # None, not a number: django-ratelimit reads it as "count unknown" (then RATELIMIT_FAIL_OPEN applies).
    incr = _degrade(lambda *a, **k: None)(RedisCache.incr)
    get_many = _degrade(lambda *a, **k: {})(RedisCache.get_many)
    set_many = _degrade(lambda keys, *a, **k: list(keys))(RedisCache.set_many)
    delete_many = _degrade(lambda *a, **k: None)(RedisCache.delete_many)
    clear = _degrade(lambda *a, **k: False)(RedisCache.clear)

    def count_many(self, increments, looks):
        """Rate-limit counters (core.ratelimit.usages), all in one round trip: each of ``increments`` (key,
        timeout) counted once, its expiry set when the count starts (one script: a counter never outlives its
        window), and each of ``looks`` read. Answers (the new counts, the counts read: 0 for none). Redis down:
        counts unknown (None: RATELIMIT_FAIL_OPEN applies) and nothing read, as ``incr`` and ``get`` degrade."""
        names = [self.make_and_validate_key(key) for key in looks]
        try:
            client = self._cache.get_client(None, write=True)  # the one server every counter is written to
            pipe = client.pipeline(transaction=False)
            for key, timeout in increments:
                pipe.eval(COUNT_SCRIPT, 1, self.make_and_validate_key(key), int(timeout))
            if names:
                pipe.mget(names)
            results = pipe.execute()
        except (RedisError, OSError) as exc:
            _warn("count_many", exc)
            return [None] * len(increments), [0] * len(looks)
        counts = [int(n) for n in results[: len(increments)]]
        read = results[len(increments)] if names else []
        return counts, [0 if value is None else int(value) for value in read]


# INCR, and the counter's expiry when this INCR started it (as django-ratelimit's add-then-incr does).
COUNT_SCRIPT = (
    "local n = redis.call('INCR', KEYS[1]) if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end return n"
)
