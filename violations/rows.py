"""What a violation shows in a page's table, as plain text values.

The statement and the fleet pages show up to hundreds of rows of about a dozen cells each. Built here
once per row (a dictionary the template reads with one lookup a cell) rather than by the template
looking up model attributes and properties cell by cell, which cost more than the rest of the page
(issue 20: the inquiry answered in about twice the time of a page with the base layout alone).
"""

from core.dates import datetime_writer
from violations.constants import Issuer, ViolationStatus
from violations.models import Violation

NONE = "—"


class _Texts:
    """What every row of a table says alike, in the active language: looked up once per table."""

    def __init__(self):
        self.date = datetime_writer()
        self.issuers = {value: str(label) for value, label in Issuer.choices}
        self.reasons: dict[tuple[str, bool], str] = {}

    def reason(self, violation: Violation) -> str:
        key = (violation.status, violation.payable)
        if key not in self.reasons:
            self.reasons[key] = violation.not_payable_reason
        return self.reasons[key]


def violation_cells(violation: Violation, *, billing_number: str | None = None, texts: _Texts | None = None) -> dict:
    """The cells of ``violation`` in the active language; ``billing_number``: its e-payment number."""
    texts = texts or _Texts()
    vehicle = violation.vehicle if violation.vehicle_id else None
    status = violation.status
    paid = status == ViolationStatus.PAID
    return {
        "pk": violation.pk,
        "number": violation.number,
        "offence_ar": violation.offence_ar,
        "offence_en": violation.offence_en,
        "article": violation.article or NONE,
        "date": texts.date(violation.issued_at),
        "place": violation.location or NONE,
        "issuer": texts.issuers.get(violation.issuer, violation.issuer),
        "plate": vehicle.plate if vehicle is not None else NONE,
        "amount": f"{violation.amount:.3f}",  # stored with 3 decimals: nothing to round
        "billing_number": billing_number,
        "payable_now": status == ViolationStatus.OPEN and violation.payable,
        "not_payable_reason": texts.reason(violation),
        "paid": paid,
        "paid_at": texts.date(violation.paid_at) if paid else "",
        "paid_billing_number": violation.paid_billing_number,
    }


def violations_cells(violations, numbers: dict[int, str] | None = None) -> list[dict]:
    """Cells of each of ``violations``; ``numbers``: e-payment numbers by violation pk."""
    texts = _Texts()
    numbers = numbers or {}
    return [violation_cells(v, billing_number=numbers.get(v.pk), texts=texts) for v in violations]
