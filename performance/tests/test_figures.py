"""The figures for a known set of applications, with the clock frozen and working days respected."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine

from payments.constants import PaymentState
from payments.models import Payment
from performance.constants import EndReason
from performance.models import Rating
from performance.selectors import (
    Period,
    figures_for,
    figures_of,
    money_per_day,
    queued_payments,
    service_figures,
    services_by_kind,
    waiting_work,
)
from performance.tests.factories import at, make_application, make_bill
from services.models import Application, Holiday
from services.workdays import working_days_between

pytestmark = pytest.mark.django_db
NOW = at("2026-03-15 18:00")  # a Sunday
PERIOD = Period(first=date(2026, 3, 1), last=date(2026, 3, 15))

# (submitted, completed) in Amman time, with the working days services.workdays counts between them.
DONE = [
    ("2026-03-01 10:00", "2026-03-03 12:00", 2),  # Sunday -> Tuesday
    ("2026-03-05 09:00", "2026-03-08 11:00", 1),  # Thursday -> Sunday: the weekend does not count
    ("2026-03-08 09:00", "2026-03-15 11:00", 4),  # a week with the Tuesday holiday
    ("2026-03-09 09:00", "2026-03-12 15:00", 2),  # Monday -> Thursday, holiday on the way
    ("2026-03-11 23:30", "2026-03-12 00:30", 1),  # crosses midnight in Amman (still Wednesday in UTC)
]


@pytest.fixture
def known(catalogue, user):
    service = catalogue["profession-licence-splitting"]
    Holiday.objects.create(date=date(2026, 3, 10), name="test holiday")
    Holiday.objects.create(date=date(2026, 3, 6), name="on a Friday: changes nothing")
    apps = {}
    for i, (submitted, closed, _days) in enumerate(DONE):
        apps[f"done{i}"] = make_application(
            applicant=user, status="issued", created=at(submitted), closed=at(closed), service=service
        )
    # Started before the period, completed in it: counts as completed, not as started.
    make_application(
        applicant=user,
        status="issued",
        created=at("2026-02-22 10:00"),
        closed=at("2026-03-02 10:00"),
        service=service,
    )
    make_application(
        applicant=user,
        status="cancelled",
        created=at("2026-03-02 10:00"),
        closed=at("2026-03-05 10:00"),
        closed_by="system",
    )
    make_application(
        applicant=user,
        status="refused",
        created=at("2026-03-02 11:00"),
        closed=at("2026-03-09 10:00"),
        closed_by="staff",
    )
    make_application(
        applicant=user,
        status="cancelled",
        created=at("2026-03-03 11:00"),
        closed=at("2026-03-04 10:00"),
        closed_by="staff",
    )
    make_application(applicant=user, status="awaiting_payment", created=at("2026-03-02 08:00"))
    make_application(applicant=user, status="awaiting_payment", created=at("2026-03-10 08:00"))
    make_application(applicant=user, status="external_approvals", created=at("2026-03-12 08:00"), created_by="staff")
    # Another service and a time outside the period change nothing here.
    make_application(
        applicant=user,
        kind="accidents",
        status="released",
        created=at("2026-03-02 08:00"),
        closed=at("2026-03-03 08:00"),
    )
    make_application(applicant=user, status="issued", created=at("2026-01-02 08:00"), closed=at("2026-01-20 08:00"))
    Rating.objects.create(application=apps["done0"], kind="licensing", score=4, created_at=at("2026-03-04 10:00"))
    Rating.objects.create(application=apps["done1"], kind="licensing", score=5, created_at=at("2026-03-09 10:00"))
    return service


def test_the_working_days_are_those_of_licensing_workdays(known):
    for submitted, closed, days in DONE:
        assert working_days_between(at(submitted).date(), at(closed).date()) == days
    assert working_days_between(date(2026, 2, 22), date(2026, 3, 2)) == 6


@time_machine.travel(NOW, tick=False)
def test_figures_for_a_known_set_of_applications(known):
    figures = service_figures(kind="licensing", period=PERIOD, service=known)

    assert figures.standard == 3 and figures.unit == "working_days"
    assert figures.started == 11  # 5 done + 3 ended + 3 open, all created in March
    assert figures.submitted == 11
    assert figures.completed == 6  # the five above and the one started in February
    assert figures.ended == {
        EndReason.REFUSED: 1,
        EndReason.DEADLINE: 1,
        EndReason.STAFF: 1,
        EndReason.APPLICANT: 0,
    }
    assert figures.cancelled == 3
    assert figures.completion_rate == pytest.approx(6 / 9)
    # Working days: 2, 1, 4, 2, 1 and the February one (Sun 22 Feb -> Mon 2 Mar: 6) -> 1 1 2 2 4 6.
    assert figures.median == pytest.approx(2.0)
    assert figures.p90 == pytest.approx(5.0)  # percentile_cont: 4 + (6 - 4) * 0.5
    assert figures.within_standard == 4
    assert figures.share_within_standard == pytest.approx(4 / 6)
    assert figures.satisfaction == pytest.approx(4.5) and figures.rated == 2
    assert figures.online == 10 and figures.digital_take_up == pytest.approx(10 / 11)


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("sealed", [False, True])
def test_windows_read_together_are_each_window_read_alone(known, sealed, django_assert_num_queries):
    from performance.rollups import rebuild

    if sealed:
        rebuild()  # days up to yesterday from the opening rollup, today live
    services = services_by_kind()
    kinds = ["licensing", "contractors"]
    periods = [PERIOD, Period(first=date(2026, 2, 1), last=date(2026, 3, 15)), Period.last_days(30)]
    alone = [figures_for(kinds=kinds, period=period, services=services) for period in periods]
    # The closings of each window, the opening rollup's state, started/submitted of all, ratings of all.
    with django_assert_num_queries(len(periods) + 3):
        together = figures_of(kinds=kinds, periods=periods, services=services)
    assert together == alone
    assert together[1][0].completed == 6 and together[1][0].rated == 2


@time_machine.travel(NOW, tick=False)
def test_the_public_windows_both_count_todays_applications(known, user):
    """The public page's windows both end today: today's applications, counted live (not sealed yet), are
    read once and count in each."""
    from performance.rollups import rebuild

    services = services_by_kind()
    periods = [Period.last_days(30), Period.last_days(365)]
    rebuild()
    before = figures_of(kinds=["licensing"], periods=periods, services=services)
    make_application(
        applicant=user, status="submitted", created=at("2026-03-15 09:00"), submitted=at("2026-03-15 09:30")
    )
    make_application(
        applicant=user, status="submitted", created=at("2026-03-14 09:00"), submitted=at("2026-03-15 10:00")
    )
    rebuild()  # the 14th sealed, today live
    after = figures_of(kinds=["licensing"], periods=periods, services=services)
    assert after == [figures_for(kinds=["licensing"], period=period, services=services) for period in periods]
    for (was,), (now,) in zip(before, after, strict=True):
        assert (now.started - was.started, now.submitted - was.submitted) == (2, 2)


@time_machine.travel(NOW, tick=False)
def test_a_period_with_nothing_in_it_has_no_median(known):
    figures = service_figures(kind="licensing", period=Period(first=date(2025, 6, 1), last=date(2025, 6, 30)))
    assert figures.completed == 0 and figures.median is None and figures.p90 is None
    assert figures.completion_rate is None and figures.share_within_standard is None


@time_machine.travel(NOW, tick=False)
def test_waiting_work_per_step_with_the_oldest(known):
    rows = {(w.kind, w.status): w for w in waiting_work(kinds=["licensing"])}
    assert set(rows) == {("licensing", "awaiting_payment"), ("licensing", "external_approvals")}
    payment = rows[("licensing", "awaiting_payment")]
    assert payment.count == 2
    assert payment.oldest_at == at("2026-03-02 08:00")
    assert payment.oldest_age_days == 13
    assert payment.oldest_url.startswith("/admin/services/application/")


@time_machine.travel(NOW, tick=False)
def test_the_oldest_waiting_is_by_submission_else_creation_then_by_number(db, user):
    def waiting(status, created, submitted=None):
        application = make_application(applicant=user, status=status, created=at(created))
        # A draft has no submission: it waits since its creation.
        Application.objects.filter(pk=application.pk).update(submitted_at=submitted and at(submitted))
        return Application.objects.get(pk=application.pk)

    waiting("awaiting_payment", "2026-03-05 09:00", "2026-03-06 09:00")
    draft = waiting("awaiting_payment", "2026-03-04 09:00")
    first = waiting("external_approvals", "2026-03-01 09:00", "2026-03-03 09:00")
    waiting("external_approvals", "2026-03-02 09:00", "2026-03-03 09:00")  # as old: the lower number first
    closed = make_application(
        applicant=user, status="issued", created=at("2026-02-01 09:00"), closed=at("2026-03-10 09:00")
    )
    rows = {w.status: w for w in waiting_work(kinds=["licensing"])}
    assert (rows["awaiting_payment"].count, rows["awaiting_payment"].oldest_reference) == (2, draft.reference)
    assert rows["awaiting_payment"].oldest_at == at("2026-03-04 09:00")
    assert (rows["external_approvals"].count, rows["external_approvals"].oldest_reference) == (2, first.reference)
    assert rows["external_approvals"].oldest_url.endswith(f"/{first.pk}/change/")
    assert closed.reference not in {w.oldest_reference for w in rows.values()}


@time_machine.travel(NOW, tick=False)
def test_money_per_day_billed_paid_outstanding(db):
    make_bill(amount="10.000", issued=at("2026-03-02 09:00"), paid=at("2026-03-03 10:00"))
    make_bill(amount="25.500", issued=at("2026-03-02 23:30"))  # still open: outstanding on the 2nd
    make_bill(amount="7.000", issued=at("2026-03-03 00:15"), paid=at("2026-03-03 08:00"))
    make_bill(kind="accidents", amount="99.000", issued=at("2026-03-02 09:00"))
    days = {d.day: d for d in money_per_day(period=Period(date(2026, 3, 1), date(2026, 3, 4)), kinds=["licensing"])}
    assert list(days) == [date(2026, 3, 1), date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 4)]
    assert days[date(2026, 3, 2)].billed == Decimal("35.500")
    assert days[date(2026, 3, 2)].outstanding == Decimal("25.500")
    assert days[date(2026, 3, 2)].paid == Decimal("0.000")
    assert days[date(2026, 3, 3)].billed == Decimal("7.000")
    assert days[date(2026, 3, 3)].paid == Decimal("17.000")
    all_kinds = money_per_day(period=Period(date(2026, 3, 2), date(2026, 3, 2)))
    assert all_kinds[0].billed == Decimal("134.500")


@time_machine.travel(NOW, tick=False)
def test_payments_waiting_for_finance_staff(db):
    for n, amount in enumerate(["5.000", "7.250"]):
        Payment.objects.create(
            trx=f"T{n}",
            billing_number="1",
            state=PaymentState.QUEUED,
            reason="unknown_bill",
            paid_amount=Decimal(amount),
            received_at=at(f"2026-03-1{n} 10:00"),
        )
    Payment.objects.create(
        trx="T9", billing_number="1", state=PaymentState.REFUND, reason="unknown_bill", paid_amount=Decimal("1.000")
    )
    [row] = queued_payments()
    assert row["n"] == 2 and row["amount"] == Decimal("12.250") and row["oldest"] == at("2026-03-10 10:00")
