"""The rollups the figures read (issue 20): counted when an application closes, in its transaction; the
nightly rebuild finds them right (changes nothing) and corrects them when they are not; a changed public
holiday recounts the working days; ``online`` and ``ending`` are stored on the application when they happen,
and the migration fills them in for the applications already there."""

import importlib
from datetime import date, timedelta

import pytest
import time_machine
from django.apps import apps
from django.db import connection, transaction
from django.utils import timezone

from accidents.constants import ClaimStatus
from accidents.tests.factories import ClaimFactory
from accidents.workflow import claim_letter_decide
from accounts.tests.factories import UserFactory
from performance.models import ClosingMonthRollup, ClosingRollup, OpeningRollup, RollupState
from performance.rollups import rebuild
from performance.selectors import Period, closings, service_figures, whole_months
from performance.tests.factories import at, make_application
from services.deadlines import deadlines_sweep
from services.models import Application, Holiday
from services.workflow import application_transition

pytestmark = pytest.mark.django_db


def rollup_rows() -> dict[tuple, int]:
    return {(r.day, r.kind, r.ending, r.working_days): r.total for r in ClosingRollup.objects.all()}


def month_rows() -> dict[tuple, int]:
    return {(r.month, r.kind, r.ending, r.working_days): r.total for r in ClosingMonthRollup.objects.all()}


@pytest.fixture
def clerk(catalogue):
    return UserFactory(staff=True)


def close_a_mix(clerk) -> None:
    """Closings of every kind accident claims have, on several days (through the workflow): completed,
    cancelled on the insurer's letter, by staff, by the deadline sweep, and applications still open."""
    start = at("2026-03-01 09:00")  # a Sunday
    for day in range(12):
        with time_machine.travel(start + timedelta(days=day, hours=day % 5), tick=False):
            ClaimFactory(released_by_letter=True, staff=clerk)
            if day % 3 == 0:
                ClaimFactory(cancelled_by_letter=True, staff=clerk)
            if day % 4 == 1:
                claim = ClaimFactory(staff=clerk)
                application_transition(
                    application=claim, to_status=ClaimStatus.CANCELLED, actor=clerk, actor_kind="staff", reason="x"
                )
            if day % 5 == 2:
                ClaimFactory(awaiting_payment=True, staff=clerk)  # three days to pay
            ClaimFactory(letter_review=True, staff=clerk)  # open
            deadlines_sweep()


def test_the_rebuild_finds_what_the_closings_counted(clerk):
    Holiday.objects.create(date=date(2026, 3, 4), name="a Wednesday off")
    close_a_mix(clerk)
    counted = rollup_rows()
    endings = {ending for _day, _kind, ending, _days in counted}
    assert endings == {"completed", "staff", "deadline"}  # accident claims have no refusal status
    assert sum(counted.values()) == Application.objects.filter(closed_at__isnull=False).count()

    months = month_rows()
    assert sum(months.values()) == sum(counted.values())

    changes = rebuild(today=date(2026, 3, 20))
    assert changes["closings"] == changes["closing_months"] == {"added": 0, "changed": 0, "removed": 0}
    assert rollup_rows() == counted and month_rows() == months
    unchanged = {
        "closings": {"added": 0, "changed": 0, "removed": 0},
        "closing_months": {"added": 0, "changed": 0, "removed": 0},
        "openings": {"added": 0, "changed": 0, "removed": 0},
    }
    if connection.vendor == "postgresql":  # the money rollup's triggers
        unchanged["money"] = {"added": 0, "changed": 0, "removed": 0, "folded": 0}
    assert rebuild(today=date(2026, 3, 20)) == unchanged


def test_the_figures_are_the_same_before_and_after_the_rebuild(clerk):
    close_a_mix(clerk)
    period = Period(first=date(2026, 3, 1), last=date(2026, 3, 20))
    with time_machine.travel(at("2026-03-20 12:00"), tick=False):
        live = service_figures(kind="accidents", period=period)
        rebuild()
        assert RollupState.objects.get(name="openings").through == date(2026, 3, 19)
        assert OpeningRollup.objects.exists()
        sealed = service_figures(kind="accidents", period=period)
    assert sealed == live
    closed = Application.objects.filter(closed_at__isnull=False)
    assert live.completed == closed.filter(status=ClaimStatus.RELEASED).count() == 12
    assert live.started == Application.objects.count()
    assert live.cancelled == closed.filter(status=ClaimStatus.CANCELLED).count()
    assert live.ended["deadline"] == closed.filter(ending="deadline").count() >= 2
    assert live.median is not None and live.p90 >= live.median


def test_the_rebuild_corrects_wrong_rows(clerk):
    close_a_mix(clerk)
    right, right_months = rollup_rows(), month_rows()
    ClosingMonthRollup.objects.filter(ending="completed").update(total=1)
    row = ClosingRollup.objects.filter(ending="completed").first()
    ClosingRollup.objects.filter(pk=row.pk).update(total=row.total + 5)
    ClosingRollup.objects.create(kind="accidents", day=date(2020, 1, 1), ending="staff", working_days=-1, total=1)
    ClosingRollup.objects.filter(ending="deadline").delete()

    changes = rebuild()
    assert changes["closings"]["changed"] == 1 and changes["closings"]["removed"] == 1
    assert changes["closings"]["added"] >= 1 and changes["closing_months"]["changed"] >= 1
    assert rollup_rows() == right and month_rows() == right_months


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner statistics")
def test_a_rebuild_that_wrote_rows_gives_the_planner_their_statistics(clerk):
    close_a_mix(clerk)
    ClosingRollup.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE performance_closingrollup")  # the planner now thinks it empty
        rebuild(today=date(2026, 3, 20))
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'performance_closingrollup'")
        assert cursor.fetchone()[0] == ClosingRollup.objects.count() > 0


