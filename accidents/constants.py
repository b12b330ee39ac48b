"""The accident claim's statuses, its allowed moves and the card's fixed numbers (seed 002).

Lifecycle (the seed's eleven steps):

    submitted ──valued──> valued ──insurance expired──> awaiting_payment ──paid──> released
                                 └─insurance active──> awaiting_choice
                                        ├─personally──> awaiting_payment
                                        └─insurer────> awaiting_letter ──uploaded──> letter_review
                                                                                   ├─valid──> released
                                                                                   └─invalid─> cancelled
    awaiting_payment / awaiting_letter ──3 days, deadline sweep──> cancelled

``valued`` is a status of its own (not an instant) because the insurance check reads a partner
system that may be unavailable: the claim then waits in the "insurance check" queue.
"""

from datetime import timedelta

from django.db import models
from django.utils.translation import gettext_lazy as _

KIND = "accidents"
SERVICE_SLUG = "accident-claim-release"
BILL_KIND = "accidents"
BILL_SERVICE_TYPE = "AccidentDamages"
DOCUMENT_KIND = "accident_release"

# Seed 002, notes 1 and 2: three days to pay, three days to upload the insurer's letter.
PAYMENT_PERIOD = timedelta(days=3)
LETTER_PERIOD = timedelta(days=3)


class ClaimStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Awaiting damage valuation")
    VALUED = "valued", _("Valued, awaiting insurance check")
    AWAITING_CHOICE = "awaiting_choice", _("Awaiting the choice of payment method")
    AWAITING_PAYMENT = "awaiting_payment", _("Awaiting payment")
    AWAITING_LETTER = "awaiting_letter", _("Awaiting the insurer's approval letter")
    LETTER_REVIEW = "letter_review", _("Insurer's letter under review")
    RELEASED = "released", _("Claim released")
    CANCELLED = "cancelled", _("Cancelled")


S = ClaimStatus

TRANSITIONS: dict[str, set[str]] = {
    # Staff may refuse a claim at valuation (e.g. the sketch does not show municipal property).
    S.SUBMITTED: {S.VALUED, S.CANCELLED},
    S.VALUED: {S.AWAITING_PAYMENT, S.AWAITING_CHOICE, S.CANCELLED},
    S.AWAITING_CHOICE: {S.AWAITING_PAYMENT, S.AWAITING_LETTER, S.CANCELLED},
    S.AWAITING_PAYMENT: {S.RELEASED, S.CANCELLED},
    S.AWAITING_LETTER: {S.LETTER_REVIEW, S.CANCELLED},
    S.LETTER_REVIEW: {S.RELEASED, S.CANCELLED},
    S.RELEASED: set(),
    S.CANCELLED: set(),
}
FINAL = {S.RELEASED, S.CANCELLED}


class PaymentMethod(models.TextChoices):
    PERSONAL = "personal", _("Pay personally")
    INSURER = "insurer", _("Through the insurance company")


class InsuranceState(models.TextChoices):
    ACTIVE = "active", _("Active")
    EXPIRED = "expired", _("Not active (expired)")


class DamagedProperty(models.TextChoices):
    LAMP_POST = "lamp_post", _("Lamp post")
    BARRIER = "barrier", _("Barrier or guardrail")
    TREE = "tree", _("Tree or planting")
    SIGN = "sign", _("Traffic sign")
    SIGNAL = "signal", _("Traffic light")
    KERB = "kerb", _("Kerb or pavement")
    OTHER = "other", _("Other municipal property")


class Department(models.TextChoices):
    """The municipal departments that value damage to the property they look after."""

    LIGHTING = "lighting", _("Street Lighting Department")
    TRAFFIC = "traffic", _("Traffic Engineering Department")
    ROADS = "roads", _("Roads Maintenance Department")
    AGRICULTURE = "agriculture", _("Agriculture and Parks Department")
    OTHER = "other", _("Other department")


class Unit(models.TextChoices):
    PIECE = "piece", _("piece")
    METRE = "metre", _("metre")
    SQUARE_METRE = "m2", _("square metre")
    HOUR = "hour", _("work hour")
    LUMP_SUM = "lump", _("lump sum")


# --- SMS texts (rendered in the recipient's language; {reference} is always available) ----------
SMS_SUBMITTED = _(
    "Amman Municipality: your accident claim release request {reference} was received. "
    "We will text you once the damage is valued."
)
SMS_PAY_EXPIRED = _(
    "Amman Municipality: request {reference}: your vehicle's insurance is not active. Pay the damage of "
    "{amount} JOD with e-payment number {billing_number} by {deadline}, or the request is cancelled."
)
SMS_CHOOSE = _(
    "Amman Municipality: request {reference}: your vehicle's insurance is active. Choose on the portal how to "
    "pay the damage of {amount} JOD: personally or through your insurance company."
)
SMS_PAY_PERSONAL = _(
    "Amman Municipality: request {reference}: pay the damage of {amount} JOD with e-payment number "
    "{billing_number} by {deadline}. After paying, print the financial receipt from the portal for your insurer."
)
SMS_LETTER = _(
    "Amman Municipality: request {reference}: upload your insurance company's approval letter on the portal "
    "by {deadline}, or the request is cancelled."
)
SMS_LETTER_INVALID = _(
    "Amman Municipality: request {reference}: the insurer's letter was not accepted ({reason}). The request is cancelled."
)
SMS_RELEASED = _(
    "Amman Municipality: request {reference}: the claim on vehicle {plate} is released. "
    "Your release certificate is on the portal."
)
SMS_CANCELLED = _("Amman Municipality: request {reference} was cancelled: {reason}.")

# Deadline reasons: the shared sweep sends them in its reminders ("... unless you act before then:
# {reason}.") and in the cancellation SMS ("... is now Cancelled: {reason}."), so they read as rules.
REASON_NOT_PAID = _("the damage must be paid within 3 days of the e-payment number")
REASON_NO_LETTER = _("the insurer's approval letter must be uploaded within 3 days")

# Per-person limits of the two steps that take uploads, shared by the website and the app API. The
# group names are the counters' names since the first release (django-ratelimit named them after the views).
SUBMIT_RATE_GROUP, SUBMIT_RATE = "accidents.views.claim_create", "20/h"
LETTER_RATE_GROUP, LETTER_RATE = "accidents.views.letter_upload", "20/h"
