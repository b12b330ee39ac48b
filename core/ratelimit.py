"""Rate limits on the shared cache (django-ratelimit), one way for every app, and the 429 answer.

``limited`` counts one request against every rate given and says whether any is exceeded. Every
counter is incremented even when one is already over, so a blocked client keeps paying. Counting and reading
go through ``usages``: django-ratelimit's counters, the cache asked once per request's limits.
"""

import ipaddress
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache, wraps

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.shortcuts import render
from django.utils.module_loading import import_string
from django_ratelimit import ALL
from django_ratelimit.core import (
    _SIMPLE_KEYS,
    EXPIRATION_FUDGE,
    _get_window,
    _make_cache_key,
    _method_match,
    _split_rate,
    get_usage,
)

Key = str | Callable
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def _address(text: str) -> IPAddress | None:
    """One hop as a proxy writes it: ``1.2.3.4``, ``1.2.3.4:5678``, ``2001:db8::1``, ``[2001:db8::1]:443``."""
    text = text.strip().strip('"')
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:
        text = text.partition(":")[0]  # IPv4 with a port
    try:
        address = ipaddress.ip_address(text.partition("%")[0])
    except ValueError:
        return None
    # An IPv4 client seen by a dual-stack socket is the same client as over IPv4.
    if address.version == 6 and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


