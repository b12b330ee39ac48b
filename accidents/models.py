"""Accident claim release (seed 002): the claim, its damage valuation, and the local insurance registry."""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accidents.constants import DamagedProperty, Department, InsuranceState, PaymentMethod, Unit
from accidents.inputs import policy_normalise, registration_normalise
from accidents.units import quantity_text
from services.models import Application, BilingualMixin


class InsuranceCompany(BilingualMixin, models.Model):
    code = models.SlugField(_("Code"), max_length=20, unique=True)
    name_ar = models.CharField(_("Name (Arabic)"), max_length=150)
    name_en = models.CharField(_("Name (English)"), max_length=150, blank=True)
    is_active = models.BooleanField(_("Offered to applicants"), default=True)

    class Meta:
        ordering = ["name_ar"]
        verbose_name = _("Insurance company")
        verbose_name_plural = _("Insurance companies")

    def __str__(self):
        return self.tr("name")


class InsurancePolicy(models.Model):
    """A vehicle's insurance policy, as kept in the local registry (see ``accidents/insurance.py``)."""

    class Source(models.TextChoices):
        STAFF = "staff", _("Entered by staff")
        IMPORT = "import", _("Imported from an insurer's file")
        DEMO = "demo", _("Demo data")

    insurer = models.ForeignKey(
        InsuranceCompany, verbose_name=_("Insurance company"), on_delete=models.PROTECT, related_name="policies"
    )
    policy_number = models.CharField(_("Policy number"), max_length=40)
    registration_number = models.CharField(_("Vehicle registration number"), max_length=20, db_index=True)
    plate_code = models.CharField(_("Plate code"), max_length=4, blank=True)
    plate_number = models.CharField(_("Plate number"), max_length=10, blank=True)
    starts_on = models.DateField(_("Starts on"))
    ends_on = models.DateField(_("Ends on"))
    cancelled_on = models.DateField(_("Cancelled on"), null=True, blank=True)
    source = models.CharField(_("Source"), max_length=10, choices=Source.choices, default=Source.STAFF)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["insurer", "policy_number"]
        verbose_name = _("Insurance policy")
        verbose_name_plural = _("Insurance policies")
        constraints = [
            models.UniqueConstraint(fields=["insurer", "policy_number"], name="accidents_policy_unique"),
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="accidents_policy_term_valid"),
        ]

    def __str__(self):
        return f"{self.insurer} {self.policy_number}"

    def save(self, *args, **kwargs):
        self.registration_number = registration_normalise(self.registration_number)
        self.policy_number = policy_normalise(self.policy_number)
        super().save(*args, **kwargs)

    def covers(self, day: date) -> bool:
        if self.cancelled_on and self.cancelled_on <= day:
            return False
        return self.starts_on <= day <= self.ends_on


MONEY = {"max_digits": 12, "decimal_places": 3}


