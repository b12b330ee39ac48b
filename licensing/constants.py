"""The split request's statuses, its allowed moves and the card's fixed numbers (seed 004).

Lifecycle (the card's steps):

    awaiting_dues ──dues paid──> (accepted) ──needs approvals──> external_approvals ──all approve──┐
         │                             └──no approvals needed────────────────────────────────────┤
         └──30 days unpaid──> cancelled                                                           v
                                                    ┌──────────────> awaiting_booking ──booked──> inspection_booked
                                                    │                                              ├─compliant──> civil_defence
                          awaiting_corrections ─────┘  <──not compliant──────────────────────────┘
    civil_defence ──approved──> (fee table) awaiting_payment | (no fee in the table) fee_assessment ──fee set──> awaiting_payment
    awaiting_payment ──paid──> issued ; ──7 days unpaid──> cancelled
    external_approvals / civil_defence ──refused──> refused ; any open status ──staff──> cancelled

"Accepted" is an event (the SMS with the request number), not a status: the request goes straight
on to the step it waits for.
"""

from datetime import timedelta

from django.db import models
from django.utils.translation import gettext_lazy as _

KIND = "licensing"
SERVICE_SLUG = "profession-licence-splitting"
BILL_KIND_DUES = "licensing_dues"
BILL_KIND_FEES = "licensing_fees"
BILL_SERVICE_TYPE_DUES = "PropertyDues"
BILL_SERVICE_TYPE_FEES = "ProfessionLicences"
DOCUMENT_KIND = "profession_licence"

# Seed 004: "3 working days" (Friday and Saturday off, public holidays from the staff's list).
STANDARD_WORKING_DAYS = 3
# How long the e-payment numbers stay payable before the request lapses.
DUES_PERIOD = timedelta(days=30)
FEES_PERIOD = timedelta(days=7)
# Per-user limits on the applicant's POSTs; the website's views and the app API count on the same
# counters (the group names are the views' dotted paths, as django-ratelimit named them before).
APPLY_RATE = "20/h"
APPLY_RATE_GROUP = "licensing.views.split_create"
BOOK_RATE = "30/h"
BOOK_RATE_GROUP = "licensing.views.inspection_book"


class SplitStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    AWAITING_DUES = "awaiting_dues", _("Awaiting payment of municipal dues")
    EXTERNAL_APPROVALS = "external_approvals", _("Awaiting external approvals")
    AWAITING_BOOKING = "awaiting_booking", _("Awaiting an inspection booking")
    INSPECTION_BOOKED = "inspection_booked", _("Inspection booked")
    AWAITING_CORRECTIONS = "awaiting_corrections", _("Awaiting corrections after inspection")
    CIVIL_DEFENCE = "civil_defence", _("Awaiting Civil Defence approval")
    FEE_ASSESSMENT = "fee_assessment", _("Approved, fees being assessed")
    AWAITING_PAYMENT = "awaiting_payment", _("Approved, awaiting payment of the fees")
    ISSUED = "issued", _("Licence issued")
    REFUSED = "refused", _("Refused")
    CANCELLED = "cancelled", _("Cancelled")


S = SplitStatus

TRANSITIONS: dict[str, set[str]] = {
    # Only an instant: a request with no dues to pay is accepted in the same transaction.
    S.SUBMITTED: {S.EXTERNAL_APPROVALS, S.AWAITING_BOOKING, S.CANCELLED},
    S.AWAITING_DUES: {S.EXTERNAL_APPROVALS, S.AWAITING_BOOKING, S.CANCELLED},
    S.EXTERNAL_APPROVALS: {S.AWAITING_BOOKING, S.REFUSED, S.CANCELLED},
    S.AWAITING_BOOKING: {S.INSPECTION_BOOKED, S.CANCELLED},
    S.INSPECTION_BOOKED: {S.CIVIL_DEFENCE, S.AWAITING_CORRECTIONS, S.AWAITING_BOOKING, S.CANCELLED},
    S.AWAITING_CORRECTIONS: {S.AWAITING_BOOKING, S.CANCELLED},
    S.CIVIL_DEFENCE: {S.FEE_ASSESSMENT, S.AWAITING_PAYMENT, S.REFUSED, S.CANCELLED},
    S.FEE_ASSESSMENT: {S.AWAITING_PAYMENT, S.CANCELLED},
    S.AWAITING_PAYMENT: {S.ISSUED, S.CANCELLED},
    S.ISSUED: set(),
    S.REFUSED: set(),
    S.CANCELLED: set(),
}


class LicenceStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    EXPIRED = "expired", _("Expired")
    SUSPENDED = "suspended", _("Suspended")
    CANCELLED = "cancelled", _("Cancelled")


class DueKind(models.TextChoices):
    PROPERTY_TAX = "property_tax", _("Property tax (musaqafat)")
    OTHER = "other", _("Other dues (tahaqquqat)")


class ApprovalDecision(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class InspectionResult(models.TextChoices):
    COMPLIANT = "compliant", _("Compliant")
    NOT_COMPLIANT = "not_compliant", _("Not compliant")
    # The inspector could not carry out the visit (nobody there, premises closed): the applicant rebooks.
    MISSED = "missed", _("Visit did not take place")


# The applicant's SMS, rendered in the recipient's language ({reference} is always available).
SMS_DUES = _(
    "Amman Municipality: before your licence split request {reference} can be accepted, pay the dues on the "
    "property of {amount} JOD with e-payment number {billing_number} by {deadline}."
)
SMS_ACCEPTED = _(
    "Amman Municipality: your licence split request was accepted. Request number: {reference}. "
    "Book an inspection appointment on the portal."
)
SMS_ACCEPTED_APPROVALS = _(
    "Amman Municipality: your licence split request was accepted. Request number: {reference}. "
    "External approval required from: {bodies}."
)
SMS_APPROVALS_DONE = _(
    "Amman Municipality: request {reference}: the external approvals were given. Book an inspection "
    "appointment on the portal."
)
SMS_REFUSED_BODY = _("Amman Municipality: request {reference} is refused: {body} did not approve ({reason}).")
SMS_INSPECTION = _(
    "Amman Municipality: request {reference}: the inspection of your premises is on {when}. Please be present."
)
SMS_VISIT_MISSED = _(
    "Amman Municipality: request {reference}: the inspection booked for {when} did not take place. "
    "Please book a new appointment on the portal."
)
SMS_CORRECT = _(
    "Amman Municipality: request {reference}: the inspection found the conditions not met. Please correct: "
    "{findings}. Then confirm on the portal and book a new inspection."
)
SMS_REFUSED_CIVIL_DEFENCE = _(
    "Amman Municipality: request {reference} is refused: the Civil Defence did not approve ({reason})."
)
SMS_FEES = _(
    "Amman Municipality: request {reference} is approved. Pay the licence fees of {amount} JOD with e-payment "
    "number {billing_number} by {deadline}."
)
SMS_ISSUED = _(
    "Amman Municipality: request {reference}: profession licence {number} is issued. Download it from the portal."
)
SMS_CANCELLED = _("Amman Municipality: request {reference} was cancelled: {reason}.")

# Why the deadline sweep cancels a request (the event's reason, shown on the timeline).
REASON_DUES_NOT_PAID = _("the dues on the property must be paid within 30 days")
REASON_FEES_NOT_PAID = _("the licence fees must be paid within 7 days of the e-payment number")
