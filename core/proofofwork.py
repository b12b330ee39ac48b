"""Anti-bot without a puzzle: ALTCHA proof-of-work (issue 17, finding 6).

The server hands out a challenge signed with an HMAC key; the person's browser (the ``altcha`` web
component, served by the portal itself) finds the one counter whose PBKDF2 key starts with the signed
prefix — a second or so of work for one request, a real cost for a script filing thousands — and sends
challenge and solution with the form. Nothing is shown to read or hear, so nothing can print the answer.

Built on the ``altcha`` library (create, verify); what it leaves to the application is done here:

- the HMAC key: ``settings.ALTCHA_HMAC_KEY``, or one derived from ``SECRET_KEY`` (never the key itself);
- expiry: every challenge carries ``expiresAt`` (signed), ``ALTCHA_TTL_SECONDS`` after it was issued;
- purpose: a challenge names the form it was issued for (signed), so one form's cannot pass another;
- replay: a solution is accepted ONCE — its challenge's signature is remembered in the cache until the
  challenge expires (``cache.add`` is atomic, so two requests racing with one solution get one yes).
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time

import altcha
from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import salted_hmac
from django.utils.translation import pgettext_lazy

ALGORITHM = "PBKDF2/SHA-256"
DEFAULT_COST = 1000  # PBKDF2 iterations per try
DEFAULT_MAX_NUMBER = 5000  # the counter is drawn below this: on average half as many tries
DEFAULT_TTL_SECONDS = 600
MAX_PAYLOAD_CHARS = 4096  # a real payload is well under 1,000 characters
_USED_PREFIX = "pow:used:"


# The widget's words a person may see or hear (its screen-reader labels included), in the portal's
# catalogue (with a context: "Verified" means something else on a profile); the page hands them to the
# widget (data-strings, read by the page's script).
WIDGET_STRINGS = {
    "label": pgettext_lazy("anti-bot check", "I am not a robot"),
    "verifying": pgettext_lazy("anti-bot check", "Checking…"),
    "verified": pgettext_lazy("anti-bot check", "Verified"),
    "verificationRequired": pgettext_lazy("anti-bot check", "Tick the box first."),
    "waitAlert": pgettext_lazy("anti-bot check", "Checking… please wait."),
    "error": pgettext_lazy("anti-bot check", "The check failed. Tick the box again."),
    "expired": pgettext_lazy("anti-bot check", "The check expired. Tick the box again."),
    "loading": pgettext_lazy("anti-bot check", "Loading…"),
}
# Options the page gives the widget: no third-party logo or link, no pointer/keyboard tracking sent.
WIDGET_CONFIGURATION = {"hideFooter": True, "hideLogo": True, "humanInteractionSignature": False}


def widget_strings_json() -> str:
    return json.dumps({key: str(text) for key, text in WIDGET_STRINGS.items()}, ensure_ascii=False)


def widget_configuration_json() -> str:
    return json.dumps(WIDGET_CONFIGURATION)


def _setting(name: str, default):
    return getattr(settings, name, None) or default


def _hmac_key() -> str:
    # Derived, not SECRET_KEY itself: the challenge signature must not be a MAC under the session key.
    return _setting("ALTCHA_HMAC_KEY", "") or salted_hmac("core.proofofwork", "altcha-hmac-key").hexdigest()


def challenge_new(*, purpose: str) -> dict:
    """A fresh signed challenge for the form named ``purpose``, as the widget reads it (JSON)."""
    ttl = int(_setting("ALTCHA_TTL_SECONDS", DEFAULT_TTL_SECONDS))
    challenge = altcha.create_challenge(
        ALGORITHM,
        int(_setting("ALTCHA_COST", DEFAULT_COST)),
        counter=secrets.randbelow(int(_setting("ALTCHA_MAX_NUMBER", DEFAULT_MAX_NUMBER))),
        expires_at=int(time.time()) + ttl,
        data={"purpose": purpose},
        hmac_secret=_hmac_key(),
    )
    return challenge.to_dict()


def solution_accept(*, payload: str, purpose: str) -> bool:
    """Whether ``payload`` (the widget's base64 field) solves an unexpired challenge issued by this portal
    for ``purpose`` and was never accepted before. Accepting it uses it up."""
    if not payload or len(payload) > MAX_PAYLOAD_CHARS:
        return False
    result = altcha.verify_solution(payload, _hmac_key())
    if not result.verified:
        return False
    # verify_solution parsed it already; the signed parameters are safe to read now.
    challenge = altcha.Payload.from_base64(payload).challenge
    parameters = challenge.parameters
    if not isinstance(parameters.data, dict) or parameters.data.get("purpose") != purpose:
        return False
    if not isinstance(parameters.expires_at, int):
        return False
    remaining = parameters.expires_at - int(time.time())
    if remaining <= 0:
        return False
    key = _USED_PREFIX + hashlib.sha256(challenge.signature.encode("ascii")).hexdigest()
    if cache.add(key, 1, timeout=remaining + 60):
        return True
    # add() also answers False when the cache is down (portal.cache answers as a miss): then a replay
    # cannot be told apart, and RATELIMIT_FAIL_OPEN decides, as for the rate limits beside this check.
    return cache.get(key) is None and bool(getattr(settings, "RATELIMIT_FAIL_OPEN", True))
