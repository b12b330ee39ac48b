from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from contractors.constants import DOCUMENT_KIND, Classification, PermitKind, PermitStatus
from services.models import Application, ApplicationQuerySet, BilingualMixin, IssuedDocument


class Contractor(BilingualMixin, models.Model):
    """A contractor registered with the municipality (the contractor-permits department's register)."""

    number = models.CharField(_("contractor number"), max_length=20, unique=True)
    name_ar = models.CharField(_("name in Arabic"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    classification = models.CharField(_("classification"), max_length=20, choices=Classification.choices)
    phone = models.CharField(_("phone"), max_length=16, blank=True, help_text=_("Jordanian number, e.g. 0791234567"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("contractor")
        verbose_name_plural = _("contractors")
        constraints = [
            models.CheckConstraint(condition=models.Q(number__regex=r"^[0-9]+$"), name="contractor_number_digits"),
        ]

    def __str__(self):
        return f"{self.number} — {self.name_ar}"


class Permit(models.Model):
    """A permit the department issued to a contractor; a permit is identified by its number and year."""

    contractor = models.ForeignKey(
        Contractor, on_delete=models.PROTECT, related_name="permits", verbose_name=_("contractor")
    )
    number = models.CharField(_("permit number"), max_length=20)
    year = models.PositiveSmallIntegerField(_("permit year"))
    kind = models.CharField(_("permit kind"), max_length=20, choices=PermitKind.choices)
    site = models.CharField(_("site"), max_length=300)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    status = models.CharField(_("status"), max_length=20, choices=PermitStatus.choices, default=PermitStatus.ACTIVE)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-year", "number"]
        verbose_name = _("permit")
        verbose_name_plural = _("permits")
        constraints = [
            models.UniqueConstraint(Upper("number"), "year", name="permit_number_year_unique"),
            models.CheckConstraint(condition=models.Q(valid_until__gte=models.F("valid_from")), name="permit_dates"),
            models.CheckConstraint(condition=models.Q(year__gte=1990, year__lte=2100), name="permit_year_range"),
        ]
        indexes = [models.Index(fields=["number", "year"], name="permit_lookup_idx")]

    def __str__(self):
        return f"{self.number}/{self.year}"

    @property
    def is_cancelled(self) -> bool:
        return self.status == PermitStatus.CANCELLED


class RenewalRequestQuerySet(ApplicationQuerySet):
    def holding_period(self):
        return self.filter(holds_period=True)


class RenewalRequest(Application):
    """A request to renew one permit for one period (a calendar year).

    The shared ``Application.applicant`` cannot be empty, so a request made without logging in belongs
    to the portal's public applicant (see ``contractors.workflow.public_applicant``); such a person
    follows the request with its reference number and the phone number they gave, which is also
    where every SMS about it goes.
    """

    permit = models.ForeignKey(Permit, on_delete=models.PROTECT, related_name="renewals", verbose_name=_("permit"))
    period_year = models.PositiveSmallIntegerField(_("renewal for the year"))
    renewal_reason = models.TextField(_("renewal reason"), max_length=1000)
    phone = models.CharField(_("mobile number"), max_length=16, help_text=_("SMS about this request go here"))
    language = models.CharField(_("language of the SMS"), max_length=2, default="ar")
    submitted_anonymously = models.BooleanField(_("submitted without logging in"), default=False)
    # Mirrors "status is submitted, awaiting payment or issued" in this table, because the database
    # constraint below cannot see the parent table's status column; only contractors.workflow writes it.
    holds_period = models.BooleanField(_("holds the period"), default=True, editable=False)
    approved_from = models.DateField(_("renewed from"), null=True, blank=True)
    approved_until = models.DateField(_("renewed until"), null=True, blank=True)
    fee = models.DecimalField(_("fee (JOD)"), max_digits=12, decimal_places=3, null=True, blank=True)
    refusal_reason = models.TextField(_("reason for refusal"), blank=True)
    bill = models.OneToOneField(
        "payments.Bill",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contractor_renewal",
        verbose_name=_("bill"),
    )

    objects = RenewalRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("permit renewal request")
        verbose_name_plural = _("permit renewal requests")
        constraints = [
            models.UniqueConstraint(
                fields=["permit", "period_year"],
                condition=models.Q(holds_period=True),
                name="contractors_one_renewal_per_permit_period",
            ),
            models.CheckConstraint(
                condition=models.Q(fee__isnull=True) | models.Q(fee__gt=0), name="contractors_renewal_fee_positive"
            ),
            # An approval sets the period and the fee together.
            models.CheckConstraint(
                condition=models.Q(approved_from__isnull=True, approved_until__isnull=True, fee__isnull=True)
                | models.Q(
                    approved_from__isnull=False,
                    approved_until__isnull=False,
                    fee__isnull=False,
                    approved_until__gte=models.F("approved_from"),
                ),
                name="contractors_renewal_approval_complete",
            ),
            models.CheckConstraint(
                condition=models.Q(period_year__gte=1990, period_year__lte=2100), name="contractors_renewal_year_range"
            ),
        ]

    def __str__(self):
        return self.reference

    def renewed_permit(self):
        """The renewed permit issued for this request (an IssuedDocument), or None."""
        return (
            IssuedDocument.objects.filter(application_id=self.pk, kind=DOCUMENT_KIND, revoked_at__isnull=True)
            .order_by("-issued_at")
            .first()
        )
