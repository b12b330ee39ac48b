"""Working days, for deadlines and standard times ("3 working days" on the service cards).

Friday and Saturday are the weekend in Jordan; public holidays come from the staff-managed list
(:class:`services.models.Holiday`). ``performance.selectors`` counts the same days in SQL.
"""

from datetime import date, timedelta

from services.models import Holiday

WEEKEND = frozenset({4, 5})  # Monday is 0: Friday, Saturday


def _holidays(start: date, end: date) -> set[date]:
    return set(Holiday.objects.filter(date__gte=start, date__lte=end).values_list("date", flat=True))


def is_working_day(day: date, *, holidays: set[date] | None = None) -> bool:
    if day.weekday() in WEEKEND:
        return False
    holidays = _holidays(day, day) if holidays is None else holidays
    return day not in holidays


def working_days_add(start: date, days: int) -> date:
    """The date ``days`` working days after ``start`` (the day of ``start`` itself does not count)."""
    if days < 0:
        raise ValueError("days must not be negative")
    # Generous window: even a long Eid adds at most a couple of weeks.
    holidays = _holidays(start, start + timedelta(days=days * 3 + 30))
    day, left = start, days
    while left:
        day += timedelta(days=1)
        if is_working_day(day, holidays=holidays):
            left -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when ``end`` is not after ``start``)."""
    if end <= start:
        return 0
    holidays = _holidays(start, end)
    return sum(
        1 for n in range(1, (end - start).days + 1) if is_working_day(start + timedelta(days=n), holidays=holidays)
    )
