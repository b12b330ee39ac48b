"""The public page's figures: the dashboard's own (``selectors.figures_for``) over fixed windows, cached.

A cached copy is keyed by a version and by the day in Amman. The version is replaced after the commit of
every closing (``services.signals.application_closed``, connected in ``PerformanceConfig.ready``) and of
every rating, so the page never shows totals older than the last case that closed; the day, because the
windows end today. Within those, the copy lives ``PUBLIC_CACHE_SECONDS`` and the page says when it was
computed. The cache is the shared one (Redis) in production, so a closing in a Celery worker reaches the
web processes too.
"""

from __future__ import annotations

import dataclasses
import uuid
from datetime import datetime

from django.core.cache import cache
from django.utils import timezone

from performance.constants import (
    MONTH_DAYS,
    PUBLIC_CACHE_KEY,
    PUBLIC_CACHE_SECONDS,
    PUBLIC_CACHE_VERSION_KEY,
    YEAR_DAYS,
)
from performance.selectors import Period, ServiceFigures, figures_of, service_kinds, services_by_kind

WINDOWS = (("month", MONTH_DAYS), ("year", YEAR_DAYS))


@dataclasses.dataclass
class Window:
    key: str
    period: Period
    figures: list[ServiceFigures]


@dataclasses.dataclass
class Published:
    windows: list[Window]
    computed_at: datetime


def _version() -> str:
    version = cache.get(PUBLIC_CACHE_VERSION_KEY)
    if version is None:
        cache.add(PUBLIC_CACHE_VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(PUBLIC_CACHE_VERSION_KEY, "")
    return version


def cache_key() -> str:
    """Where the figures computed now are kept: read before computing, so a closing committed while they
    are computed leaves them under the old version, where nobody reads them again."""
    return f"{PUBLIC_CACHE_KEY}:{_version()}:{timezone.localdate().isoformat()}"


def published_stale(**_signal) -> None:
    """Receiver of ``application_closed`` (and called after a rating): the next visitor gets fresh figures."""
    cache.set(PUBLIC_CACHE_VERSION_KEY, uuid.uuid4().hex, None)


def compute(*, services=None) -> Published:
    """``services``: :func:`services_by_kind`, when the caller has read it already."""
    kinds, services = service_kinds(), services_by_kind() if services is None else services
    periods = [Period.last_days(days) for _key, days in WINDOWS]
    windows = []
    # Both windows in one pass: they share the queries they can (selectors.figures_of).
    for (key, _days), period, figures in zip(
        WINDOWS, periods, figures_of(kinds=kinds, periods=periods, services=services), strict=True
    ):
        # The card (a model instance) is not cached: the view puts each back from services_by_kind().
        windows.append(Window(key=key, period=period, figures=[dataclasses.replace(f, service=None) for f in figures]))
    return Published(windows=windows, computed_at=timezone.now())


def published_figures(*, services=None) -> Published:
    """The published figures (no personal data: counts, rates, medians), from the shared cache when fresh."""
    return cache.get_or_set(cache_key(), lambda: compute(services=services), PUBLIC_CACHE_SECONDS)
