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


class ClosingRollup(models.Model):
    """How many applications closed per service kind, closing day (Amman), ending and, for the completed ones,
    working days from submission to completion (``services.workdays.working_days_between``; ``NOT_MEASURED``
    for the others and for any never submitted).

    The figures of a window read these few rows (a few thousand a year) instead of every application: counts
    and endings are sums, the median and 90th percentile are read off the cumulative counts. Kept by
    ``performance.rollups``: counted in the transaction that closes the application, rebuilt every night
    (a rebuild of correct rows changes nothing) and for the days after a changed public holiday.
    """

    NOT_MEASURED = -1

    kind = models.CharField(_("service kind"), max_length=40)
    day = models.DateField(_("closing day"))
    ending = models.CharField(_("ending"), max_length=10)
    working_days = models.IntegerField(_("working days to complete"))
    total = models.PositiveIntegerField(_("applications"))

    class Meta:
        verbose_name = _("closings per day")
        verbose_name_plural = _("closings per day")
        constraints = [
            models.UniqueConstraint(fields=["day", "kind", "ending", "working_days"], name="closing_rollup_key"),
            models.CheckConstraint(condition=models.Q(working_days__gte=-1), name="closing_rollup_working_days"),
        ]

    def __str__(self):
        return f"{self.kind} {self.day} {self.ending} {self.working_days}: {self.total}"


class ClosingMonthRollup(models.Model):
    """``ClosingRollup`` summed per calendar month (``month``: its first day). A window reads its whole months
    here and only the days of its partial first and last months from the day rows: a year is about 2,000 rows
    instead of 13,000 at today's traffic. Kept with the day rows: in the closing's transaction and by the same
    rebuild."""

    kind = models.CharField(_("service kind"), max_length=40)
    month = models.DateField(_("month"))
    ending = models.CharField(_("ending"), max_length=10)
    working_days = models.IntegerField(_("working days to complete"))
    total = models.PositiveIntegerField(_("applications"))

    class Meta:
        verbose_name = _("closings per month")
        verbose_name_plural = _("closings per month")
        constraints = [
            models.UniqueConstraint(fields=["month", "kind", "ending", "working_days"], name="closing_month_key"),
            models.CheckConstraint(condition=models.Q(month__day=1), name="closing_month_first_day"),
            models.CheckConstraint(condition=models.Q(working_days__gte=-1), name="closing_month_working_days"),
        ]

    def __str__(self):
        return f"{self.kind} {self.month:%Y-%m} {self.ending} {self.working_days}: {self.total}"


class OpeningRollup(models.Model):
    """Applications started (of which online) and submitted per service kind and day (Amman), for the days up
    to ``RollupState`` "openings" (days that are over do not change: an application is created and submitted
    once, at that moment). Later days are counted from the applications themselves (a day or two, indexed)."""

    kind = models.CharField(_("service kind"), max_length=40)
    day = models.DateField(_("day"))
    started = models.PositiveIntegerField(_("started"), default=0)
    online = models.PositiveIntegerField(_("started online"), default=0)
    submitted = models.PositiveIntegerField(_("submitted"), default=0)

    class Meta:
        verbose_name = _("applications started per day")
        verbose_name_plural = _("applications started per day")
        constraints = [models.UniqueConstraint(fields=["day", "kind"], name="opening_rollup_key")]

    def __str__(self):
        return f"{self.kind} {self.day}: {self.started}/{self.submitted}"


class RollupState(models.Model):
    """Up to which day (inclusive) a rollup holds every day: "openings" for ``OpeningRollup``."""

    name = models.CharField(_("name"), max_length=20, primary_key=True)
    through = models.DateField(_("complete through"))

    class Meta:
        verbose_name = _("rollup state")
        verbose_name_plural = _("rollup states")

    def __str__(self):
        return f"{self.name}: {self.through}"


class MoneyRollup(models.Model):
    """Bills per bill kind and day (Amman): issued that day (how many, how much, how much of that is still
    open) and paid that day, as ``performance.selectors.money_per_day`` shows them.

    Written by triggers on ``payments_bill`` (PostgreSQL, migration 0004) in the statement that issues, pays,
    closes or expires a bill, whoever writes the row. A row is a change, not a counter: rows are only added
    (several per kind and day), so concurrent payments never wait for one another on a shared row; the figures
    are their sums, and the nightly rebuild (``performance.rollups``) folds each day's rows into one and
    corrects any that are wrong.
    """

    kind = models.CharField(_("bill kind"), max_length=40)
    day = models.DateField(_("day"))
    bills = models.IntegerField(_("bills issued"), default=0)
    billed = models.DecimalField(_("billed"), max_digits=16, decimal_places=3, default=0)
    outstanding = models.DecimalField(_("outstanding"), max_digits=16, decimal_places=3, default=0)
    paid = models.DecimalField(_("paid"), max_digits=16, decimal_places=3, default=0)

    class Meta:
        verbose_name = _("money per day")
        verbose_name_plural = _("money per day")
        indexes = [models.Index(fields=["kind", "day"], name="money_rollup_kind_day")]

    def __str__(self):
        return f"{self.kind} {self.day}: {self.bills} {self.billed}/{self.paid}/{self.outstanding}"
