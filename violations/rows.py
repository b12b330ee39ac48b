"""What a violation shows in a table: a page's (plain text values) and a PDF's (rows of HTML, pdf_lines).

The statement and the fleet pages show up to hundreds of rows of about a dozen cells each. Built here
once per row (a dictionary the template reads with one lookup a cell) rather than by the template
looking up model attributes and properties cell by cell, which cost more than the rest of the page
(issue 20: the inquiry answered in about twice the time of a page with the base layout alone).
"""

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

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


# --- the rows of the PDFs' tables ---------------------------------------------------------------------------

PAYMENT = "payment"  # last column: the e-payment number, or why there is none
STATUS = "status"  # last column: paid / unpaid (and why it cannot be paid online)


def pdf_lines(violations, *, numbers: dict[int, str] | None = None, plate: bool = True, last: str = "") -> str:
    """The ``<tr>`` rows of a violations PDF's table (the statement, the payment notice, the fleet statement), in
    the active language (the document's: built while it is rendered).

    One string, not a template loop: a template puts each of a row's ten values through a node of its own, about
    4 ms for the statement's 20 rows, a twentieth of WeasyPrint's time for the whole document (issue 20). Each
    cell is one line of text: parts joined by the language's own comma; the offence in the document's language
    only (Arabic when it has no English). ``numbers``: e-payment numbers by violation pk (``last=PAYMENT``).
    """
    texts = _Texts()
    sep = escape(pgettext("list separator", ", "))
    english = (get_language() or "ar")[:2] == "en"
    not_online, paid_text, unpaid_text = escape(_("Not payable online")), escape(_("Paid")), escape(_("Unpaid"))
    numbers = numbers or {}
    out = []
    for v in violations:
        offence = escape(v.offence_en if english and v.offence_en else v.offence_ar)
        if v.article:
            offence = f"{offence}{sep}{escape(v.article)}"
        issuer = texts.issuers.get(v.issuer, v.issuer)
        when = f"{escape(texts.date(v.issued_at))}{sep}{escape(v.location or NONE)}{sep}{escape(issuer)}"
        cells = [f"<tr><td>{escape(v.number)}</td><td>{offence}</td><td>{when}</td>"]
        if plate:
            cells.append(f'<td class="num">{escape(v.vehicle.plate) if v.vehicle_id else NONE}</td>')
        cells.append(f'<td class="amount">{v.amount:.3f}</td>')  # stored with 3 decimals: nothing to round
        if last == PAYMENT:
            number = numbers.get(v.pk)
            cells.append(f"<td>{escape(number) if number else f'{not_online}: {escape(texts.reason(v))}'}</td>")
        elif last == STATUS:
            if v.status == ViolationStatus.PAID:
                cells.append(f"<td>{paid_text}</td>")
            elif v.status == ViolationStatus.OPEN and v.payable:
                cells.append(f"<td>{unpaid_text}</td>")
            else:
                cells.append(f"<td>{unpaid_text}: {escape(texts.reason(v))}</td>")
        cells.append("</tr>")
        out.append("".join(cells))
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped
