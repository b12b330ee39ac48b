"""What a violation shows in a page's table, as plain text values.

The statement and the fleet pages show up to hundreds of rows of about a dozen cells each. Built here
once per row (a dictionary the template reads with one lookup a cell) rather than by the template
looking up model attributes and properties cell by cell, which cost more than the rest of the page
(issue 20: the inquiry answered in about twice the time of a page with the base layout alone).
"""

from core.dates import datetime_text
from violations.constants import ViolationStatus
from violations.models import Violation

NONE = "—"


def violation_cells(violation: Violation, *, billing_number: str | None = None) -> dict:
    """The cells of ``violation`` in the active language; ``billing_number``: its e-payment number."""
    vehicle = violation.vehicle if violation.vehicle_id else None
    paid = violation.status == ViolationStatus.PAID
    return {
        "pk": violation.pk,
        "number": violation.number,
        "offence_ar": violation.offence_ar,
        "offence_en": violation.offence_en,
        "article": violation.article or NONE,
        "date": datetime_text(violation.issued_at),
        "place": violation.location or NONE,
        "issuer": violation.issuer_text,
        "plate": vehicle.plate if vehicle is not None else NONE,
        "amount": violation.amount_text,
        "billing_number": billing_number,
        "payable_now": violation.is_payable_now,
        "not_payable_reason": violation.not_payable_reason,
        "paid": paid,
        "paid_at": datetime_text(violation.paid_at) if paid else "",
        "paid_billing_number": violation.paid_billing_number,
    }


def violations_cells(violations) -> list[dict]:
    return [violation_cells(v) for v in violations]