def test_a_closing_rolled_back_is_not_counted(clerk):
    claim = ClaimFactory(letter_review=True, staff=clerk)
    before = rollup_rows()
    with pytest.raises(RuntimeError), transaction.atomic():
        claim_letter_decide(claim=claim, actor=clerk, valid=True)
        assert sum(rollup_rows().values()) == sum(before.values()) + 1  # counted in the closing's transaction
        raise RuntimeError("rolled back")
    assert rollup_rows() == before


def test_a_public_holiday_added_later_recounts_the_working_days(clerk, django_capture_on_commit_callbacks):
    with time_machine.travel(at("2026-03-01 09:00"), tick=False):  # Sunday
        claim = ClaimFactory(letter_review=True, staff=clerk)
    with time_machine.travel(at("2026-03-05 09:00"), tick=False):  # Thursday: 4 working days later
        claim_letter_decide(claim=claim, actor=clerk, valid=True)
    submitted_day = timezone.localtime(Application.objects.get(pk=claim.pk).submitted_at).date()
    before = ClosingRollup.objects.get(ending="completed")
    assert before.day == date(2026, 3, 5)

    with django_capture_on_commit_callbacks(execute=True):
        Holiday.objects.create(date=date(2026, 3, 3), name="declared afterwards")
    after = ClosingRollup.objects.get(ending="completed")
    assert after.working_days == before.working_days - (1 if submitted_day < date(2026, 3, 3) else 0)
    assert rebuild()["closings"] == rebuild()["closing_months"] == {"added": 0, "changed": 0, "removed": 0}
    assert ClosingMonthRollup.objects.get(ending="completed").working_days == after.working_days

    with django_capture_on_commit_callbacks(execute=True):
        Holiday.objects.filter(date=date(2026, 3, 3)).get().delete()
    assert ClosingRollup.objects.get(ending="completed").working_days == before.working_days


def test_online_and_ending_are_set_when_they_happen(clerk):
    released = Application.objects.get(pk=ClaimFactory(released_by_letter=True, staff=clerk).pk)
    assert released.online is True  # the applicant started it on the portal
    assert released.ending == "completed"
    claim = ClaimFactory(staff=clerk)
    assert Application.objects.get(pk=claim.pk).ending == ""
    application_transition(
        application=claim, to_status=ClaimStatus.CANCELLED, actor=clerk, actor_kind="staff", reason="x"
    )
    assert Application.objects.get(pk=claim.pk).ending == "staff"


def test_the_migration_fills_in_online_and_ending(clerk):
    close_a_mix(clerk)
    expected = dict(Application.objects.values_list("pk", "ending"))
    online = set(Application.objects.filter(online=True).values_list("pk", flat=True))
    assert online and set(expected.values()) == {"", "completed", "staff", "deadline"}
    Application.objects.update(online=False, ending="")

    migration = importlib.import_module("services.migrations.0012_application_online_ending")
    migration.backfill(apps, None)
    assert dict(Application.objects.values_list("pk", "ending")) == expected
    assert set(Application.objects.filter(online=True).values_list("pk", flat=True)) == online


@pytest.mark.parametrize(
    ("first", "last", "months"),
    [
        (date(2026, 1, 1), date(2026, 3, 31), (date(2026, 1, 1), date(2026, 4, 1))),
        (date(2025, 12, 8), date(2026, 12, 7), (date(2026, 1, 1), date(2026, 12, 1))),
        (date(2026, 1, 2), date(2026, 2, 27), (date(2026, 2, 1), date(2026, 2, 1))),
        (date(2026, 2, 1), date(2026, 2, 28), (date(2026, 2, 1), date(2026, 3, 1))),
        (date(2026, 3, 5), date(2026, 3, 5), (date(2026, 4, 1), date(2026, 4, 1))),
    ],
)
def test_the_whole_months_of_a_window(first, last, months):
    assert whole_months(Period(first=first, last=last)) == months


def test_a_window_of_whole_and_partial_months_counts_what_its_days_count(clerk, user):
    """As counted when the applications closed (no rebuild): the month rows agree with the day rows."""
    for n, day in enumerate(
        [date(2026, 1, 30), date(2026, 1, 31), date(2026, 2, 1), date(2026, 2, 15), date(2026, 3, 1)]
    ):
        for hours in (10, 30):  # the same day and the next
            closed = at(f"{day.isoformat()} 09:00") + timedelta(hours=hours + n)
            make_application(applicant=user, status="issued", created=at(f"{day.isoformat()} 08:00"), closed=closed)
    kinds = ["licensing"]
    for first, last in [
        (date(2026, 1, 1), date(2026, 3, 31)),
        (date(2026, 1, 31), date(2026, 3, 1)),
        (date(2026, 2, 1), date(2026, 2, 28)),
        (date(2026, 1, 30), date(2026, 2, 2)),
    ]:
        by_day: dict = {}
        for row in ClosingRollup.objects.filter(kind="licensing", day__gte=first, day__lte=last):
            key = (row.ending, row.working_days)
            by_day[key] = by_day.get(key, 0) + row.total
        assert closings(kinds=kinds, period=Period(first=first, last=last))["licensing"] == by_day
        assert by_day
