"""The working-day calendar: public holidays, kept by staff. Friday and Saturday are the weekend."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.dates import date_text


class Holiday(models.Model):
    """A public holiday: not a working day (Friday and Saturday never are)."""

    date = models.DateField(_("Date"), unique=True)
    name = models.CharField(_("Name"), max_length=100)

    class Meta:
        # The table keeps the name it had when the calendar lived in licensing.
        db_table = "licensing_holiday"
        ordering = ["date"]
        verbose_name = _("Public holiday")
        verbose_name_plural = _("Public holidays")

    def __str__(self):
        return f"{date_text(self.date)} {self.name}"
