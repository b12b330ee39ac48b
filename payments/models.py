"""Bills, their lines, payments received through eFAWATEERcom and the raw messages behind them."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from payments.constants import (
    BillStatus,
    MessageKind,
    PaymentReason,
    PaymentSource,
    PaymentState,
    ServiceType,
)

MONEY = {"max_digits": 12, "decimal_places": 3}


class AmountChangeError(Exception):
    """Rule 5: a bill's amount is fixed when it is issued."""


class Bill(models.Model):
    """What a payer owes for one or more items, under one e-payment number.

    The amount is the sum of the lines and never changes (a database trigger refuses it too): to
    change what is due the owner closes the bill and issues a new one.
    """

    billing_number = models.CharField(_("E-payment number"), max_length=13, unique=True)
    kind = models.CharField(_("Owning service"), max_length=40, db_index=True)
    service_type = models.CharField(_("Service type"), max_length=30, choices=ServiceType.choices)
    amount = models.DecimalField(_("Amount (JOD)"), **MONEY)
    status = models.CharField(_("Status"), max_length=10, choices=BillStatus.choices, default=BillStatus.OPEN)
    payer_name = models.CharField(_("Payer name"), max_length=150)
    payer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Payer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bills",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("Organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bills",
    )
    description_ar = models.CharField(_("Description (Arabic)"), max_length=300, blank=True)
    description_en = models.CharField(_("Description (English)"), max_length=300, blank=True)
    issued_at = models.DateTimeField(_("Issued at"), default=timezone.now)
    due_at = models.DateTimeField(_("Due at"))
    expires_at = models.DateTimeField(_("Expires at"))
    paid_at = models.DateTimeField(_("Paid at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("Closed at"), null=True, blank=True)
    close_reason = models.CharField(_("Reason for closing"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The RSA signature of the MsgBody of this bill's last bill pull answer (payments.efawateercom.handling):
    # the next pull uses it instead of signing again if it verifies over that pull's MsgBody with the
    # portal's key, i.e. while the bill and the key are unchanged (issue 20). A kept copy, not a fact about
    # the bill: a stale or damaged value is never sent, only signed afresh.
    pull_signature = models.BinaryField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("Bill")
        verbose_name_plural = _("Bills")
        indexes = [
            models.Index(fields=["payer", "status"], name="bill_payer_status"),
            models.Index(fields=["organisation", "status"], name="bill_org_status"),
            models.Index(fields=["status", "expires_at"], name="bill_status_expiry"),
            # The dashboard's money per day (performance.selectors.money_per_day): a service's bills issued, and
            # paid, within a window; without them each window scans every bill ever issued (issue 20).
            models.Index(fields=["kind", "issued_at"], name="bill_kind_issued"),
            models.Index(fields=["kind", "paid_at"], name="bill_kind_paid", condition=Q(paid_at__isnull=False)),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="bill_amount_positive"),
            models.CheckConstraint(condition=Q(billing_number__regex=r"^[1-9][0-9]{12}$"), name="bill_number_format"),
            models.CheckConstraint(condition=Q(status__in=BillStatus.values), name="bill_status_valid"),
            models.CheckConstraint(condition=Q(expires_at__gt=F("issued_at")), name="bill_expiry_after_issue"),
            models.CheckConstraint(condition=Q(due_at__lte=F("expires_at")), name="bill_due_not_after_expiry"),
            # Paid bills, and only paid bills, carry the moment of payment; likewise closed ones.
            models.CheckConstraint(
                condition=Q(status=BillStatus.PAID, paid_at__isnull=False)
                | (~Q(status=BillStatus.PAID) & Q(paid_at__isnull=True)),
                name="bill_paid_has_paid_at",
            ),
            models.CheckConstraint(
                condition=Q(status=BillStatus.CLOSED, closed_at__isnull=False)
                | (~Q(status=BillStatus.CLOSED) & Q(closed_at__isnull=True)),
                name="bill_closed_has_closed_at",
            ),
            models.CheckConstraint(condition=~Q(kind=""), name="bill_kind_not_empty"),
        ]

    def __str__(self):
        return self.billing_number

    def save(self, *args, **kwargs):
        loaded = getattr(self, "_loaded_amount", None)
        if self.pk and loaded is not None and self.amount != loaded:
            raise AmountChangeError(f"bill {self.billing_number}: amount is fixed at issue")
        super().save(*args, **kwargs)
        self._loaded_amount = self.amount

    def get_absolute_url(self):
        return reverse("payments:bill-detail", kwargs={"billing_number": self.billing_number})

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_amount = instance.__dict__.get("amount")
        return instance

    @property
    def description(self) -> str:
        if (get_language() or "ar").startswith("en") and self.description_en:
            return self.description_en
        return self.description_ar

    def is_payable(self, *, at=None) -> bool:
        """Open and not yet past its expiry."""
        return self.status == BillStatus.OPEN and (at or timezone.now()) < self.expires_at

    @property
    def effective_status(self) -> str:
        """The status a person should see: an open bill past its expiry is expired even before the
        periodic sweep marks it so."""
        if self.status == BillStatus.OPEN and timezone.now() >= self.expires_at:
            return BillStatus.EXPIRED
        return self.status

    def get_effective_status_display(self) -> str:
        return BillStatus(self.effective_status).label

    @property
    def billing_number_grouped(self) -> str:
        """1234 5678 9012 3: easier to read aloud and to check against a bank screen."""
        n = self.billing_number
        return " ".join([n[0:4], n[4:8], n[8:12], n[12:]])


class BillLine(models.Model):
    """What part of a bill's amount is for: one of the owner's objects, identified by ``item_key``
    (e.g. ``violation:123``), which is also how overlapping bills are found (rule 4)."""

    bill = models.ForeignKey(Bill, verbose_name=_("Bill"), on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(_("Position"), default=0)
    description_ar = models.CharField(_("Description (Arabic)"), max_length=300)
    description_en = models.CharField(_("Description (English)"), max_length=300, blank=True)
    amount = models.DecimalField(_("Amount (JOD)"), **MONEY)
    item_key = models.CharField(_("Item key"), max_length=100, db_index=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    obj = GenericForeignKey("content_type", "object_id")

    class Meta:
        ordering = ["bill", "position", "pk"]
        verbose_name = _("Bill line")
        verbose_name_plural = _("Bill lines")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="bill_line_amount_positive"),
            models.CheckConstraint(condition=~Q(item_key=""), name="bill_line_item_key_not_empty"),
            models.UniqueConstraint(fields=["bill", "item_key"], name="bill_line_item_unique"),
            models.CheckConstraint(
                condition=Q(content_type__isnull=True, object_id__isnull=True)
                | Q(content_type__isnull=False, object_id__isnull=False),
                name="bill_line_object_pointer_whole",
            ),
        ]

    def __str__(self):
        return f"{self.item_key}: {self.amount}"

    @property
    def description(self) -> str:
        if (get_language() or "ar").startswith("en") and self.description_en:
            return self.description_en
        return self.description_ar


class Message(models.Model):
    """A raw authenticated request from eFAWATEERcom and the exact answer sent (rule 6).

    A retried request (same GUID, same signed body) is answered from here, byte for byte.
    """

    kind = models.CharField(_("Kind"), max_length=30, choices=MessageKind.choices)
    guid = models.CharField(_("GUID"), max_length=100)
    body_sha256 = models.CharField(_("SHA-256 of the signed body"), max_length=64)
    request = models.BinaryField(_("Request as received"))
    response = models.BinaryField(_("Response as sent"))
    response_content_type = models.CharField(max_length=100, default="text/xml; charset=utf-8")
    result_code = models.IntegerField(_("Result code"))
    soap = models.BooleanField(_("SOAP envelope"), default=False)
    remote_addr = models.GenericIPAddressField(_("From address"), null=True, blank=True)
    received_at = models.DateTimeField(_("Received at"), default=timezone.now)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("eFAWATEERcom message")
        verbose_name_plural = _("eFAWATEERcom messages")
        constraints = [
            models.UniqueConstraint(fields=["kind", "guid", "body_sha256"], name="message_retry_unique"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.guid}"


class Payment(models.Model):
    """One eFAWATEERcom transaction (JOEBPPSTrx), stored in full whether or not it could be applied."""

    trx = models.CharField(_("JOEBPPSTrx"), max_length=64, unique=True)
    billing_number = models.CharField(_("E-payment number as received"), max_length=64)
    bill = models.ForeignKey(
        Bill, verbose_name=_("Bill"), on_delete=models.PROTECT, null=True, blank=True, related_name="payments"
    )
    state = models.CharField(_("State"), max_length=10, choices=PaymentState.choices)
    reason = models.CharField(_("Reason not applied"), max_length=30, choices=PaymentReason.choices, blank=True)
    source = models.CharField(
        _("Source"), max_length=20, choices=PaymentSource.choices, default=PaymentSource.NOTIFICATION
    )
    paid_amount = models.DecimalField(_("Paid amount (JOD)"), **MONEY)
    due_amount = models.DecimalField(_("Due amount as notified (JOD)"), null=True, blank=True, **MONEY)
    fees_amount = models.DecimalField(_("Fees (JOD)"), null=True, blank=True, **MONEY)
    fees_on_biller = models.BooleanField(_("Fees on biller"), default=False)
    service_type = models.CharField(_("Service type as notified"), max_length=40, blank=True)
    biller_code = models.CharField(_("Biller code as notified"), max_length=20, blank=True)
    bank_trx_id = models.CharField(_("Bank transaction"), max_length=64, blank=True)
    bank_code = models.CharField(_("Bank code"), max_length=20, blank=True)
    pmt_status = models.CharField(_("Payment status as notified"), max_length=20, blank=True)
    payment_method = models.CharField(_("Payment method"), max_length=20, blank=True)
    payment_type = models.CharField(_("Payment type"), max_length=40, blank=True)
    access_channel = models.CharField(_("Access channel"), max_length=40, blank=True)
    pmt_src = models.CharField(_("Payment source"), max_length=40, blank=True)
    process_date = models.DateTimeField(_("Paid at (bank)"), null=True, blank=True)
    stmt_date = models.DateField(_("Settlement day"), null=True, blank=True)
    details = models.JSONField(_("Transaction as received"), default=dict, blank=True)
    message = models.ForeignKey(
        Message, verbose_name=_("Message"), on_delete=models.PROTECT, null=True, blank=True, related_name="payments"
    )
    received_at = models.DateTimeField(_("Received at"), default=timezone.now)
    applied_at = models.DateTimeField(_("Applied at"), null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("Payment")
        verbose_name_plural = _("Payments")
        indexes = [models.Index(fields=["state", "received_at"], name="payment_state_received")]
        constraints = [
            models.CheckConstraint(condition=Q(paid_amount__gte=0), name="payment_amount_not_negative"),
            models.CheckConstraint(condition=Q(state__in=PaymentState.values), name="payment_state_valid"),
            models.CheckConstraint(
                condition=~Q(state=PaymentState.APPLIED) | Q(bill__isnull=False, applied_at__isnull=False),
                name="payment_applied_has_bill",
            ),
            models.CheckConstraint(
                condition=~Q(state=PaymentState.QUEUED) | ~Q(reason=""), name="payment_queued_has_reason"
            ),
            # The last line of defence for "no bill is paid twice".
            models.UniqueConstraint(
                fields=["bill"], condition=Q(state=PaymentState.APPLIED), name="payment_one_applied_per_bill"
            ),
        ]

    def __str__(self):
        return self.trx


class PaymentAction(models.Model):
    """Who did what to a payment in the finance queue (append-only)."""

    class Action(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("payment action", "Queued")
        APPLIED = "applied", _("Applied to a bill")
        REFUND = "refund", _("Marked for refund")

    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="actions")
    action = models.CharField(_("Action"), max_length=10, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("By"), on_delete=models.PROTECT, null=True, blank=True
    )
    bill = models.ForeignKey(Bill, verbose_name=_("Bill"), on_delete=models.PROTECT, null=True, blank=True)
    note = models.TextField(_("Note"), blank=True)
    created_at = models.DateTimeField(_("When"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("Payment action")
        verbose_name_plural = _("Payment actions")

    def __str__(self):
        return f"{self.payment} {self.action}"

    @property
    def note_display(self) -> str:
        """The note as staff read it: a queued payment's reason is stored as its code, shown by its label."""
        if self.action == self.Action.QUEUED and self.note in PaymentReason.values:
            return str(PaymentReason(self.note).label)
        return self.note


class Receipt(models.Model):
    """The financial receipt (وصل مالي) issued for a paid bill: one per bill, made on first request."""

    bill = models.OneToOneField(Bill, verbose_name=_("Bill"), on_delete=models.PROTECT, related_name="receipt")
    payment = models.ForeignKey(Payment, verbose_name=_("Payment"), on_delete=models.PROTECT, related_name="+")
    document = models.OneToOneField(
        "services.IssuedDocument", verbose_name=_("Issued document"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("Issued at"), default=timezone.now)

    class Meta:
        verbose_name = _("Receipt")
        verbose_name_plural = _("Receipts")

    def __str__(self):
        return f"{self.bill} {self.document.code}"


class QueuedPayment(Payment):
    """The finance queue in the admin: payments waiting for a person's decision."""

    class Meta:
        proxy = True
        verbose_name = _("Payment waiting for staff")
        verbose_name_plural = _("Payments waiting for staff")


class SettlementImport(models.Model):
    """One daily settlement statement from eFAWATEERcom, as uploaded by finance staff."""

    file_name = models.CharField(_("File name"), max_length=200)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, unique=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("Uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("Uploaded at"), default=timezone.now)
    first_day = models.DateField(_("First settlement day"), null=True, blank=True)
    last_day = models.DateField(_("Last settlement day"), null=True, blank=True)
    line_count = models.PositiveIntegerField(_("Lines"), default=0)
    matched_count = models.PositiveIntegerField(_("Matched"), default=0)
    recovered_count = models.PositiveIntegerField(_("Recorded now (lost notifications)"), default=0)
    problem_count = models.PositiveIntegerField(_("Problems"), default=0)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = _("Settlement statement")
        verbose_name_plural = _("Settlement statements")

    def __str__(self):
        return self.file_name


class SettlementLine(models.Model):
    """What one statement line (or one recorded payment missing from the statement) came to."""

    class Outcome(models.TextChoices):
        MATCHED = "matched", _("Matches the recorded payment")
        RECOVERED = "recovered", _("No notification had arrived: recorded and applied now")
        RECOVERED_QUEUED = "recovered_queued", _("No notification had arrived: recorded, waiting for staff")
        MISMATCH = "mismatch", _("Differs from the recorded payment")
        # The bank's ProcessDate is far before the notification's arrival: the payer paid long before the
        # portal knew (a delayed notification, or a bank clock that is wrong). Finance staff look.
        LATE = "late", _("Paid long before the notification arrived")
        MISSING = "missing", _("Recorded payment missing from the statement")
        INVALID = "invalid", _("Line cannot be read")

    settlement = models.ForeignKey(SettlementImport, on_delete=models.CASCADE, related_name="lines")
    line_number = models.PositiveIntegerField(_("Line"), null=True, blank=True)
    trx = models.CharField(_("JOEBPPSTrx"), max_length=64, blank=True)
    billing_number = models.CharField(_("E-payment number"), max_length=64, blank=True)
    paid_amount = models.DecimalField(_("Paid amount (JOD)"), null=True, blank=True, **MONEY)
    stmt_date = models.DateField(_("Settlement day"), null=True, blank=True)
    outcome = models.CharField(_("Outcome"), max_length=20, choices=Outcome.choices)
    note = models.CharField(_("Note"), max_length=300, blank=True)
    payment = models.ForeignKey(Payment, verbose_name=_("Payment"), on_delete=models.PROTECT, null=True, blank=True)

    class Meta:
        ordering = ["settlement", "line_number", "pk"]
        verbose_name = _("Settlement line")
        verbose_name_plural = _("Settlement lines")

    def __str__(self):
        return f"{self.settlement}:{self.line_number} {self.outcome}"
