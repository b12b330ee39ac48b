"""The catalogue: each e-service's public card and the documents it asks for."""

import logging

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class BilingualMixin:
    """``obj.tr("name")`` returns ``name_en`` when English is active and filled, else ``name_ar``."""

    def tr(self, field: str) -> str:
        if (get_language() or "ar").startswith("en"):
            value = getattr(self, f"{field}_en", "")
            if value:
                return value
        return getattr(self, f"{field}_ar", "")

    def tr_lines(self, field: str) -> list[str]:
        return _lines(self.tr(field))


class Service(BilingualMixin, models.Model):
    """One e-service's public card, as the municipality publishes it (see the seed cards).

    List-like fields hold one item per line so that staff can edit them in the admin.
    """

    class Kind(models.TextChoices):
        INQUIRY = "inquiry", _("Inquiry")
        PROCEDURE = "procedure", _("Procedure")

    slug = models.SlugField(_("identifier"), unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("published"), default=True)
    kind = models.CharField(_("service type"), max_length=10, choices=Kind.choices)
    start_url_name = models.CharField(
        _("start URL name"),
        max_length=100,
        blank=True,
        help_text=_("The name of the page that starts the service, e.g. violations:inquiry"),
    )
    icon = models.CharField(_("icon"), max_length=40, blank=True)
    name_ar = models.CharField(_("name in Arabic"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    description_ar = models.TextField(_("description in Arabic"))
    description_en = models.TextField(_("description in English"), blank=True)
    conditions_ar = models.TextField(_("conditions in Arabic"), blank=True)
    conditions_en = models.TextField(_("conditions in English"), blank=True)
    beneficiaries_ar = models.TextField(_("beneficiaries in Arabic (one per line)"), blank=True)
    beneficiaries_en = models.TextField(_("beneficiaries in English (one per line)"), blank=True)
    channels_ar = models.TextField(_("channels in Arabic (one per line)"), blank=True)
    channels_en = models.TextField(_("channels in English (one per line)"), blank=True)
    hours_ar = models.CharField(_("hours in Arabic"), max_length=200, blank=True)
    hours_en = models.CharField(_("hours in English"), max_length=200, blank=True)
    standard_time_ar = models.CharField(_("standard time in Arabic"), max_length=200, blank=True)
    standard_time_en = models.CharField(_("standard time in English"), max_length=200, blank=True)
    standard_minutes = models.PositiveIntegerField(
        _("standard time in minutes"), null=True, blank=True, help_text=_("For inquiry services")
    )
    standard_working_days = models.PositiveSmallIntegerField(
        _("standard time in working days"), null=True, blank=True, help_text=_("The most it takes, for procedures")
    )
    fees_ar = models.CharField(_("fees in Arabic"), max_length=300, blank=True)
    fees_en = models.CharField(_("fees in English"), max_length=300, blank=True)
    payment_ar = models.CharField(_("how to pay in Arabic"), max_length=300, blank=True)
    payment_en = models.CharField(_("how to pay in English"), max_length=300, blank=True)
    outputs_ar = models.TextField(_("outputs in Arabic (one per line)"), blank=True)
    outputs_en = models.TextField(_("outputs in English (one per line)"), blank=True)
    steps_ar = models.TextField(_("steps in Arabic (one per line)"), blank=True)
    steps_en = models.TextField(_("steps in English (one per line)"), blank=True)
    partners_ar = models.TextField(_("partners in Arabic (one per line)"), blank=True)
    partners_en = models.TextField(_("partners in English (one per line)"), blank=True)
    notes_ar = models.TextField(_("notes in Arabic (one per line)"), blank=True)
    notes_en = models.TextField(_("notes in English (one per line)"), blank=True)

    class Meta:
        ordering = ["order", "slug"]
        verbose_name = _("service")
        verbose_name_plural = _("service catalogue")

    def __str__(self):
        return self.name_ar

    def get_absolute_url(self):
        return reverse("services:card", kwargs={"slug": self.slug})

    def start_url(self) -> str:
        """Where the card's "Start the service" button goes; empty until the service's app sets a page."""
        if not self.start_url_name:
            return ""
        try:
            return reverse(self.start_url_name)
        except NoReverseMatch:
            # A typo made in the admin must not take the public card down with it.
            logger.warning("service %s: start_url_name %r does not resolve", self.slug, self.start_url_name)
            return ""

    def clean(self):
        super().clean()
        if self.start_url_name:
            try:
                reverse(self.start_url_name)
            except NoReverseMatch:
                raise ValidationError(
                    {"start_url_name": _("No page has this name. Use an app page name such as violations:inquiry.")}
                ) from None


class ServiceDocument(BilingualMixin, models.Model):
    """A document the service card lists as required."""

    class Form(models.TextChoices):
        ELECTRONIC = "electronic", _("Electronic")
        PAPER = "paper", _("Paper")

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="documents")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name_ar = models.CharField(_("document in Arabic"), max_length=200)
    name_en = models.CharField(_("document in English"), max_length=200, blank=True)
    description_ar = models.CharField(_("description in Arabic"), max_length=300, blank=True)
    description_en = models.CharField(_("description in English"), max_length=300, blank=True)
    issuer_ar = models.CharField(_("issued by (Arabic)"), max_length=200, blank=True)
    issuer_en = models.CharField(_("issued by (English)"), max_length=200, blank=True)
    form = models.CharField(_("form"), max_length=10, choices=Form.choices, default=Form.ELECTRONIC)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("required document")
        verbose_name_plural = _("required documents")

    def __str__(self):
        return self.name_ar
