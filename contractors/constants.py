"""Choices, statuses and the allowed moves of a contractor permit renewal request."""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

KIND = "contractors"
SERVICE_SLUG = "contractor-permit-renewal"
BILL_KIND = "contractors"
DOCUMENT_KIND = "contractor_permit"
STAFF_GROUP = "contractors_staff"
# The account that stands as applicant for requests made without logging in (see workflow.public_applicant).
PUBLIC_APPLICANT_USERNAME = "contractors-public"

# Days the applicant has to pay once the renewal is approved; then the request is cancelled.
PAYMENT_DAYS = 7


class Classification(models.TextChoices):
    """Contractor classes as the Ministry of Public Works grades them."""

    FIRST = "first", _("First class")
    SECOND = "second", _("Second class")
    THIRD = "third", _("Third class")
    FOURTH = "fourth", _("Fourth class")
    FIFTH = "fifth", _("Fifth class")
    SPECIALISED = "specialised", _("Specialised contractor")


class PermitKind(models.TextChoices):
    EXCAVATION = "excavation", _("Excavation in the public right of way")
    ROAD_OCCUPANCY = "road_occupancy", _("Road and pavement occupancy")
    SITE_WORKS = "site_works", _("Construction site works")
    TOWER_CRANE = "tower_crane", _("Tower crane installation")
    DEMOLITION = "demolition", _("Demolition works")


# Fee the department usually charges for one year's renewal of each kind; staff may change it.
SUGGESTED_FEES: dict[str, Decimal] = {
    PermitKind.EXCAVATION: Decimal("150.000"),
    PermitKind.ROAD_OCCUPANCY: Decimal("100.000"),
    PermitKind.SITE_WORKS: Decimal("200.000"),
    PermitKind.TOWER_CRANE: Decimal("250.000"),
    PermitKind.DEMOLITION: Decimal("120.000"),
}


class PermitStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    EXPIRED = "expired", _("Expired")
    CANCELLED = "cancelled", _("Cancelled")


class RenewalStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted, awaiting review")
    AWAITING_PAYMENT = "awaiting_payment", _("Approved, awaiting payment")
    ISSUED = "issued", _("Renewed permit issued")
    REFUSED = "refused", _("Refused")
    CANCELLED = "cancelled", _("Cancelled")


RENEWAL_TRANSITIONS: dict[str, set[str]] = {
    RenewalStatus.SUBMITTED: {RenewalStatus.AWAITING_PAYMENT, RenewalStatus.REFUSED, RenewalStatus.CANCELLED},
    RenewalStatus.AWAITING_PAYMENT: {RenewalStatus.ISSUED, RenewalStatus.CANCELLED},
}
RENEWAL_FINAL = {RenewalStatus.ISSUED, RenewalStatus.REFUSED, RenewalStatus.CANCELLED}
# A request in one of these statuses holds its permit's period: no second request for it.
RENEWAL_HOLDS_PERIOD = {RenewalStatus.SUBMITTED, RenewalStatus.AWAITING_PAYMENT, RenewalStatus.ISSUED}

# SMS go to the phone number typed on the form, in the language the applicant used on the site.
SMS_SUBMITTED = _(
    "GAM: your contractor permit renewal request {reference} was received. "
    "Follow it on the e-services portal with the reference and this phone number."
)
SMS_APPROVED = _(
    "GAM: your permit renewal {reference} was approved. Pay {amount} JOD through eFAWATEERcom, "
    "e-payment number {billing_number}, before {deadline}."
)
SMS_REFUSED = _("GAM: your permit renewal request {reference} was refused. Reason: {reason}.")
SMS_ISSUED = _(
    "GAM: permit {permit} is renewed until {until}. Download it and the fee's financial receipt on the portal "
    "(request {reference}); verification code {code}."
)
SMS_EXPIRED = _("GAM: your permit renewal {reference} was cancelled because the fee was not paid in time.")

# Why a permit cannot be renewed as asked (the look-up's answer and the workflow's refusal share them).
MSG_CANCELLED = _("This permit is cancelled and cannot be renewed.")
MSG_PERIOD_TAKEN = _("This permit is already renewed for %(year)s, or a renewal for that year is under way.")
MSG_PERIOD_NOT_OFFERED = _("A renewal can be requested for %(years)s only.")
