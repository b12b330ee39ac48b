# Kept whole: the figures of the dashboard and the public page share one definition each, in one place.
"""The performance figures, computed by the database (aggregates, not Python loops over rows).

Times from submission to completion are measured in the unit of the service card's standard time:
working days (Friday and Saturday off, public holidays from ``services.models.Holiday``, counted as
``services.workdays.working_days_between`` does: the days after submission up to and including the
day of completion, in Amman's time zone) or minutes. Percentiles use PostgreSQL's ``percentile_cont``;
SQLite (the zero-setup default) has none, so there the same interpolated value is read with two
ordered ``LIMIT/OFFSET`` queries.
"""

from __future__ import annotations

import dataclasses
import math
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import connection
from django.db.models import (
    Aggregate,
    Avg,
    Case,
    Count,
    F,
    FloatField,
    Func,
    IntegerField,
    Min,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Least, Mod, TruncDate
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from payments.constants import BillStatus, PaymentState
from payments.models import Bill, Payment
from performance.constants import EndReason, Unit, bill_kinds, completed_statuses, service_slugs
from performance.models import ClosingMonthRollup, ClosingRollup, MoneyRollup, OpeningRollup, Rating, RollupState
from services.models import Application, Ending, Holiday, Service
from services.workflow import get_workflow

# --- SQL building blocks ----------------------------------------------------------------------------

# A Sunday: day 0 of the working-week arithmetic below (Sunday to Thursday are working days).
EPOCH_SUNDAY = date(1970, 1, 4)


class DayNumber(Func):
    """Days from 1970-01-04 (a Sunday) to a date expression."""

    output_field = IntegerField()
    template = "(%(expressions)s - DATE '1970-01-04')"

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(
            compiler, connection, template="CAST(julianday(%(expressions)s) - julianday('1970-01-04') AS INTEGER)"
        )


class EpochSeconds(Func):
    """Seconds since 1970 of a timestamp expression, as a float."""

    output_field = FloatField()
    template = "CAST(EXTRACT(EPOCH FROM %(expressions)s) AS double precision)"

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, template="((julianday(%(expressions)s) - 2440587.5) * 86400.0)")


class PercentileCont(Aggregate):
    """PostgreSQL's ``percentile_cont(fraction) WITHIN GROUP (ORDER BY expression)``."""

    function = "PERCENTILE_CONT"
    name = "PercentileCont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, *, fraction: float, **extra):
        if not 0 <= fraction <= 1:
            raise ValueError("fraction is between 0 and 1")
        super().__init__(expression, fraction=repr(float(fraction)), **extra)


def _working_week_ordinal(day_expr):
    """Working days (weekends only) from EPOCH_SUNDAY up to and including the day: 5 a week, Sun–Thu."""
    days = DayNumber(day_expr) + Value(1)
    return Value(5) * (days / Value(7)) + Least(Mod(days, Value(7)), Value(5), output_field=IntegerField())


def _holidays_up_to(day_field: str, holidays: list[date]):
    """How many of ``holidays`` (sorted, weekdays only) fall on or before the day: a CASE from the latest down,
    so recent days stop at the first branches. (A correlated subquery per row was 3–4 times slower.)"""
    if not holidays:
        return Value(0)
    whens = [When(**{f"{day_field}__gte": day}, then=Value(n)) for n, day in reversed(list(enumerate(holidays, 1)))]
    return Case(*whens, default=Value(0), output_field=IntegerField())


def weekday_holidays(*, until: date | None = None) -> list[date]:
    """Public holidays that fall on a working weekday (a holiday on a Friday or Saturday changes nothing)."""
    days = Holiday.objects.exclude(date__week_day__in=[6, 7]).order_by("date")  # 6, 7: Friday, Saturday
    if until is not None:
        days = days.filter(date__lte=until)
    return list(days.values_list("date", flat=True))


