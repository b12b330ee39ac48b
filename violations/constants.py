"""Vocabulary of the violations service: statuses, issuers and the bill kind shared with payments."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# payments.Bill.kind for every bill this app makes; the paid-bill handler is registered under it.
BILL_KIND = "violations"
# eFAWATEERcom service type of this biller for traffic violations (EFAWATEERCOM.md).
BILL_SERVICE_TYPE = "TrafficViolations"
# Licence numbers of this length are unique nationally: no centre or category is needed (seed 001).
NATIONAL_LICENCE_LENGTH = 8
SESSION_SUBJECT = "violations_subject"


class ViolationStatus(models.TextChoices):
    OPEN = "open", _("Unpaid")
    PAID = "paid", _("Paid")
    CANCELLED = "cancelled", _("Cancelled")


class Issuer(models.TextChoices):
    GAM = "GAM", _("Greater Amman Municipality")
    PSD = "PSD", _("Public Security Directorate")


class InquiryKind(models.TextChoices):
    VEHICLE = "vehicle", _("Vehicle")
    LICENCE = "licence", _("Driving licence")
    FLEET_VEHICLE = "fleet_vehicle", _("Fleet vehicle added")


ITEM_KEY_PREFIX = "violation:"


def item_key(violation_pk: int) -> str:
    """The key payments uses to find bills that share a violation (overlap rule 4)."""
    return f"{ITEM_KEY_PREFIX}{violation_pk}"


def item_key_pk(key: str) -> int | None:
    prefix, _sep, pk = key.partition(":")
    if prefix != "violation" or not pk.isdecimal():
        return None
    return int(pk)
