"""Inquiry rate limits (``core.ratelimit``), keyed so that a stranger's guesses cannot spend the
owner's inquiry (finding 5 of issue 17). Rates come from settings at request time (tests and load
tests override them).

- Every inquiry counts per person (``VIOLATIONS_RATE_USER``) and per client address
  (``VIOLATIONS_RATE_IP``): the person's own budget, and one address driving many accounts.
- A wrong registration (or licence) number counts per (person, plate) (``VIOLATIONS_RATE_GUESS``):
  a person guessing one plate is stopped, and nobody else is.
- A wrong number also counts per plate for everyone together (``VIOLATIONS_RATE_SUBJECT``), a cap far
  above one person's use, against guesses spread over many accounts. A person who proved the plate
  before (an earlier inquiry or fleet entry that matched) is not held by it: they know the number, so
  answering them tells nothing, and the owner's correct inquiry is never refused for others' guesses.

Right answers spend nothing per plate. Limits are read before the look-up and a wrong guess is
counted after it, so parallel requests of one person can overshoot a guess limit by the requests in
flight; the per-person limit bounds that.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.ratelimit import Count, at_limit, limited, over, setting_rate, usages
from violations.selectors import subject_proven

DEFAULT_RATES = {
    "VIOLATIONS_RATE_USER": "30/h",
    "VIOLATIONS_RATE_IP": "120/h",
    "VIOLATIONS_RATE_GUESS": "10/h",
    "VIOLATIONS_RATE_SUBJECT": "100/h",
    "VIOLATIONS_RATE_FLEET": "60/h",
}
GUESS_GROUP = "violations:guess:person"
SUBJECT_GROUP = "violations:guess:subject"
MSG_GUESSES = _("Too many wrong numbers were tried for this vehicle or licence. Please wait an hour and try again.")


def _rate(name: str):
    return setting_rate(name, DEFAULT_RATES[name])


def _person_subject(subject: str):
    return lambda group, request: f"{request.user.pk}:{subject}"


def _subject(subject: str):
    return lambda group, request: subject


class Guesses:
    """The wrong-guess counters of one request's person (``None`` request: the shell; nothing counts)."""

    def __init__(self, request):
        self.request = request

    def refused(self, subject: str) -> bool:
        """Before a look-up of ``subject`` (the HMAC of the plate or licence number): are guesses used up?"""
        request = self.request
        if request is None:
            return False
        guesses, tries = usages(request, self._counts(subject, increment=False))  # read in one go
        if at_limit(guesses):
            return True
        return at_limit(tries) and not subject_proven(user=request.user, subject=subject)

    def failed(self, subject: str) -> None:
        """After a look-up of ``subject`` that matched nothing: one wrong guess, for the person and the plate."""
        if self.request is not None:
            usages(self.request, self._counts(subject, increment=True))  # counted in one go

    @staticmethod
    def _counts(subject: str, *, increment: bool) -> list[Count]:
        """The person's wrong guesses for ``subject`` and everyone's (the counters ``inquiry_refused`` reads)."""
        return [
            Count(GUESS_GROUP, _rate("VIOLATIONS_RATE_GUESS"), key=_person_subject(subject), increment=increment),
            Count(SUBJECT_GROUP, _rate("VIOLATIONS_RATE_SUBJECT"), key=_subject(subject), increment=increment),
        ]

    def check(self, subject: str) -> None:
        """``refused`` as a ValidationError on the registration number (the fleet's forms and CSV lines)."""
        if self.refused(subject):
            raise ValidationError({"registration_number": MSG_GUESSES}, code="ratelimited")


def inquiry_refused(request, *, subject: str) -> bool:
    """Count this inquiry per person and per address; True if a limit is exceeded or the guesses for
    ``subject`` are used up (then nothing is looked up). Call :func:`inquiry_failed` after a miss."""
    # Every counter is incremented, even after one is already over: a blocked client keeps paying. The two
    # counts and the two guess counters read in one go (one Redis round trip, core.ratelimit.usages).
    if request is None:
        return False
    user, ip, guesses, tries = usages(
        request,
        [
            Count("violations:inquiry:user", _rate("VIOLATIONS_RATE_USER"), key="user", method="POST"),
            Count("violations:inquiry:ip", _rate("VIOLATIONS_RATE_IP"), key="ip", method="POST"),
            Count(GUESS_GROUP, _rate("VIOLATIONS_RATE_GUESS"), key=_person_subject(subject), increment=False),
            Count(SUBJECT_GROUP, _rate("VIOLATIONS_RATE_SUBJECT"), key=_subject(subject), increment=False),
        ],
    )
    if over(user) or over(ip) or at_limit(guesses):
        return True
    return at_limit(tries) and not subject_proven(user=request.user, subject=subject)


def inquiry_failed(request, *, subject: str) -> None:
    Guesses(request).failed(subject)


def fleet_limited(request) -> bool:
    """Adding fleet vehicles reveals whether a registration number matches: limited per person and
    address like inquiries, and each vehicle added counts its wrong guesses (``Guesses``)."""
    results = [
        limited(request, group=group, key=key, rates=_rate("VIOLATIONS_RATE_FLEET"), method="POST")
        for group, key in (("violations:fleet:user", "user"), ("violations:fleet:ip", "ip"))
    ]
    return any(results)