def working_days_expression(holidays: list[date]):
    """SQL for ``services.workdays.working_days_between(local date of start, local date of end)``.

    Needs the queryset annotated with ``_start_day``/``_end_day`` (see :func:`with_duration`).
    """
    weekdays = _working_week_ordinal(F("_end_day")) - _working_week_ordinal(F("_start_day"))
    return weekdays - (_holidays_up_to("_end_day", holidays) - _holidays_up_to("_start_day", holidays))


def with_duration(
    queryset,
    *,
    unit: str,
    start_field: str = "submitted_at",
    end_field: str = "closed_at",
    holidays: list[date] | None = None,
):
    """``queryset`` annotated with ``duration``: the time from ``start_field`` to ``end_field`` in ``unit``.

    ``holidays``: the weekday public holidays to skip (default: all of them, from the staff's list).
    """
    if unit == Unit.MINUTES:
        return queryset.annotate(duration=(EpochSeconds(end_field) - EpochSeconds(start_field)) / Value(60.0))
    tz = timezone.get_default_timezone()
    return queryset.annotate(
        _start_day=TruncDate(start_field, tzinfo=tz),
        _end_day=TruncDate(end_field, tzinfo=tz),
    ).annotate(duration=working_days_expression(weekday_holidays() if holidays is None else holidays))


def percentiles(queryset, field: str, fractions: tuple[float, ...], **also) -> tuple[list[float | None], dict]:
    """The interpolated percentiles (as ``percentile_cont``) of ``field`` over ``queryset`` (None when empty),
    and the aggregates ``also`` computed in the same pass."""
    if connection.vendor == "postgresql":
        result = queryset.aggregate(
            **{f"p{i}": PercentileCont(field, fraction=f) for i, f in enumerate(fractions)}, **also
        )
        values = [None if result[f"p{i}"] is None else float(result[f"p{i}"]) for i in range(len(fractions))]
        return values, {key: result[key] for key in also}  # pragma: no cover - figures_for groups on PostgreSQL
    extra = queryset.aggregate(count=Count("pk"), **also)
    count = extra.pop("count")
    out: list[float | None] = []
    ordered = queryset.order_by(field).values_list(field, flat=True)
    for fraction in fractions:
        if not count:
            out.append(None)
            continue
        position = fraction * (count - 1)
        low = math.floor(position)
        values = [float(v) for v in ordered[low : math.ceil(position) + 1]]
        out.append(values[0] + (values[-1] - values[0]) * (position - low))
    return out, extra


# --- periods -----------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Period:
    """Whole days in Amman, ``first`` to ``last`` inclusive."""

    first: date
    last: date

    @property
    def start(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.first, time.min), timezone.get_default_timezone())

    @property
    def end(self) -> datetime:
        """The instant after the period (midnight after ``last``)."""
        return timezone.make_aware(
            datetime.combine(self.last + timedelta(days=1), time.min), timezone.get_default_timezone()
        )

    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]

    @classmethod
    def last_days(cls, days: int, *, today: date | None = None) -> Period:
        today = today or timezone.localdate()
        return cls(first=today - timedelta(days=days - 1), last=today)


def _in(field: str, period: Period) -> Q:
    return Q(**{f"{field}__gte": period.start, f"{field}__lt": period.end})


# --- per service ---------------------------------------------------------------------------------------


def standard_for(service: Service | None) -> tuple[int | None, str]:
    """The card's standard time as (amount, unit); amount None when the card sets none (working days then)."""
    if service is not None and service.standard_minutes:
        return service.standard_minutes, Unit.MINUTES
    if service is not None and service.standard_working_days:
        return service.standard_working_days, Unit.WORKING_DAYS
    return None, Unit.WORKING_DAYS


