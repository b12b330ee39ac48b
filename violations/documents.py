"""The service's outputs as issued documents (services.documents): the statement of violations, the
payment notice, and the fleet statement; plus the fleet CSV. Each PDF carries a verification code."""

from decimal import Decimal
from pathlib import Path

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.dates import datetime_text
from core.money import money_text
from payments.models import Bill
from services.documents import document_issue
from violations.models import PaymentNotice, Violation
from violations.sources import FleetFilter

FLEET_PDF_MAX = 500
PDF_CSS = Path(__file__).resolve().parent / "templates" / "violations" / "documents" / "pdf.css"


def download_url(document) -> str:
    return reverse("services:document-download", kwargs={"code": document.code})


def statement_state(statement) -> str:
    """What the statement PDF shows, as text: the same text means the same document (issued once per state).

    Each violation's number, status, amount, whether and why it can be paid online, its e-payment number and
    paid bill; the bill for all; the subject. Not the time: "as of" stays the time the state was first issued,
    which is still true while nothing changed.
    """
    rows = [_violation_state(v, statement.billing_number(v) or "") for v in statement.violations]
    return "\n".join([statement.title, statement.bills.all or "", *rows])


def _violation_state(violation: Violation, billing_number: str = "") -> str:
    parts = (
        violation.pk,
        violation.number,
        violation.status,
        violation.amount,
        violation.is_payable_now,
        violation.not_payable_reason,
        billing_number,
        violation.paid_billing_number or "",
    )
    return "|".join(str(part) for part in parts)


def statement_document_issue(*, statement, owner, organisation=None):
    """A PDF of the statement as shown now, with its e-payment numbers; the same statement asked for again is
    the document already issued (services.documents: issued once per state)."""
    now = timezone.localtime()
    return document_issue(
        kind="violations-statement",
        template="violations/documents/statement.html",
        context={"statement": statement, "generated_at": now},
        title=_("Statement of traffic violations: %(subject)s") % {"subject": statement.title},
        summary=[
            (_("Subject"), statement.title),
            (_("Unpaid violations"), str(statement.count)),
            (_("Total (JOD)"), money_text(statement.total)),
            (_("E-payment number for all payable violations"), statement.bills.all or "—"),
            (_("As of"), datetime_text(now)),
        ],
        owner_applicant=owner,
        owner_organisation=organisation,
        language=(get_language() or "ar")[:2],
        stylesheets=[PDF_CSS],
        state=statement_state(statement),
    )


# --- payment notice ---------------------------------------------------------------------------


def payment_notice_issue(*, billing_number: str, violations: list[Violation], owner, organisation=None):
    """The payment notice (إشعار بالدفع) of one paid bill: issued once per party, then handed out again."""
    # An organisation's members share one notice; a person acting for themselves has their own.
    mine = {"organisation": organisation} if organisation is not None else {"owner": owner, "organisation": None}
    existing = PaymentNotice.objects.filter(billing_number=billing_number, **mine).select_related("document").first()
    if existing is not None:
        return existing.document
    bill = Bill.objects.filter(billing_number=billing_number).first()
    payment = bill.payments.filter(state="applied").first() if bill else None
    total = sum((v.amount for v in violations), Decimal("0.000"))
    paid_at = violations[0].paid_at
    document = document_issue(
        kind="violations-payment-notice",
        template="violations/documents/payment_notice.html",
        context={"bill": bill, "payment": payment, "violations": violations, "total": total, "paid_at": paid_at},
        title=_("Payment notice: traffic violations, e-payment number %(number)s") % {"number": billing_number},
        summary=[
            (_("E-payment number"), billing_number),
            (_("Violations paid"), ", ".join(v.number for v in violations)),
            (_("Amount paid (JOD)"), money_text(total)),
            # As the receipt and the bill page print it (one "paid at": the bank's time, in Amman).
            (_("Paid at"), datetime_text(paid_at)),
        ],
        owner_applicant=owner,
        owner_organisation=organisation,
        language=(get_language() or "ar")[:2],
        stylesheets=[PDF_CSS],
    )
    try:
        with transaction.atomic():
            PaymentNotice.objects.create(
                billing_number=billing_number, owner=owner, organisation=organisation, document=document
            )
    except IntegrityError:
        # Two clicks at once: keep the first notice; the second PDF stays valid but unused.
        return PaymentNotice.objects.get(billing_number=billing_number, **mine).document
    return document


# --- fleet ------------------------------------------------------------------------------------


FLEET_CSV_HEADER = [
    "violation_number",
    "plate",
    "offence_ar",
    "offence_en",
    "article",
    "issued_at",
    "location",
    "issuer",
    "amount_jod",
    "status",
    "payable_online",
    "paid_billing_number",
]


def fleet_csv_row(violation: Violation) -> list[str]:
    return [
        violation.number,
        violation.vehicle.plate if violation.vehicle_id else "",
        violation.offence_ar,
        violation.offence_en,
        violation.article,
        timezone.localtime(violation.issued_at).isoformat(),
        violation.location,
        violation.issuer,
        money_text(violation.amount),
        violation.status,
        "true" if violation.is_payable_now else "false",
        violation.paid_billing_number,
    ]


def fleet_document_issue(*, organisation, owner, violations: list[Violation], filters: FleetFilter, totals):
    """The fleet statement as a PDF. ``totals`` (selectors.fleet_totals) sums every violation the
    filters select, not only the first FLEET_PDF_MAX listed; like the page, the PDF says what its list
    shows: unpaid, paid, or both."""
    now = timezone.localtime()
    summary = [(_("Organisation"), organisation.name_ar), (_("Violations listed"), str(len(violations)))]
    if totals.shows_unpaid:
        summary += [
            (_("Unpaid violations"), str(totals.unpaid_count)),
            (_("Total unpaid (JOD)"), money_text(totals.unpaid_total)),
        ]
    if totals.shows_paid:
        summary += [
            (_("Paid violations"), str(totals.paid_count)),
            (_("Total paid (JOD)"), money_text(totals.paid_total)),
        ]
    return document_issue(
        kind="violations-fleet-statement",
        template="violations/documents/fleet_statement.html",
        context={
            "organisation": organisation,
            "violations": violations,
            "totals": totals,
            "filters": filters,
            "truncated": len(violations) >= FLEET_PDF_MAX,
            "generated_at": now,
        },
        title=_("Fleet statement of traffic violations: %(organisation)s") % {"organisation": organisation.name_ar},
        summary=[*summary, (_("As of"), datetime_text(now))],
        owner_applicant=owner,
        owner_organisation=organisation,
        language=(get_language() or "ar")[:2],
        stylesheets=[PDF_CSS],
        # The same filters over the same violations in the same states: the fleet statement already issued.
        state="\n".join([repr(filters), repr(totals), *(_violation_state(v) for v in violations)]),
    )
