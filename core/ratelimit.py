"""Rate limits on the shared cache (django-ratelimit), one way for every app, and the 429 answer.

``limited`` counts one request against every rate given and says whether any is exceeded. Every
counter is incremented even when one is already over, so a blocked client keeps paying.
"""

from collections.abc import Callable, Iterable
from functools import wraps

from django.conf import settings
from django.shortcuts import render
from django_ratelimit import ALL
from django_ratelimit.core import is_ratelimited

Key = str | Callable


def client_ip(request) -> str | None:
    """The address the request came from, as rate limits, lockouts and the audit trail see it."""
    return request.META.get("REMOTE_ADDR") or None


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
    over = False
    for rate in rates:
        counter = group if len(rates) == 1 else f"{group}:{rate}"
        over |= is_ratelimited(request, group=counter, key=key, rate=rate, method=method, increment=True)
    return over


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