@dataclasses.dataclass
class ServiceFigures:
    kind: str
    service: Service | None
    standard: int | None
    unit: str
    started: int = 0
    submitted: int = 0
    completed: int = 0
    ended: dict[str, int] = dataclasses.field(default_factory=dict)
    median: float | None = None
    p90: float | None = None
    within_standard: int = 0
    rated: int = 0
    satisfaction: float | None = None
    online: int = 0

    @property
    def cancelled(self) -> int:
        return sum(self.ended.values())

    @property
    def closed(self) -> int:
        return self.completed + self.cancelled

    @property
    def completion_rate(self) -> float | None:
        return self.completed / self.closed if self.closed else None

    @property
    def share_within_standard(self) -> float | None:
        if self.standard is None or not self.completed:
            return None
        return self.within_standard / self.completed

    @property
    def digital_take_up(self) -> float | None:
        return self.online / self.started if self.started else None


def service_kinds() -> list[str]:
    return list(completed_statuses())


def services_by_kind() -> dict[str, Service | None]:
    slugs = service_slugs()
    by_slug = {s.slug: s for s in Service.objects.filter(slug__in=slugs.values())}
    return {kind: by_slug.get(slug) for kind, slug in slugs.items()}


def _any(per_kind: dict[str, Q]) -> Q:
    q = Q(pk__in=[])
    for condition in per_kind.values():
        q |= condition
    return q


# One function per figure, each the only definition of it: the dashboard and the public page both read
# them through figures_for. Issue 20: they read the rollup tables (performance.models), whose rows
# performance.rollups keeps, so their cost does not grow with the history.


def completed_in(*, kinds: list[str], period: Period) -> Q:
    """Completed in the period: closed within it in a status its workflow declares ``completed``."""
    completed = completed_statuses()
    return _in("closed_at", period) & _any({k: Q(kind=k, status__in=completed[k]) for k in kinds})


def whole_months(period: Period) -> tuple[date, date]:
    """The calendar months wholly inside ``period``, as [first day of the first, first day after the last);
    empty (the two equal) when there is none."""
    first = period.first if period.first.day == 1 else (period.first.replace(day=28) + timedelta(days=4)).replace(day=1)
    after = period.last + timedelta(days=1)
    end = after if after.day == 1 else period.last.replace(day=1)
    return (first, end) if first < end else (first, first)


Closed = dict[str, dict[tuple[str, int], int]]


def closings(*, kinds: list[str], period: Period) -> Closed:
    """Per service, the applications closed in the period by (ending, working days to complete), read from
    the closing rollups (``performance.rollups``): its whole months from the month rows, the days before and
    after them from the day rows; a few hundred rows a year, whatever the history."""
    return closings_of(kinds=kinds, periods=[period])[0]


def closings_of(*, kinds: list[str], periods: list[Period]) -> list[Closed]:
    """:func:`closings` of each of ``periods``: one query each. (One union of every period's parts was planned
    in parallel at 1,000,000 applications, its cost being over the parallel setup's: two workers launched for
    2 ms of work took 20 ms on two busy CPUs.)"""
    return [_closings(kinds=kinds, period=period) for period in periods]


def _closings(*, kinds: list[str], period: Period) -> Closed:
    group = ("kind", "ending", "working_days")
    first_month, end_month = whole_months(period)
    days = ClosingRollup.objects.filter(kind__in=kinds, day__gte=period.first, day__lte=period.last)
    if first_month < end_month:
        # The days before and after the whole months, as two ranges (estimated as such, unlike a NOT).
        days = days.filter(Q(day__lt=first_month) | Q(day__gte=end_month))
    rows = days.order_by().values_list(*group).annotate(n=Sum("total"))
    if first_month < end_month:
        months = (
            ClosingMonthRollup.objects.filter(kind__in=kinds, month__gte=first_month, month__lt=end_month)
            .order_by()
            .values_list(*group)
            .annotate(n=Sum("total"))
        )
        rows = rows.union(months, all=True)
    out: Closed = {kind: {} for kind in kinds}
    for kind, ending, working_days, n in rows:
        out[kind][(ending, working_days)] = out[kind].get((ending, working_days), 0) + n
    return out


