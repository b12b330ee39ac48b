"""Keeping the rollup tables the figures read (``performance.models.ClosingRollup``, ``OpeningRollup``).

- A closing is counted in the transaction that closes the application (``services.signals.application_closing``),
  so the figures are never behind a closing and a rollback takes the count back with it.
- :func:`rebuild` recomputes every row from the applications, with the same SQL the figures used before the
  rollups, and writes only the differences: run every night (``performance.tasks.rollups_rebuild``), it
  changes nothing when the rows are right, and reports what it had to correct. It also seals the days that
  are over into ``OpeningRollup``.
- Money per day (``MoneyRollup``) is written by triggers on the bills (migration 0004, PostgreSQL) in the
  statement that changes a bill; the rebuild folds each day's rows into one and corrects any that are wrong.
- A public holiday added, moved or removed changes the working days of the applications closed on or after
  it: those days are rebuilt after the commit (``holiday_changed``).

On PostgreSQL the rebuild locks the closing rollup against writes first, so a closing committed while it
runs is counted exactly once (the closing waits for the lock, or the rebuild's reads see it committed).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.apps import apps as installed_apps
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, Count, F, IntegerField, Q, Sum, Value, When
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from performance.constants import Unit
from performance.models import ClosingMonthRollup, ClosingRollup
from performance.selectors import with_duration

COMPLETED = "completed"  # services.models.Ending.COMPLETED (the migrations' models have no choices class)
NOT_MEASURED = ClosingRollup.NOT_MEASURED
OPENINGS = "openings"


def _local_day(moment: datetime) -> date:
    return timezone.localtime(moment, timezone.get_default_timezone()).date()


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


# --- one closing ------------------------------------------------------------------------------------------


def closing_key(application) -> tuple[str, date, str, int]:
    """The rollup row an application closed like this one counts in."""
    from services.workdays import working_days_between

    measured = NOT_MEASURED
    if application.ending == COMPLETED and application.submitted_at is not None:
        measured = working_days_between(_local_day(application.submitted_at), _local_day(application.closed_at))
    return application.kind, _local_day(application.closed_at), application.ending, measured


def _add(model, key: dict, field: str, n: int) -> None:
    """``field += n`` on the row ``key``, made when missing (a concurrent maker wins, then we add to it)."""
    rows = model.objects.filter(**key)
    if rows.update(**{field: F(field) + n}):
        return
    try:
        with transaction.atomic():
            model.objects.create(**key, **{field: n})
    except IntegrityError:
        rows.update(**{field: F(field) + n})


def closing_counted(*, application, **_signal) -> None:
    """Receiver of ``application_closing`` (in the closing's transaction): one more in its rollup row."""
    if application.closed_at is None or not application.ending:
        return
    kind, day, ending, measured = closing_key(application)
    _add(ClosingRollup, {"kind": kind, "day": day, "ending": ending, "working_days": measured}, "total", 1)
    month = {"kind": kind, "month": day.replace(day=1), "ending": ending, "working_days": measured}
    _add(ClosingMonthRollup, month, "total", 1)


# --- rebuild ------------------------------------------------------------------------------------------------


def _models(apps):
    """The models a rebuild writes; None for a rollup the migrations ``apps`` stand at have not made yet (an
    earlier migration's backfill calls the rebuild)."""

    def get(app_label, name):
        try:
            return (apps or installed_apps).get_model(app_label, name)
        except LookupError:
            return None

    return (
        get("services", "Application"),
        get("services", "Holiday"),
        get("performance", "ClosingRollup"),
        get("performance", "ClosingMonthRollup"),
        get("performance", "OpeningRollup"),
        get("performance", "RollupState"),
        get("performance", "MoneyRollup"),
    )


def _sync(model, key_fields: tuple[str, ...], wanted: dict[tuple, dict], existing) -> dict[str, int]:
    """Make ``existing`` (a queryset of ``model``) hold exactly ``wanted`` ({key: values}); the changes made."""
    have = {tuple(getattr(row, f) for f in key_fields): row for row in existing}
    value_fields = list(next(iter(wanted.values())).keys()) if wanted else []
    added = [
        model(**dict(zip(key_fields, key, strict=True)), **values) for key, values in wanted.items() if key not in have
    ]
    changed = []
    for key, values in wanted.items():
        row = have.get(key)
        if row is not None and any(getattr(row, f) != v for f, v in values.items()):
            for f, v in values.items():
                setattr(row, f, v)
            changed.append(row)
    removed = [row.pk for key, row in have.items() if key not in wanted]
    model.objects.bulk_create(added, batch_size=2000)
    if changed:
        model.objects.bulk_update(changed, value_fields, batch_size=2000)
    if removed:
        model.objects.filter(pk__in=removed).delete()
    return {"added": len(added), "changed": len(changed), "removed": len(removed)}


def by_month(days: dict[tuple, dict]) -> dict[tuple, dict]:
    """Closing rows per day ({(day, kind, ending, working_days): {total}}) summed per month."""
    months: dict[tuple, dict] = {}
    for (day, *rest), values in days.items():
        entry = months.setdefault((day.replace(day=1), *rest), {"total": 0})
        entry["total"] += values["total"]
    return months


def _weekday_holidays(holiday_model) -> list[date]:
    days = holiday_model.objects.order_by("date").values_list("date", flat=True)
    return [d for d in days if d.weekday() not in (4, 5)]  # a holiday on a Friday or Saturday changes nothing


def closings_wanted(*, apps=None, since: date | None = None) -> dict[tuple, dict]:
    """The closing rollup as it should be, from the applications: {(day, kind, ending, working_days): {total}}."""
    application, holiday, *_rest = _models(apps)
    closed = application.objects.filter(closed_at__isnull=False).exclude(ending="").order_by()
    if since is not None:
        closed = closed.filter(closed_at__gte=_day_start(since))
    rows = (
        with_duration(closed, unit=Unit.WORKING_DAYS, holidays=_weekday_holidays(holiday))
        .annotate(
            measured=Case(
                When(Q(ending=COMPLETED, submitted_at__isnull=False), then=F("duration")),
                default=Value(NOT_MEASURED),
                output_field=IntegerField(),
            )
        )
        .values("_end_day", "kind", "ending", "measured")
        .annotate(total=Count("pk"))
    )
    return {(r["_end_day"], r["kind"], r["ending"], r["measured"]): {"total": r["total"]} for r in rows}


def openings_wanted(*, through: date, apps=None) -> dict[tuple, dict]:
    """The opening rollup up to ``through``: {(day, kind): {started, online, submitted}}."""
    application, *_rest = _models(apps)
    tz = timezone.get_default_timezone()
    end = _day_start(through + timedelta(days=1))
    wanted: dict[tuple, dict] = {}

    def entry(day, kind):
        return wanted.setdefault((day, kind), {"started": 0, "online": 0, "submitted": 0})

    started = (
        application.objects.filter(created_at__lt=end)
        .order_by()
        .annotate(day=TruncDate("created_at", tzinfo=tz))
        .values("day", "kind")
        .annotate(started=Count("pk"), online=Count("pk", filter=Q(online=True)))
    )
    for row in started:
        entry(row["day"], row["kind"]).update(started=row["started"], online=row["online"])
    submitted = (
        application.objects.filter(submitted_at__lt=end)
        .order_by()
        .annotate(day=TruncDate("submitted_at", tzinfo=tz))
        .values("day", "kind")
        .annotate(submitted=Count("pk"))
    )
    for row in submitted:
        entry(row["day"], row["kind"])["submitted"] = row["submitted"]
    return wanted


MONEY_FIELDS = ("bills", "billed", "outstanding", "paid")
ZERO = Decimal("0.000")


def money_wanted(*, apps=None) -> dict[tuple, dict]:
    """The money rollup as it should be, from the bills: {(day, kind): {bills, billed, outstanding, paid}}, the
    first three on the day of issue (outstanding: still open), ``paid`` on the day of payment."""
    bill = (apps or installed_apps).get_model("payments", "Bill")
    tz = timezone.get_default_timezone()
    wanted: dict[tuple, dict] = {}

    def entry(day, kind):
        return wanted.setdefault((day, kind), {"bills": 0, "billed": ZERO, "outstanding": ZERO, "paid": ZERO})

    issued = (
        bill.objects.order_by()
        .annotate(day=TruncDate("issued_at", tzinfo=tz))
        .values("day", "kind")
        .annotate(
            bills=Count("pk"),
            billed=Sum("amount"),
            outstanding=Coalesce(Sum("amount", filter=Q(status="open")), Value(ZERO)),
        )
    )
    for row in issued:
        entry(row["day"], row["kind"]).update(bills=row["bills"], billed=row["billed"], outstanding=row["outstanding"])
    paid = (
        bill.objects.filter(status="paid", paid_at__isnull=False)
        .order_by()
        .annotate(day=TruncDate("paid_at", tzinfo=tz))
        .values("day", "kind")
        .annotate(paid=Sum("amount"))
    )
    for row in paid:
        entry(row["day"], row["kind"])["paid"] = row["paid"]
    return wanted


def money_rebuild(*, apps=None) -> dict[str, int]:
    """Make the money rollup one right row per (day, kind): ``added``, ``changed`` and ``removed`` count the
    days whose sums were wrong, ``folded`` those whose rows were right but several (the triggers' changes).
    PostgreSQL only: elsewhere there are no triggers, and the figures are read from the bills."""
    if connection.vendor != "postgresql":
        return {}
    model = (apps or installed_apps).get_model("performance", "MoneyRollup")
    sums = {field: Sum(field) for field in MONEY_FIELDS}
    have = {
        (row.pop("day"), row.pop("kind")): row
        for row in model.objects.order_by().values("day", "kind").annotate(rows=Count("pk"), **sums)
    }
    wanted = money_wanted(apps=apps)
    out = {"added": 0, "changed": 0, "removed": 0, "folded": 0}
    replace = set()
    for key in wanted.keys() | have.keys():
        want, row = wanted.get(key), have.get(key)
        right = want or dict.fromkeys(MONEY_FIELDS, 0)
        same = row is not None and all(row[field] == right[field] for field in MONEY_FIELDS)
        if same and want is not None and row["rows"] == 1:
            continue
        out["folded" if same else "added" if row is None else "removed" if want is None else "changed"] += 1
        replace.add(key)
    if replace:
        days = {day for day, _kind in replace}
        rows = model.objects.filter(day__in=days).values_list("pk", "day", "kind")
        stale = [pk for pk, day, kind in rows if (day, kind) in replace]
        model.objects.filter(pk__in=stale).delete()
        model.objects.bulk_create(
            [model(day=day, kind=kind, **wanted[day, kind]) for day, kind in replace if (day, kind) in wanted],
            batch_size=2000,
        )
    return out


def _lock(model) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {connection.ops.quote_name(model._meta.db_table)} IN SHARE ROW EXCLUSIVE MODE")


def _analyze(model, changes: dict[str, int]) -> None:
    """After a rebuild that wrote rows (the first one, a backfill, a changed holiday), refresh the planner's
    statistics of the table now rather than at autovacuum's next pass: planned as the empty table it was, the
    figures' grouped read of a year (13,000 rows at 100,000 applications) took an index scan and a sort, 3 to
    4 times slower than the hashed sequential scan it gets with statistics (issue 20)."""
    if connection.vendor == "postgresql" and sum(changes.values()):
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def rebuild(
    *, apps=None, since: date | None = None, today: date | None = None, openings: bool = True
) -> dict[str, dict[str, int]]:
    """Recompute the rollups from the applications and write the differences; returns what changed.

    ``since``: only the closings from that day's month on (a holiday changed); the openings are then left alone, as
    with ``openings=False``. Otherwise the days before ``today`` are sealed into the opening rollup, and the
    money rollup (PostgreSQL) is folded and checked.
    """
    _application, _holiday, closing, month, opening, state, money = _models(apps)
    if since is not None:
        since = since.replace(day=1)  # its month is summed again from the days
    with transaction.atomic():
        _lock(closing)
        existing = closing.objects.all() if since is None else closing.objects.filter(day__gte=since)
        wanted = closings_wanted(apps=apps, since=since)
        out = {"closings": _sync(closing, ("day", "kind", "ending", "working_days"), wanted, existing)}
        _analyze(closing, out["closings"])
        if month is not None:
            _lock(month)
            existing = month.objects.all() if since is None else month.objects.filter(month__gte=since)
            out["closing_months"] = _sync(
                month, ("month", "kind", "ending", "working_days"), by_month(wanted), existing
            )
            _analyze(month, out["closing_months"])
        if since is None and openings:
            through = (today or timezone.localdate()) - timedelta(days=1)
            _lock(opening)
            out["openings"] = _sync(
                opening,
                ("day", "kind"),
                openings_wanted(through=through, apps=apps),
                opening.objects.filter(day__lte=through),
            )
            opening.objects.filter(day__gt=through).delete()
            state.objects.update_or_create(name=OPENINGS, defaults={"through": through})
            _analyze(opening, out["openings"])
        if since is None and money is not None and connection.vendor == "postgresql":
            _lock(money)
            out["money"] = money_rebuild(apps=apps)
            _analyze(money, out["money"])
    return out


def holiday_changing(*, sender, instance, **_signal) -> None:
    """Receiver of a Holiday's pre_save: remember the day it had (a holiday moved changes both days)."""
    if instance.pk:
        instance._rollup_old_date = sender.objects.filter(pk=instance.pk).values_list("date", flat=True).first()


def holiday_changed(*, instance, **_signal) -> None:
    """Receiver of a Holiday's post_save/post_delete: rebuild the closings from its (earlier) day on, after
    the commit, and let the public page recompute."""
    since = min(d for d in (instance.date, getattr(instance, "_rollup_old_date", None)) if d is not None)

    def run():
        rebuild(since=since)
        from performance.published import published_stale

        published_stale()

    transaction.on_commit(run)
