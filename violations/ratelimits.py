"""Inquiry rate limits (``core.ratelimit``): per user, per IP address, and per plate or licence
across users, so that no one can walk through plates or guess a vehicle's registration number.
Rates come from settings at request time (tests and load tests override them).
"""

from core.ratelimit import limited, setting_rate

DEFAULT_RATES = {
    "VIOLATIONS_RATE_USER": "30/h",
    "VIOLATIONS_RATE_IP": "120/h",
    "VIOLATIONS_RATE_SUBJECT": "10/h",
    "VIOLATIONS_RATE_FLEET": "60/h",
}


def _rate(name: str):
    return setting_rate(name, DEFAULT_RATES[name])


def inquiry_limited(request, *, subject: str) -> bool:
    """Count this inquiry against every limit; True if any is exceeded. ``subject`` is the HMAC of
    the plate or licence number (the same value the inquiry log keeps)."""
    checks = (
        ("violations:inquiry:user", "user", _rate("VIOLATIONS_RATE_USER")),
        ("violations:inquiry:ip", "ip", _rate("VIOLATIONS_RATE_IP")),
        ("violations:inquiry:subject", lambda group, request: subject, _rate("VIOLATIONS_RATE_SUBJECT")),
    )
    # Every counter is incremented, even after one is already over: a blocked client keeps paying.
    results = [limited(request, group=group, key=key, rates=rate, method="POST") for group, key, rate in checks]
    return any(results)


def fleet_limited(request) -> bool:
    """Adding fleet vehicles reveals whether a registration number matches: limited like inquiries."""
    results = [
        limited(request, group=group, key=key, rates=_rate("VIOLATIONS_RATE_FLEET"), method="POST")
        for group, key in (("violations:fleet:user", "user"), ("violations:fleet:ip", "ip"))
    ]
    return any(results)