def _openings_through() -> date | None:
    return RollupState.objects.filter(name="openings").values_list("through", flat=True).first()


def application_counts(*, kinds: list[str], period: Period, closed: Closed | None = None) -> dict[str, dict[str, int]]:
    """Per service: ``started`` (created in the period), ``submitted``, ``completed`` (:func:`completed_in`,
    as the workflow set the application's ending) and ``online`` (started by the applicant on the portal
    themselves: the digital take-up). ``closed``: :func:`closings` of the same window, when already read.

    Days up to the opening rollup's last sealed day are read from it, the days after (today, and yesterday
    until the nightly rebuild) from the applications."""
    closed = closings(kinds=kinds, period=period) if closed is None else closed
    return application_counts_of(kinds=kinds, periods=[period], closed=[closed])[0]


def application_counts_of(*, kinds: list[str], periods: list[Period], closed: list[Closed]) -> list[dict]:
    """:func:`application_counts` of each of ``periods`` (``closed``: their closings), the sealed days and the
    live ones of every period read in one round trip."""
    out = []
    for period_closed in closed:
        counts = {kind: dict.fromkeys(("started", "submitted", "completed", "online"), 0) for kind in kinds}
        for kind in kinds:
            counts[kind]["completed"] = sum(
                n for (ending, _days), n in period_closed[kind].items() if ending == Ending.COMPLETED
            )
        out.append(counts)
    through = _openings_through()
    parts, windows_of = [], []  # each part's rows, and the windows they count in
    # The days not sealed yet (today, usually) are counted on the applications once, for every window they
    # are part of: the windows all end today, so their live days are the same.
    lives: dict[Period, list[int]] = {}
    for window, period in enumerate(periods):
        if through is not None and through >= period.first:
            parts.append(
                OpeningRollup.objects.filter(kind__in=kinds, day__gte=period.first, day__lte=min(through, period.last))
                .order_by()
                .values("kind")
                .annotate(
                    part=Value(len(parts)), started=Sum("started"), submitted=Sum("submitted"), online=Sum("online")
                )
            )
            windows_of.append([window])
        live_first = period.first if through is None else max(period.first, through + timedelta(days=1))
        if live_first <= period.last:
            lives.setdefault(Period(first=live_first, last=period.last), []).append(window)
    for live, windows in lives.items():
        parts.append(
            Application.objects.filter(kind__in=kinds)
            .order_by()
            .filter(_in("created_at", live) | _in("submitted_at", live))
            .values("kind")
            .annotate(
                part=Value(len(parts)),
                started=Count("pk", filter=_in("created_at", live)),
                submitted=Count("pk", filter=_in("submitted_at", live)),
                online=Count("pk", filter=_in("created_at", live) & Q(online=True)),
            )
        )
        windows_of.append(windows)
    for row in parts[0].union(*parts[1:], all=True) if parts else []:
        for window in windows_of[row["part"]]:
            for key in ("started", "submitted", "online"):
                out[window][row["kind"]][key] += row[key]
    return out


def endings(*, kinds: list[str], period: Period, closed: Closed | None = None) -> dict[str, dict[str, int]]:
    """Per service and :class:`EndReason`: applications closed in the period without the service (refused,
    or cancelled by the deadline, by staff or by the applicant), as the workflow set their ending when they
    closed (a refusal status, else who made the closing move: the deadline sweep is the system)."""
    closed = closings(kinds=kinds, period=period) if closed is None else closed
    out = {kind: dict.fromkeys(EndReason.values, 0) for kind in kinds}
    for kind in kinds:
        for (ending, _days), n in closed[kind].items():
            if ending in out[kind]:
                out[kind][ending] += n
    return out