@lru_cache(maxsize=8)
def trusted_networks(entries: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    """``TRUSTED_PROXIES`` as networks; a bare address is a /32 (or /128). ValueError names a bad entry."""
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            raise ValueError(f"{entry!r} is not an IP address or network (CIDR)") from None
    return tuple(networks)


def client_ip(request) -> str | None:
    """The address the request came from, as rate limits, lockouts and the audit trail see it.

    With no proxy configured (the default) it is ``REMOTE_ADDR``. Behind proxies it is read from
    ``X-Forwarded-For``, which every proxy appends its peer to, and which the client may have filled
    with anything before that:

    - ``TRUSTED_PROXIES`` (addresses or networks): when ``REMOTE_ADDR`` is one of them, the right-most
      address of the header that is not a trusted proxy. A request from any other address is answered
      by its ``REMOTE_ADDR``: its header is never read (anyone can write one).
    - ``TRUSTED_PROXY_COUNT`` (n): the portal is reachable only through n proxies, so the n-th address
      from the right of the header is the client; with fewer addresses than that, ``REMOTE_ADDR``.

    An empty ``REMOTE_ADDR`` (a Unix socket: the peer is a process on this machine) counts as a
    trusted proxy when one is configured. Not django-ipware: it reads the header without asking
    whether ``REMOTE_ADDR`` is a trusted proxy, and matches proxies inside the header instead.
    """
    meta = request.META
    remote = _address(meta.get("REMOTE_ADDR") or "")
    networks = trusted_networks(tuple(settings.TRUSTED_PROXIES))
    count = settings.TRUSTED_PROXY_COUNT
    if not networks and not count:
        return str(remote) if remote else None
    hops = (meta.get("HTTP_X_FORWARDED_FOR") or "").split(",")
    if networks:
        if remote is not None and not any(remote in network for network in networks):
            return str(remote)
        client = remote
        for hop in reversed(hops):
            address = _address(hop)
            if address is None:
                break  # not an address: keep the nearest one we could read
            client = address
            if not any(address in network for network in networks):
                break
        return str(client) if client else None
    client = _address(hops[-count]) if len(hops) >= count else None
    client = client or remote
    return str(client) if client else None


def ratelimit_ip(request) -> str:
    """``RATELIMIT_IP_META_KEY``: django-ratelimit's "ip" key is :func:`client_ip`, which must name one."""
    address = client_ip(request)
    if address is None:
        raise ImproperlyConfigured(
            "No client address: REMOTE_ADDR is empty (a Unix socket?). Set TRUSTED_PROXIES or TRUSTED_PROXY_COUNT."
        )
    return address


def setting_rate(name: str, default: str) -> Callable:
    """A rate read from ``settings.<name>`` at request time (tests and load tests override them)."""
    return lambda group, request: getattr(settings, name, default)


def limited(request, *, group: str, rates: str | Callable | Iterable, key: Key = "ip", method=ALL) -> bool:
    """Count ``request`` against each of ``rates`` under ``group`` and ``key``; True when one is exceeded.

    ``key`` is one of django-ratelimit's keys ("ip", "user", "user_or_ip") or a callable
    ``(group, request) -> str``. Outside a request (``request is None``: the shell, service-layer
    tests) nothing is counted.
    """
    if request is None:
        return False
    if isinstance(rates, str) or callable(rates):
        rates = (rates,)
    rates = tuple(rates)
    counts = [Count(group if len(rates) == 1 else f"{group}:{rate}", rate, key=key, method=method) for rate in rates]
    return any(over(usage) for usage in usages(request, counts))


def used_up(request, *, group: str, rate: str | Callable, key: Key, method=ALL) -> bool:
    """Would :func:`limited` with this one rate refuse the next request? Looks without counting, for
    limits that count only some outcomes (a wrong guess is counted after the look-up that found it)."""
    if request is None:
        return False
    (usage,) = usages(request, [Count(group, rate, key=key, method=method, increment=False)])
    return at_limit(usage)


def over(usage: dict | None) -> bool:
    """A usage of :func:`usages` just counted: is it past its limit (this request refused)?"""
    return usage is not None and usage["should_limit"]


def at_limit(usage: dict | None) -> bool:
    """A usage of :func:`usages` looked at: would the next count be refused?"""
    return usage is not None and usage["count"] >= usage["limit"]


@dataclass(frozen=True)
class Count:
    """One limit for :func:`usages`: counted (``increment``) as :func:`limited` counts it, or looked at as
    :func:`used_up` looks."""

    group: str
    rate: str | Callable
    key: Key = "ip"
    method: object = ALL
    increment: bool = True


def usages(request, counts: Sequence[Count]) -> list[dict | None]:
    """django-ratelimit's ``get_usage`` for each of ``counts`` (same counters, same keys: either can count what
    the other reads), the cache asked once for all of them: one round trip on Redis where ``get_usage`` takes two
    per counter (an inquiry counts four). None where nothing is counted (rate limits off, another method, no
    rate) or, with RATELIMIT_FAIL_OPEN, where the count is unknown (the cache down)."""
    found: list[dict | None] = [None] * len(counts)
    if request is None or not getattr(settings, "RATELIMIT_ENABLE", True):
        return found
    planned = []
    for i, count in enumerate(counts):
        if not callable(count.key) and count.key not in _SIMPLE_KEYS:  # another kind of key: django-ratelimit's way
            found[i] = get_usage(request, group=count.group, key=count.key, rate=count.rate, method=count.method,
                                 increment=count.increment)  # fmt: skip
            continue
        if not _method_match(request, count.method):
            continue
        rate = count.rate
        if callable(rate):
            rate = rate(count.group, request)
        elif isinstance(rate, str) and "." in rate:
            rate = import_string(rate)(count.group, request)
        if rate is None:
            continue
        limit, period = _split_rate(rate)
        if period <= 0:
            raise ImproperlyConfigured("Ratelimit period must be greater than 0")
        value = count.key(count.group, request) if callable(count.key) else _SIMPLE_KEYS[count.key](request)
        window = _get_window(value, period)
        planned.append((i, _make_cache_key(count.group, window, rate, value, count.method), limit, period, window))
    increments = [(key, period + EXPIRATION_FUDGE) for i, key, _l, period, _w in planned if counts[i].increment]
    looks = [key for i, key, _l, _p, _w in planned if not counts[i].increment]
    counted, read = _count_many(caches[getattr(settings, "RATELIMIT_USE_CACHE", "default")], increments, looks)
    counted, read, now = iter(counted), iter(read), int(time.time())
    for i, _key, limit, _period, window in planned:
        n = next(counted) if counts[i].increment else next(read)
        if n is None or n is False:  # the count is unknown (as get_usage answers it)
            found[i] = None if getattr(settings, "RATELIMIT_FAIL_OPEN", False) else _REFUSED
        else:
            found[i] = {"count": n, "limit": limit, "should_limit": n > limit, "time_left": window - now}
    return found


_REFUSED = {"count": 0, "limit": 0, "should_limit": True, "time_left": -1}


def _count_many(cache, increments: list[tuple[str, int]], looks: list[str]) -> tuple[list, list]:
    """The new counts of ``increments`` (key, timeout) and the counts of ``looks`` (0: none yet). The portal's
    Redis cache does it in one round trip (portal.cache.FaultTolerantRedisCache.count_many); any other cache
    as django-ratelimit does (add, else incr) and one ``get_many``."""
    many = getattr(cache, "count_many", None)
    if many is not None:
        return many(increments, looks)
    counted = []
    for key, timeout in increments:
        if cache.add(key, 1, timeout):
            counted.append(1)
            continue
        try:
            counted.append(cache.incr(key))
        except ValueError:  # gone between the two: count unknown, as get_usage
            counted.append(None)
    read = cache.get_many(looks) if looks else {}
    return counted, [read.get(key, 0) for key in looks]


def wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def too_many_requests(request, exception=None):
    """The portal's 429 page (``settings.RATELIMIT_VIEW``, and every view that counts by hand)."""
    return render(request, "429.html", status=429)


def rate_limit(*, group: str, rates: str | Callable | Iterable, key: Key = "user", method="POST"):
    """A view decorator: count each ``method`` request with :func:`limited`; over the limit, the 429 page.

    The website's views and the app API's endpoints for the same step name the same ``group``, so they
    share one counter per person.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if limited(request, group=group, rates=rates, key=key, method=method):
                return too_many_requests(request)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
