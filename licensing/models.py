# Kept whole: nine declarative models of one service whose keys point at one another.
"""Profession licence splitting (seed 004): professions, licences, the dues ledger, inspection slots,
and the split request itself (a ``services.Application``)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.dates import span_text
from licensing.constants import STANDARD_WORKING_DAYS, ApprovalDecision, DueKind, InspectionResult, LicenceStatus
from services.models import Application, BilingualMixin

MONEY = {"max_digits": 12, "decimal_places": 3}
AREA = {"max_digits": 9, "decimal_places": 2}


class ExternalBody(BilingualMixin, models.Model):
    """A body outside the municipality whose approval some professions need (Ministry of Health, ...)."""

    code = models.SlugField(_("Code"), max_length=30, unique=True)
    name_ar = models.CharField(_("Name (Arabic)"), max_length=150)
    name_en = models.CharField(_("Name (English)"), max_length=150, blank=True)

    class Meta:
        ordering = ["name_ar"]
        verbose_name = _("External body")
        verbose_name_plural = _("External bodies")

    def __str__(self):
        return self.tr("name")


class Profession(BilingualMixin, models.Model):
    """The profession list: which need a construction licence certificate, which bodies approve, the fee."""

    code = models.SlugField(_("Code"), max_length=30, unique=True)
    name_ar = models.CharField(_("Name (Arabic)"), max_length=150)
    name_en = models.CharField(_("Name (English)"), max_length=150, blank=True)
    needs_construction_certificate = models.BooleanField(_("Needs a construction licence certificate"), default=False)
    approvals = models.ManyToManyField(
        ExternalBody, verbose_name=_("External approvals needed"), blank=True, related_name="professions"
    )
    # The fee table: empty means staff set the fee for each request.
    fee = models.DecimalField(_("Licence fee (JOD)"), null=True, blank=True, **MONEY)
    is_active = models.BooleanField(_("Offered to applicants"), default=True)

    class Meta:
        ordering = ["name_ar"]
        verbose_name = _("Profession")
        verbose_name_plural = _("Professions")
        constraints = [
            models.CheckConstraint(
                condition=Q(fee__isnull=True) | Q(fee__gt=0), name="licensing_profession_fee_positive"
            )
        ]

    def __str__(self):
        return self.tr("name")


class ProfessionLicence(models.Model):
    """A profession licence (رخصة مهن) held by a person or an organisation."""

    number = models.CharField(_("Licence number"), max_length=20, unique=True)
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Holder (person)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="profession_licences",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("Holder (organisation)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="profession_licences",
    )
    profession = models.ForeignKey(Profession, verbose_name=_("Profession"), on_delete=models.PROTECT)
    trade_name = models.CharField(_("Trade name"), max_length=200)
    address = models.CharField(_("Premises address"), max_length=300)
    area_m2 = models.DecimalField(_("Licensed area (m²)"), **AREA)
    renewed_year = models.PositiveSmallIntegerField(_("Renewed for year"))
    status = models.CharField(_("Status"), max_length=10, choices=LicenceStatus.choices, default=LicenceStatus.ACTIVE)
    split_from = models.ForeignKey(
        "self", verbose_name=_("Split from"), on_delete=models.PROTECT, null=True, blank=True, related_name="splits"
    )
    document = models.OneToOneField(
        "services.IssuedDocument",
        verbose_name=_("Licence document"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="profession_licence",
    )
    notes = models.TextField(_("Record notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("Profession licence")
        verbose_name_plural = _("Profession licences")
        constraints = [
            # Exactly one holder: a person or an organisation (an organisation's licence also names no person).
            models.CheckConstraint(
                condition=Q(holder__isnull=False, organisation__isnull=True)
                | Q(holder__isnull=True, organisation__isnull=False),
                name="licensing_licence_one_holder",
            ),
            models.CheckConstraint(condition=Q(area_m2__gt=0), name="licensing_licence_area_positive"),
            models.CheckConstraint(condition=Q(status__in=LicenceStatus.values), name="licensing_licence_status_valid"),
        ]

    def __str__(self):
        return f"{self.number} — {self.trade_name}"

    @property
    def is_renewed(self) -> bool:
        return self.renewed_year >= timezone.localdate().year

    @property
    def is_in_force(self) -> bool:
        return self.status == LicenceStatus.ACTIVE and self.is_renewed


class DuesEntry(models.Model):
    """One amount a property owner owes the municipality: the local dues ledger (see ``licensing/dues.py``).

    Keyed by (owner, title deed, kind, year), so that loading the finance department's file twice
    changes nothing.
    """

    class Source(models.TextChoices):
        STAFF = "staff", _("Entered by staff")
        IMPORT = "import", _("Imported from the finance file")
        DEMO = "demo", _("Demo data")

    owner_id_number = models.CharField(
        _("Owner's national, personal or establishment number"), max_length=20, db_index=True
    )
    deed_reference = models.CharField(_("Title deed reference"), max_length=30, db_index=True)
    kind = models.CharField(_("Kind"), max_length=15, choices=DueKind.choices)
    year = models.PositiveSmallIntegerField(_("Year"))
    amount = models.DecimalField(_("Amount (JOD)"), **MONEY)
    description = models.CharField(_("Description"), max_length=200, blank=True)
    paid_at = models.DateTimeField(_("Paid at"), null=True, blank=True)
    paid_bill = models.ForeignKey(
        "payments.Bill",
        verbose_name=_("Paid with bill"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    source = models.CharField(_("Source"), max_length=10, choices=Source.choices, default=Source.STAFF)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["deed_reference", "year", "kind"]
        verbose_name = _("Dues entry")
        verbose_name_plural = _("Dues ledger")
        constraints = [
            models.UniqueConstraint(
                fields=["owner_id_number", "deed_reference", "kind", "year"], name="licensing_dues_unique"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="licensing_dues_amount_positive"),
            models.CheckConstraint(condition=Q(kind__in=DueKind.values), name="licensing_dues_kind_valid"),
        ]

    def __str__(self):
        return f"{self.deed_reference} {self.get_kind_display()} {self.year}: {self.amount}"


class InspectionSlot(models.Model):
    """A time the department publishes for inspections; one booking at a time (database-enforced)."""

    starts_at = models.DateTimeField(_("Starts at"), db_index=True)
    ends_at = models.DateTimeField(_("Ends at"))
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Inspector"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    area = models.CharField(_("Area"), max_length=100, blank=True)
    is_published = models.BooleanField(_("Published to applicants"), default=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("Inspection slot")
        verbose_name_plural = _("Inspection calendar")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="licensing_slot_ends_after_start"),
        ]

    def __str__(self):
        return span_text(self.starts_at, self.ends_at)


class SplitApplication(Application):
    """A request to split part of a licensed premises or activity off as its own licence.

    Status, deadline and timeline live in ``services.Application`` and change only through
    ``licensing.workflow``.
    """

    licence = models.ForeignKey(
        ProfessionLicence,
        verbose_name=_("Licence to split from"),
        on_delete=models.PROTECT,
        related_name="split_requests",
    )
    # The licence number while the request is open: the unique index lets only one split run per licence.
    open_licence_key = models.CharField(max_length=20, null=True, blank=True, unique=True, editable=False)
    deed_reference = models.CharField(_("Title deed reference number"), max_length=30)
    construction_certificate_reference = models.CharField(
        _("Construction licence certificate reference number"), max_length=30, blank=True
    )
    profession = models.ForeignKey(Profession, verbose_name=_("New profession"), on_delete=models.PROTECT)
    trade_name = models.CharField(_("Trade name"), max_length=200)
    area_m2 = models.DecimalField(_("Area split off (m²)"), **AREA)

    dues_amount = models.DecimalField(_("Dues owed (JOD)"), null=True, blank=True, **MONEY)
    dues_bill = models.OneToOneField(
        "payments.Bill",
        verbose_name=_("Dues bill"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="licensing_dues_request",
    )
    accepted_at = models.DateTimeField(_("Accepted at"), null=True, blank=True)
    due_by = models.DateField(_("Standard time ends on"), null=True, blank=True)

    civil_defence_decided_at = models.DateTimeField(_("Civil Defence decided at"), null=True, blank=True)
    civil_defence_reference = models.CharField(_("Civil Defence reference"), max_length=40, blank=True)

    fee_amount = models.DecimalField(_("Licence fees (JOD)"), null=True, blank=True, **MONEY)
    fee_set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Fees set by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    fees_bill = models.OneToOneField(
        "payments.Bill",
        verbose_name=_("Fees bill"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="licensing_fees_request",
    )
    new_licence = models.OneToOneField(
        ProfessionLicence,
        verbose_name=_("New licence"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="issued_by_split",
    )

    class Meta:
        verbose_name = _("Licence split request")
        verbose_name_plural = _("Licence split requests")
        permissions = [
            ("record_approval_splitapplication", _("Can record external bodies' answers")),
            ("inspect_splitapplication", _("Can book inspections and record their results")),
            ("civil_defence_splitapplication", _("Can record Civil Defence decisions")),
            ("set_fee_splitapplication", _("Can set licence fees")),
            ("cancel_splitapplication", _("Can cancel licence split requests")),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(area_m2__gt=0), name="licensing_split_area_positive"),
            models.CheckConstraint(
                condition=Q(fee_amount__isnull=True) | Q(fee_amount__gt=0), name="licensing_split_fee_positive"
            ),
            # A fees bill is only issued once the fee is set.
            models.CheckConstraint(
                condition=Q(fees_bill__isnull=True) | Q(fee_amount__isnull=False), name="licensing_split_bill_needs_fee"
            ),
            models.CheckConstraint(
                condition=Q(dues_bill__isnull=True) | Q(dues_amount__gt=0),
                name="licensing_split_dues_bill_needs_amount",
            ),
        ]

    def __str__(self):
        return f"{self.reference} ({self.licence.number})"

    def get_absolute_url(self):
        return reverse("services:application-detail", kwargs={"reference": self.reference})

    def current_booking(self):
        return self.bookings.filter(cancelled_at__isnull=True, result="").select_related("slot").first()

    # The service card's standard time, for the page to count ("3 أيام عمل") instead of a fixed sentence.
    standard_working_days = STANDARD_WORKING_DAYS


class ExternalApproval(models.Model):
    """One external body's answer on one request (step 4), recorded by staff."""

    application = models.ForeignKey(
        SplitApplication, verbose_name=_("Request"), on_delete=models.CASCADE, related_name="approvals"
    )
    body = models.ForeignKey(ExternalBody, verbose_name=_("External body"), on_delete=models.PROTECT)
    decision = models.CharField(
        _("Decision"), max_length=10, choices=ApprovalDecision.choices, default=ApprovalDecision.PENDING
    )
    reason = models.CharField(_("Reason"), max_length=300, blank=True)
    decided_at = models.DateTimeField(_("Decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["application", "body__name_ar"]
        verbose_name = _("External approval")
        verbose_name_plural = _("External approvals")
        constraints = [
            models.UniqueConstraint(fields=["application", "body"], name="licensing_approval_once_per_body"),
            models.CheckConstraint(
                condition=Q(decision="pending", decided_at__isnull=True)
                | (~Q(decision="pending") & Q(decided_at__isnull=False)),
                name="licensing_approval_decided_whole",
            ),
            models.CheckConstraint(
                condition=~Q(decision="refused") | ~Q(reason=""), name="licensing_refusal_has_reason"
            ),
        ]

    def __str__(self):
        return f"{self.body}: {self.get_decision_display()}"


class InspectionBooking(models.Model):
    """An inspection of one request in one slot, and its result. A slot holds one live booking."""

    application = models.ForeignKey(
        SplitApplication, verbose_name=_("Request"), on_delete=models.PROTECT, related_name="bookings"
    )
    slot = models.ForeignKey(InspectionSlot, verbose_name=_("Slot"), on_delete=models.PROTECT, related_name="bookings")
    # When the visit begins, copied from the slot at booking: the database refuses a result recorded before it.
    visit_at = models.DateTimeField(_("Visit at"))
    booked_at = models.DateTimeField(_("Booked at"), default=timezone.now)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("Booked by"), on_delete=models.PROTECT, related_name="+"
    )
    cancelled_at = models.DateTimeField(_("Cancelled at"), null=True, blank=True)
    result = models.CharField(_("Result"), max_length=15, choices=InspectionResult.choices, blank=True)
    findings = models.TextField(_("What to correct"), blank=True)
    result_at = models.DateTimeField(_("Result recorded at"), null=True, blank=True)
    result_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Inspector"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    corrections_confirmed_at = models.DateTimeField(_("Corrections confirmed at"), null=True, blank=True)
    corrections_note = models.TextField(_("Applicant's note on the corrections"), blank=True)

    class Meta:
        ordering = ["slot__starts_at", "pk"]
        verbose_name = _("Inspection booking")
        verbose_name_plural = _("Inspection bookings")
        constraints = [
            # No double booking: the database, not a check-then-insert, settles two people racing for a slot.
            models.UniqueConstraint(
                fields=["slot"], condition=Q(cancelled_at__isnull=True), name="licensing_slot_booked_once"
            ),
            # One pending inspection per request.
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(cancelled_at__isnull=True, result=""),
                name="licensing_one_pending_inspection",
            ),
            models.CheckConstraint(
                condition=Q(result__in=["", *InspectionResult.values]), name="licensing_booking_result_valid"
            ),
            models.CheckConstraint(
                condition=~Q(result=InspectionResult.NOT_COMPLIANT) | ~Q(findings=""),
                name="licensing_not_compliant_has_findings",
            ),
            # A result (or a missed visit) is recorded only once the booked visit has begun.
            models.CheckConstraint(
                condition=Q(result="") | Q(result_at__gte=F("visit_at")),
                name="licensing_result_after_visit_began",
            ),
        ]

    def __str__(self):
        return f"{self.application.reference} @ {self.slot}"