def percentile_of_counts(counts: list[tuple[float, int]], fraction: float) -> float | None:
    """``percentile_cont(fraction)`` of values given as (value, how many), sorted by value."""
    total = sum(n for _v, n in counts)
    if not total:
        return None
    position = fraction * (total - 1)
    low, high = math.floor(position), math.ceil(position)

    def at(index: int) -> float:
        seen = 0
        for value, n in counts:
            seen += n
            if index < seen:
                return float(value)
        return float(counts[-1][0])  # pragma: no cover - index < total

    low_value = at(low)
    return low_value + (at(high) - low_value) * (position - low)


def completion_times(
    *,
    kinds: list[str],
    period: Period,
    standards: dict[str, tuple[int | None, str]],
    closed: Closed | None = None,
) -> dict[str, tuple[float | None, float | None, int]]:
    """Per service, over the applications :func:`completed_in` the period: the median and 90th percentile of
    the time from submission to completion in the unit of its card's standard (``standards``: kind ->
    (amount, unit), see :func:`standard_for`), and how many took no longer than the standard.

    Working days come from the closing rollup (the same interpolation as ``percentile_cont``); a card in
    minutes (none of the procedural services today) is measured on its applications."""
    out: dict[str, tuple[float | None, float | None, int]] = dict.fromkeys(kinds, (None, None, 0))
    day_kinds = [k for k in kinds if standards[k][1] == Unit.WORKING_DAYS]
    if day_kinds:
        closed = closings(kinds=kinds, period=period) if closed is None else closed
        for kind in day_kinds:
            counts = sorted(
                (days, n)
                for (ending, days), n in closed[kind].items()
                if ending == Ending.COMPLETED and days != ClosingRollup.NOT_MEASURED
            )
            standard = standards[kind][0]
            within = 0 if standard is None else sum(n for days, n in counts if days <= standard)
            out[kind] = (percentile_of_counts(counts, 0.5), percentile_of_counts(counts, 0.9), within)
    minute_kinds = [k for k in kinds if standards[k][1] == Unit.MINUTES]
    if minute_kinds:
        out.update(_completion_minutes(kinds=minute_kinds, period=period, standards=standards))
    return out


def _completion_minutes(*, kinds, period, standards) -> dict[str, tuple[float | None, float | None, int]]:
    out = {}
    done = with_duration(
        Application.objects.filter(completed_in(kinds=kinds, period=period), submitted_at__isnull=False)
        .filter(kind__in=kinds)
        .order_by(),
        unit=Unit.MINUTES,
    )
    for kind in kinds:
        standard = standards[kind][0]
        within = Count("pk", filter=Q(duration__lte=standard)) if standard is not None else Value(0)
        (median, p90), extra = percentiles(done.filter(kind=kind), "duration", (0.5, 0.9), within=within)
        out[kind] = (median, p90, extra["within"] or 0)
    return out


def satisfaction(*, kinds: list[str], period: Period) -> dict[str, tuple[int, float | None]]:
    """Per service: the ratings given in the period and their average (1 to 5)."""
    return satisfaction_of(kinds=kinds, periods=[period])[0]


def satisfaction_of(*, kinds: list[str], periods: list[Period]) -> list[dict[str, tuple[int, float | None]]]:
    """:func:`satisfaction` of each of ``periods``, in one query (an aggregate per period)."""
    out: list[dict[str, tuple[int, float | None]]] = [dict.fromkeys(kinds, (0, None)) for _period in periods]
    per_period = {}
    for window, period in enumerate(periods):
        given = Q(created_at__gte=period.start, created_at__lt=period.end)
        per_period[f"n{window}"] = Count("pk", filter=given)
        per_period[f"avg{window}"] = Avg("score", filter=given)
    rows = (
        Rating.objects.filter(
            kind__in=kinds,
            created_at__gte=min(p.start for p in periods),
            created_at__lt=max(p.end for p in periods),
        )
        .order_by()
        .values("kind")
        .annotate(**per_period)
    )
    for row in rows:
        for window in range(len(periods)):
            if row[f"n{window}"]:
                out[window][row["kind"]] = (row[f"n{window}"], row[f"avg{window}"])
    return out


