"""Statuses and reasons of the payments app, and the allowed moves of a bill."""

from datetime import timedelta
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from payments.efawateercom.protocol import ServiceType  # noqa: F401 - re-exported for owners

MONEY_PLACES = Decimal("0.001")
# How long a bill stays payable when its owner does not say (owners with their own deadline pass
# expires_at, e.g. an accident claim's three days).
DEFAULT_BILL_VALIDITY = timedelta(days=30)
# A clash on a random 13-digit number is rare; a run of them means something else is wrong.
BILLING_NUMBER_ATTEMPTS = 8


class BillStatus(models.TextChoices):
    # "bill" context: Arabic agrees these with فاتورة (feminine), unlike the same words elsewhere.
    OPEN = "open", pgettext_lazy("bill", "Open")
    PAID = "paid", pgettext_lazy("bill", "Paid")
    CLOSED = "closed", pgettext_lazy("bill", "Closed")
    EXPIRED = "expired", pgettext_lazy("bill", "Expired")


# Paid and closed are final (rule 5: to change what is due, close the bill and issue a new one).
# Expired -> paid is only ever taken by finance staff applying a late payment by hand
# (payments.services.payment_apply); a notification for an expired bill is queued instead.
BILL_MOVES = {
    BillStatus.OPEN: {BillStatus.PAID, BillStatus.CLOSED, BillStatus.EXPIRED},
    BillStatus.PAID: set(),
    BillStatus.CLOSED: set(),
    BillStatus.EXPIRED: {BillStatus.PAID},
}


class PaymentState(models.TextChoices):
    APPLIED = "applied", _("Applied to its bill")
    QUEUED = "queued", _("Waiting for finance staff")
    REFUND = "refund", _("Marked for refund")


class PaymentReason(models.TextChoices):
    """Why a payment could not be applied when it arrived (shown in the finance queue)."""

    UNKNOWN_BILL = "unknown_bill", _("No bill has this billing number")
    BILL_PAID = "bill_paid", _("The bill was already paid")
    BILL_CLOSED = "bill_closed", _("The bill was closed")
    BILL_EXPIRED = "bill_expired", _("The bill had expired")
    AMOUNT_MISMATCH = "amount_mismatch", _("The paid amount differs from the amount due")
    SERVICE_TYPE_MISMATCH = "service_type_mismatch", _("The service type differs from the bill's")
    BILLER_MISMATCH = "biller_mismatch", _("The biller code is not this biller's")
    ITEM_ALREADY_PAID = "item_already_paid", _("Something on the bill was already paid through another bill")
    OWNER_FAILED = "owner_failed", _("The owning service could not record the payment")


class PaymentSource(models.TextChoices):
    NOTIFICATION = "notification", _("Payment notification")
    SETTLEMENT = "settlement", _("Settlement statement")


class MessageKind(models.TextChoices):
    BILL_PULL = "bill_pull", _("Bill pull")
    PAYMENT_NOTIFICATION = "payment_notification", _("Payment notification")
