from django.db import models
from django.utils.translation import gettext_lazy as _


class Rating(models.Model):
    """The applicant's rating of a completed application (1–5) and an optional comment, given once."""

    application = models.OneToOneField(
        "services.Application",
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="rating",
    )
    # Copied from the application so the public figures group without joining the big table.
    kind = models.CharField(_("service kind"), max_length=40, db_index=True, editable=False)
    score = models.PositiveSmallIntegerField(_("rating"))
    comment = models.TextField(_("comment"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("rated at"), db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("satisfaction rating")
        verbose_name_plural = _("satisfaction ratings")
        constraints = [
            models.CheckConstraint(condition=models.Q(score__gte=1, score__lte=5), name="performance_rating_score_1_5"),
        ]

    def __str__(self):
        return f"{self.application_id}: {self.score}"