def figures_for(*, kinds: list[str], period: Period, services: dict[str, Service | None]) -> list[ServiceFigures]:
    """Everything the dashboard and the public page show per service over ``period``: a few grouped queries
    for all ``kinds`` together, on the rollups (``performance.rollups``), not one set per service."""
    return figures_of(kinds=kinds, periods=[period], services=services)[0]


def figures_of(
    *, kinds: list[str], periods: list[Period], services: dict[str, Service | None]
) -> list[list[ServiceFigures]]:
    """:func:`figures_for` of each of ``periods`` (the public page's two windows): the state of the opening
    rollup, the started/submitted counts and the ratings of all of them in one query each."""
    standards = {kind: standard_for(services.get(kind)) for kind in kinds}
    closed = closings_of(kinds=kinds, periods=periods)
    counts = application_counts_of(kinds=kinds, periods=periods, closed=closed)
    rated = satisfaction_of(kinds=kinds, periods=periods)
    out = []
    for window, period in enumerate(periods):
        ended = endings(kinds=kinds, period=period, closed=closed[window])
        times = completion_times(kinds=kinds, period=period, standards=standards, closed=closed[window])
        figures = []
        for kind in kinds:
            median, p90, within = times[kind]
            figures.append(
                ServiceFigures(
                    kind=kind,
                    service=services.get(kind),
                    standard=standards[kind][0],
                    unit=standards[kind][1],
                    **counts[window][kind],
                    ended=ended[kind],
                    median=median,
                    p90=p90,
                    within_standard=within,
                    rated=rated[window][kind][0],
                    satisfaction=rated[window][kind][1],
                )
            )
        out.append(figures)
    return out


def service_figures(*, kind: str, period: Period, service: Service | None = None) -> ServiceFigures:
    return figures_for(kinds=[kind], period=period, services={kind: service})[0]


# --- work waiting ------------------------------------------------------------------------------------------


@dataclasses.dataclass
class Waiting:
    kind: str
    status: str
    label: str
    count: int
    oldest_at: datetime | None
    oldest_reference: str
    oldest_url: str

    @property
    def oldest_age_days(self) -> int | None:
        if self.oldest_at is None:
            return None
        return (timezone.localdate() - timezone.localtime(self.oldest_at).date()).days


def waiting_work(*, kinds: list[str] | None = None) -> list[Waiting]:
    """Open applications per service and status, with the one waiting longest (by submission)."""
    kinds = kinds or service_kinds()
    if not kinds:
        return []
    # One row per (service, status): its size, counted on the index of open applications, and the one waiting
    # longest: one step down that index per group (services' "application_open" is in this order). A window
    # over every open application sorted them all (issue 20); the ORM would group by the per-group subquery,
    # running it for every open application, hence SQL (the same on PostgreSQL and SQLite), read as
    # applications so that their times are converted as the ORM converts them.
    table = connection.ops.quote_name(Application._meta.db_table)
    sql = (
        f"SELECT a.id, a.kind, a.status, a.reference, a.submitted_at, a.created_at, g.n FROM"  # noqa: S608 - the model's table
        f" (SELECT kind, status, COUNT(*) AS n FROM {table} WHERE closed_at IS NULL"
        f" AND kind IN ({', '.join(['%s'] * len(kinds))}) GROUP BY kind, status) g"
        f" JOIN {table} a ON a.id = (SELECT o.id FROM {table} o"
        " WHERE o.closed_at IS NULL AND o.kind = g.kind AND o.status = g.status"
        " ORDER BY COALESCE(o.submitted_at, o.created_at), o.id LIMIT 1)"
    )
    rows = [
        {
            "kind": oldest.kind,
            "status": oldest.status,
            "n": oldest.n,
            "oldest_pk": oldest.pk,
            "reference": oldest.reference,
            "since": oldest.submitted_at or oldest.created_at,
        }
        for oldest in Application.objects.raw(sql, list(kinds))
    ]
    rows = sorted(rows, key=lambda r: (r["kind"], r["since"]))
    out = []
    for row in rows:  # one row per (service, status): a handful
        workflow = get_workflow(row["kind"], default=None)
        try:
            url = reverse("admin:services_application_change", args=[row["oldest_pk"]])
        except NoReverseMatch:  # pragma: no cover - the admin is always installed here
            url = ""
        out.append(
            Waiting(
                kind=row["kind"],
                status=row["status"],
                label=workflow.label(row["status"]) if workflow else row["status"],
                count=row["n"],
                oldest_at=row["since"],
                oldest_reference=row["reference"],
                oldest_url=url,
            )
        )
    return out


