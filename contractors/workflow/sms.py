"""The one way the renewal's SMS are sent: to the phone number the applicant typed on the form (not the
account's mobile: a person without an account has only that), in the language they used on the site."""

import datetime as dt

from django.utils import translation
from django.utils.functional import Promise

from contractors.models import RenewalRequest
from core.dates import when_text
from core.text import embedded
from notifications.outbox import notify


def renewal_sms(*, renewal: RenewalRequest, text: Promise, context: dict, event: str) -> None:
    """Text ``renewal``'s phone once per ``event`` (a rerun sends nothing more: the dedupe key)."""
    recipient = None if renewal.submitted_anonymously else renewal.applicant
    with translation.override(renewal.language or "ar"):
        # A staff reason ends as staff typed it; the text's own full stop ends the sentence (no "..").
        # Dates in the one format of that language (core.dates).
        values = {
            key: embedded(value)
            if isinstance(value, str)
            else when_text(value)
            if isinstance(value, dt.date)
            else value
            for key, value in context.items()
        }
        rendered = str(text).format(reference=renewal.reference, **values)
    # notify() renders in the recipient's language; a person without an account chose theirs on the
    # site, so the text is rendered here already (braces escaped: notify formats it once more).
    notify(
        text=rendered.replace("{", "{{").replace("}", "}}"),
        recipient=recipient,
        mobile=renewal.phone,
        dedupe_key=f"contractors:{renewal.pk}:{event}",
        application=renewal,
    )
