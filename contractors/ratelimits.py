"""Per-IP rate limits of the contractor pages (and the app API's same steps), on the shared cache."""

from django.conf import settings
from django_ratelimit.core import is_ratelimited

DEFAULT_RATES = {
    "lookup": ("5/m", "40/h"),
    "submit": ("5/m", "30/h"),
    "track": ("5/m", "40/h"),
    "captcha": ("20/m",),
}


def rates(group: str) -> tuple[str, ...]:
    return tuple(getattr(settings, "CONTRACTORS_RATES", {}).get(group, DEFAULT_RATES[group]))


def rate_limited(request, group: str) -> bool:
    """Count this request against every rate of ``group`` (per IP, shared cache); True when one is exceeded."""
    limited = False
    for rate in rates(group):
        limited |= is_ratelimited(
            request, group=f"contractors:{group}:{rate}", key="ip", rate=rate, method=is_ratelimited.ALL, increment=True
        )
    return limited