# --- money ---------------------------------------------------------------------------------------------------


@dataclasses.dataclass
class MoneyDay:
    day: date
    billed: Decimal = Decimal("0.000")
    paid: Decimal = Decimal("0.000")
    outstanding: Decimal = Decimal("0.000")
    bills: int = 0


def bill_kinds_for(kinds: list[str] | None) -> list[str]:
    by_service = bill_kinds()
    selected = kinds or list(by_service)
    return [bill_kind for kind in selected for bill_kind in by_service.get(kind, ())]


def money_per_day(*, period: Period, kinds: list[str] | None = None) -> list[MoneyDay]:
    """Per day in Amman: billed (bills issued), paid (bills paid that day), outstanding (issued that day, still open).

    Read from the money rollup (``performance.models.MoneyRollup``: a few rows a day, written by triggers in the
    statement that changes a bill); on SQLite, which has no such triggers, from the bills."""
    bill_kinds = bill_kinds_for(kinds)
    days = {d: MoneyDay(day=d) for d in period.days()}
    if connection.vendor != "postgresql":
        return _money_from_bills(period=period, bill_kinds=bill_kinds, days=days)
    rows = (
        MoneyRollup.objects.filter(kind__in=bill_kinds, day__gte=period.first, day__lte=period.last)
        .order_by()
        .values_list("day")
        .annotate(Sum("bills"), Sum("billed"), Sum("paid"), Sum("outstanding"))
    )
    for day, bills, billed, paid, outstanding in rows:
        entry = days[day]
        entry.bills, entry.billed, entry.paid, entry.outstanding = bills, billed, paid, outstanding
    return [days[d] for d in sorted(days)]


def _money_from_bills(*, period: Period, bill_kinds: list[str], days: dict[date, MoneyDay]) -> list[MoneyDay]:
    tz = timezone.get_default_timezone()
    bills = Bill.objects.filter(kind__in=bill_kinds).order_by()
    issued = (
        bills.filter(_in("issued_at", period))
        .annotate(day=TruncDate("issued_at", tzinfo=tz))
        .values("day")
        .annotate(
            billed=Sum("amount"),
            outstanding=Sum("amount", filter=Q(status=BillStatus.OPEN)),
            bills=Count("pk"),
        )
    )
    paid = (
        bills.filter(_in("paid_at", period), status=BillStatus.PAID)
        .annotate(day=TruncDate("paid_at", tzinfo=tz))
        .values("day")
        .annotate(paid=Sum("amount"))
    )
    for row in issued:
        entry = days.setdefault(row["day"], MoneyDay(day=row["day"]))
        entry.billed, entry.bills = row["billed"] or Decimal("0.000"), row["bills"]
        entry.outstanding = row["outstanding"] or Decimal("0.000")
    for row in paid:
        days.setdefault(row["day"], MoneyDay(day=row["day"])).paid = row["paid"] or Decimal("0.000")
    return [days[d] for d in sorted(days)]


def queued_payments() -> list[dict]:
    """Payments waiting for finance staff, per reason: how many, how much, since when."""
    return list(
        Payment.objects.filter(state=PaymentState.QUEUED)
        .order_by()
        .values("reason")
        .annotate(n=Count("pk"), amount=Sum("paid_amount"), oldest=Min("received_at"))
        .order_by("oldest")
    )
