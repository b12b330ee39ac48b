"""Per-IP rate limits of the contractor pages (and the app API's same steps), on the shared cache."""

from django.conf import settings

from core.ratelimit import limited

DEFAULT_RATES = {
    "lookup": ("5/m", "40/h"),
    "submit": ("5/m", "30/h"),
    "track": ("5/m", "40/h"),
    "challenge": ("20/m", "200/h"),
}


def rates(group: str) -> tuple[str, ...]:
    return tuple(getattr(settings, "CONTRACTORS_RATES", {}).get(group, DEFAULT_RATES[group]))


def rate_limited(request, group: str) -> bool:
    """Count this request against every rate of ``group`` (per IP, shared cache); True when one is exceeded.

    Counters are named ``contractors:<group>:<rate>`` (``contractors:<group>`` for a group with one rate).
    """
    return limited(request, group=f"contractors:{group}", rates=rates(group), key="ip")