class AccidentClaim(Application):
    """A request to release the municipality's claim on a vehicle after an accident that damaged its property.

    Status, deadline and timeline live in ``services.Application`` and change only through
    ``accidents.workflow``; the fields below are what the applicant declared and what staff decided.
    """

    # --- what the applicant declared (seed 002, step 4) ---
    plate_code = models.CharField(_("Plate code"), max_length=4)
    plate_number = models.CharField(_("Plate number"), max_length=10)
    registration_number = models.CharField(_("Vehicle registration number"), max_length=20, db_index=True)
    accident_date = models.DateField(_("Accident date"))
    accident_place = models.CharField(_("Accident place"), max_length=200)
    damaged_property = models.JSONField(_("What was damaged"), default=list)
    damage_description = models.TextField(_("Description of the damage"), blank=True)
    police_report_number = models.CharField(_("Police report number"), max_length=30)
    # The police report number while the claim is not cancelled: the unique index lets only one live
    # claim exist per accident (a cancelled one frees it, so the person can apply again).
    open_report_key = models.CharField(max_length=30, null=True, blank=True, unique=True, editable=False)
    sketch = models.ForeignKey(
        "services.Upload", verbose_name=_("Police accident sketch"), on_delete=models.PROTECT, related_name="+"
    )
    declared_insurer = models.ForeignKey(
        InsuranceCompany,
        verbose_name=_("Declared insurance company"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    declared_policy_number = models.CharField(_("Declared policy number"), max_length=40, blank=True)
    contact_mobile = models.CharField(_("Contact mobile"), max_length=16)

    # --- valuation (step 5) ---
    damage_amount = models.DecimalField(_("Damage amount (JOD)"), null=True, blank=True, **MONEY)
    valued_at = models.DateTimeField(_("Valued at"), null=True, blank=True)
    valued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Valued by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    # --- insurance check (steps 5-7) ---
    insurance_state = models.CharField(
        _("Insurance"), max_length=10, choices=InsuranceState.choices, blank=True, db_index=True
    )
    insurance_checked_at = models.DateTimeField(_("Insurance checked at"), null=True, blank=True)
    insurance_insurer_name = models.CharField(_("Insurer"), max_length=150, blank=True)
    insurance_policy_number = models.CharField(_("Policy number"), max_length=40, blank=True)
    insurance_valid_until = models.DateField(_("Policy ends on"), null=True, blank=True)
    insurance_detail = models.CharField(_("Insurance check result"), max_length=300, blank=True)

    # --- payment (steps 6-8) ---
    payment_method = models.CharField(
        _("Payment method"), max_length=10, choices=PaymentMethod.choices, blank=True, db_index=True
    )
    payment_chosen_at = models.DateTimeField(_("Payment method chosen at"), null=True, blank=True)
    bill = models.OneToOneField(
        "payments.Bill",
        verbose_name=_("Bill"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accident_claim",
    )

    # --- insurer's letter (steps 9-10) ---
    letter = models.ForeignKey(
        "services.Upload",
        verbose_name=_("Insurer's approval letter"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    letter_uploaded_at = models.DateTimeField(_("Letter uploaded at"), null=True, blank=True)
    letter_reviewed_at = models.DateTimeField(_("Letter reviewed at"), null=True, blank=True)
    letter_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Letter reviewed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    letter_valid = models.BooleanField(_("Letter valid"), null=True, blank=True)

    # --- release (step 11) ---
    released_at = models.DateTimeField(_("Released at"), null=True, blank=True)
    certificate = models.OneToOneField(
        "services.IssuedDocument",
        verbose_name=_("Release certificate"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accident_claim",
    )

    class Meta:
        verbose_name = _("Accident claim")
        verbose_name_plural = _("Accident claims")
        permissions = [
            ("value_accidentclaim", _("Can value accident damage")),
            ("check_insurance_accidentclaim", _("Can check a vehicle's insurance")),
            ("review_letter_accidentclaim", _("Can review insurers' approval letters")),
            ("cancel_accidentclaim", _("Can cancel accident claims")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(damage_amount__isnull=True) | Q(damage_amount__gt=0), name="accidents_claim_amount_positive"
            ),
            # Valued means an amount, a time and a person, all together.
            models.CheckConstraint(
                condition=Q(damage_amount__isnull=True, valued_at__isnull=True)
                | Q(damage_amount__isnull=False, valued_at__isnull=False),
                name="accidents_claim_valuation_whole",
            ),
            models.CheckConstraint(
                condition=Q(insurance_state__in=["", *InsuranceState.values]), name="accidents_claim_insurance_valid"
            ),
            models.CheckConstraint(
                condition=Q(payment_method__in=["", *PaymentMethod.values]), name="accidents_claim_method_valid"
            ),
            # Step 7: only an applicant whose insurance is active chooses how to pay.
            models.CheckConstraint(
                condition=Q(payment_method="") | Q(insurance_state=InsuranceState.ACTIVE),
                name="accidents_claim_choice_needs_active_insurance",
            ),
            # A letter is only ever asked for when the insurer pays.
            models.CheckConstraint(
                condition=Q(letter__isnull=True) | Q(payment_method=PaymentMethod.INSURER),
                name="accidents_claim_letter_needs_insurer",
            ),
            # A bill is only issued once the damage is valued.
            models.CheckConstraint(
                condition=Q(bill__isnull=True) | Q(damage_amount__isnull=False),
                name="accidents_claim_bill_needs_amount",
            ),
            models.CheckConstraint(condition=~Q(damaged_property=[]), name="accidents_claim_damage_declared"),
        ]

    def __str__(self):
        return f"{self.reference} ({self.plate_code}-{self.plate_number})"

    @property
    def plate(self) -> str:
        return f"{self.plate_code}-{self.plate_number}"

    def damaged_property_labels(self) -> list[str]:
        labels = dict(DamagedProperty.choices)
        return [str(labels.get(value, value)) for value in self.damaged_property]


class ValuationItem(models.Model):
    """One line of the damage valuation (step 5): the applicant sees every line, not just the total."""

    claim = models.ForeignKey(AccidentClaim, verbose_name=_("Claim"), on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(_("Position"), default=0)
    department = models.CharField(_("Department"), max_length=20, choices=Department.choices)
    description = models.CharField(_("Item"), max_length=200)
    quantity = models.DecimalField(_("Quantity"), max_digits=9, decimal_places=2)
    unit = models.CharField(_("Unit"), max_length=10, choices=Unit.choices, default=Unit.PIECE)
    unit_price = models.DecimalField(_("Unit price (JOD)"), **MONEY)
    amount = models.DecimalField(_("Amount (JOD)"), **MONEY)

    class Meta:
        ordering = ["claim", "position", "pk"]
        verbose_name = _("Valuation item")
        verbose_name_plural = _("Damage valuation")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="accidents_item_quantity_positive"),
            models.CheckConstraint(condition=Q(unit_price__gt=0), name="accidents_item_price_positive"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="accidents_item_amount_positive"),
            models.UniqueConstraint(fields=["claim", "position"], name="accidents_item_position_unique"),
        ]

    def __str__(self):
        return f"{self.description}: {self.amount}"

    def quantity_text(self) -> str:
        """ "3 قطع", "ساعتا عمل", "3 work hours": the quantity with its unit in the form the number takes."""
        return quantity_text(self.quantity, self.unit)
