"""The local copy of the Traffic Department's violations, and what the portal adds around it.

The partner owns vehicles, licences and violations: the portal only receives them through the
feed (``violations.feed``) and reads them through ``violations.sources``. What the portal owns is
the fleet registrations of business accounts, the inquiry log and the import history.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.dates import datetime_text
from violations.constants import NATIONAL_LICENCE_LENGTH, InquiryKind, Issuer, ViolationStatus


def licence_key(*, number: str, centre: str = "", category: str = "") -> str:
    if len(number) == NATIONAL_LICENCE_LENGTH:
        return number
    return f"{number}|{centre}|{category}"


class Vehicle(models.Model):
    """A vehicle as the Traffic Department knows it; the registration number proves its holder."""

    plate_code = models.CharField(_("plate code"), max_length=3)
    plate_number = models.CharField(_("plate number"), max_length=8)
    registration_number = models.CharField(_("vehicle registration number"), max_length=20)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("vehicle")
        verbose_name_plural = _("vehicles")
        constraints = [models.UniqueConstraint(fields=["plate_code", "plate_number"], name="vehicle_plate_unique")]

    def __str__(self):
        return self.plate

    @property
    def plate(self) -> str:
        return f"{self.plate_code}-{self.plate_number}"


class DrivingLicence(models.Model):
    """A driving licence. An 8-digit number is unique on its own; older numbers need centre and category."""

    number = models.CharField(_("licence number"), max_length=20, db_index=True)
    centre = models.CharField(_("licence centre"), max_length=60, blank=True)
    category = models.CharField(_("licence category"), max_length=20, blank=True)
    # What identifies the licence (see licence_key): one unique, indexed column answers an inquiry.
    key = models.CharField(_("lookup key"), max_length=100, unique=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("driving licence")
        verbose_name_plural = _("driving licences")

    def __str__(self):
        parts = [self.number, self.centre, self.category]
        return " / ".join(p for p in parts if p)


class Violation(models.Model):
    number = models.CharField(_("violation number"), max_length=30, unique=True)
    vehicle = models.ForeignKey(
        Vehicle, verbose_name=_("vehicle"), on_delete=models.PROTECT, null=True, blank=True, related_name="violations"
    )
    licence = models.ForeignKey(
        DrivingLicence,
        verbose_name=_("driving licence"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="violations",
    )
    offence_code = models.CharField(_("offence code"), max_length=20, blank=True)
    offence_ar = models.CharField(_("offence (Arabic)"), max_length=300)
    offence_en = models.CharField(_("offence (English)"), max_length=300, blank=True)
    article = models.CharField(_("article"), max_length=60, blank=True)
    location = models.CharField(_("place"), max_length=200, blank=True)
    issued_at = models.DateTimeField(_("date and time"))
    amount = models.DecimalField(_("amount (JOD)"), max_digits=12, decimal_places=3)
    issuer = models.CharField(_("issued by"), max_length=3, choices=Issuer.choices)
    payable = models.BooleanField(_("payable online"), default=True)
    status = models.CharField(_("status"), max_length=10, choices=ViolationStatus.choices, default=ViolationStatus.OPEN)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    # Set when the portal took the payment (eFAWATEERcom), so that a lagging feed cannot reopen it.
    paid_billing_number = models.CharField(_("paid with e-payment number"), max_length=13, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("violation")
        verbose_name_plural = _("violations")
        ordering = ["-issued_at", "number"]
        indexes = [
            models.Index(fields=["vehicle", "status"], name="violation_vehicle_status"),
            models.Index(fields=["licence", "status"], name="violation_licence_status"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=Decimal("0")), name="violation_amount_positive"),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in ViolationStatus]), name="violation_status_valid"
            ),
            models.CheckConstraint(condition=Q(issuer__in=[i.value for i in Issuer]), name="violation_issuer_valid"),
            models.CheckConstraint(
                condition=Q(vehicle__isnull=False) | Q(licence__isnull=False), name="violation_has_vehicle_or_licence"
            ),
            models.CheckConstraint(
                condition=Q(paid_billing_number="") | Q(status=ViolationStatus.PAID, paid_at__isnull=False),
                name="violation_portal_payment_is_paid",
            ),
        ]

    def __str__(self):
        return self.number

    @property
    def offence(self) -> str:
        if (get_language() or "ar").startswith("en") and self.offence_en:
            return self.offence_en
        return self.offence_ar

    # Tables show every violation's date and amount: formatted here rather than by the template filters
    # (same text: the one date-time format, core.dates), which cost more than the rest of a row.
    @property
    def issued_at_text(self) -> str:
        return datetime_text(self.issued_at)

    @property
    def amount_text(self) -> str:
        return f"{self.amount:.3f}"  # stored with 3 decimals: nothing to round

    @property
    def issuer_text(self) -> str:
        """get_issuer_display() without rebuilding the choices dictionary on every call."""
        return str(Issuer(self.issuer).label)

    @property
    def is_payable_now(self) -> bool:
        return self.status == ViolationStatus.OPEN and self.payable

    @property
    def not_payable_reason(self) -> str:
        """Why this violation has no e-payment number (empty when it has one)."""
        if self.status == ViolationStatus.PAID:
            return str(_("Already paid"))
        if self.status == ViolationStatus.CANCELLED:
            return str(_("Cancelled by the Traffic Department"))
        if not self.payable:
            return str(
                _(
                    "The Traffic Department has not released it for online payment: settle it at a Traffic Department office"
                )
            )
        return ""


class FleetVehicle(models.Model):
    """A vehicle a business account registered in its fleet (plate + registration number).

    It is stored as typed: the vehicle's violations are shown only while the registration number
    matches the Traffic Department's, exactly like a one-off inquiry.
    """

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="fleet_vehicles", verbose_name=_("organisation")
    )
    plate_code = models.CharField(_("plate code"), max_length=3)
    plate_number = models.CharField(_("plate number"), max_length=8)
    registration_number = models.CharField(_("vehicle registration number"), max_length=20)
    label = models.CharField(_("label"), max_length=100, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("fleet vehicle")
        verbose_name_plural = _("fleet vehicles")
        ordering = ["plate_code", "plate_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "plate_code", "plate_number"], name="fleet_vehicle_unique_per_organisation"
            ),
        ]

    def __str__(self):
        return self.plate

    @property
    def plate(self) -> str:
        return f"{self.plate_code}-{self.plate_number}"


class InquiryLog(models.Model):
    """Who looked up what. Plates and licence numbers are kept only as keyed hashes (HMAC)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.SET_NULL, null=True, related_name="+")
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=InquiryKind.choices)
    subject_hash = models.CharField(_("subject (HMAC)"), max_length=64, db_index=True)
    matched = models.BooleanField(_("matched"))
    violations_count = models.PositiveIntegerField(_("violations shown"), default=0)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("inquiry log entry")
        verbose_name_plural = _("inquiry log")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.kind} {self.subject_hash[:12]}…"


class FeedImport(models.Model):
    """One run of the partner feed import (command or admin), for the audit trail."""

    file_name = models.CharField(_("file"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    rows = models.PositiveIntegerField(_("rows"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    bills_closed = models.PositiveIntegerField(_("bills closed"), default=0)
    errors = models.JSONField(_("bad lines"), default=list, blank=True)
    created_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("feed import")
        verbose_name_plural = _("feed imports")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.file_name} ({datetime_text(self.created_at)})"


class PaymentNotice(models.Model):
    """The payment notice (إشعار بالدفع) issued for a paid bill, once per party, then handed out again."""

    billing_number = models.CharField(_("e-payment number"), max_length=13)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    document = models.ForeignKey("services.IssuedDocument", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("payment notice")
        verbose_name_plural = _("payment notices")
        constraints = [
            models.UniqueConstraint(
                fields=["billing_number", "owner"],
                condition=Q(organisation__isnull=True),
                name="payment_notice_one_per_person",
            ),
            models.UniqueConstraint(
                fields=["billing_number", "organisation"],
                condition=Q(organisation__isnull=False),
                name="payment_notice_one_per_organisation",
            ),
        ]

    def __str__(self):
        return self.billing_number
