import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from payments.constants import BillStatus, PaymentState
from payments.models import Bill
from payments.testing import pay_bill
from violations.constants import SESSION_SUBJECT, ViolationStatus
from violations.models import Vehicle, Violation
from violations.tests.factories import DrivingLicenceFactory, VehicleFactory, ViolationFactory

pytestmark = pytest.mark.django_db

STATEMENT = reverse("violations:statement")


def _open_statement(client, subject):
    session = client.session
    kind = "vehicle" if isinstance(subject, Vehicle) else "licence"
    session[SESSION_SUBJECT] = {"kind": kind, "id": subject.pk}
    session.save()
    return client.get(STATEMENT)


def test_the_statement_lists_each_violation_then_count_total_and_one_number_for_all(logged_in, vehicle, three):
    response = _open_statement(logged_in, vehicle)
    statement = response.context["statement"]
    html = response.content.decode()

    assert statement.count == 3 and statement.total == Decimal("85.500")
    numbers = statement.bills.per_violation
    assert set(numbers) == {three[0].pk, three[1].pk}  # the third is not payable online
    for violation in three:
        assert violation.number in html
    assert "85.500" in html and "20.500" in html
    assert three[2].not_payable_reason in html
    all_bill = Bill.objects.get(billing_number=statement.bills.all)
    assert all_bill.amount == Decimal("35.500") and all_bill.status == BillStatus.OPEN
    assert sorted(all_bill.lines.values_list("item_key", flat=True)) == sorted(f"violation:{v.pk}" for v in three[:2])
    assert f'id="all-billing-number">{statement.bills.all}<' in html
    for number in numbers.values():
        assert number in html
        assert Bill.objects.get(billing_number=number).lines.count() == 1


def test_e_payment_numbers_are_reused_while_the_bills_stay_open(logged_in, vehicle, three):
    first = _open_statement(logged_in, vehicle).context["statement"].bills
    bills = Bill.objects.count()
    second = _open_statement(logged_in, vehicle).context["statement"].bills
    assert (second.per_violation, second.all) == (first.per_violation, first.all)
    assert Bill.objects.count() == bills == 3


def test_one_payable_violation_has_the_same_number_for_itself_and_for_all(logged_in, vehicle):
    only = ViolationFactory(vehicle=vehicle)
    bills = _open_statement(logged_in, vehicle).context["statement"].bills
    assert bills.all == bills.per_violation[only.pk]
    assert Bill.objects.count() == 1


def test_paying_one_violation_closes_the_all_bill_and_a_new_one_covers_the_rest(logged_in, vehicle, three):
    bills = _open_statement(logged_in, vehicle).context["statement"].bills
    single = Bill.objects.get(billing_number=bills.per_violation[three[0].pk])

    payment = pay_bill(single)

    assert payment.state == PaymentState.APPLIED
    assert Bill.objects.get(billing_number=bills.all).status == BillStatus.CLOSED
    paid = Violation.objects.get(pk=three[0].pk)
    assert (paid.status, paid.paid_billing_number) == (ViolationStatus.PAID, single.billing_number)
    assert paid.paid_at is not None
    after = _open_statement(logged_in, vehicle).context["statement"]
    assert after.count == 2 and after.total == Decimal("70.500")
    assert after.bills.all == after.bills.per_violation[three[1].pk]  # one payable left
    assert after.bills.all != bills.all


def test_paying_the_all_bill_closes_the_single_bills_and_pays_every_violation(logged_in, vehicle, three):
    bills = _open_statement(logged_in, vehicle).context["statement"].bills
    pay_bill(Bill.objects.get(billing_number=bills.all))

    for number in bills.per_violation.values():
        assert Bill.objects.get(billing_number=number).status == BillStatus.CLOSED
    statuses = dict(Violation.objects.values_list("number", "status"))
    assert statuses == {"V-A": "paid", "V-B": "paid", "V-C": "open"}
    html = _open_statement(logged_in, vehicle).content.decode()
    assert reverse("violations:payment-notice", args=[bills.all]) in html


def test_an_overlapping_bill_paid_after_the_other_is_queued_not_applied_twice(logged_in, vehicle, three):
    bills = _open_statement(logged_in, vehicle).context["statement"].bills
    all_bill = Bill.objects.get(billing_number=bills.all)
    pay_bill(Bill.objects.get(billing_number=bills.per_violation[three[0].pk]))

    late = pay_bill(all_bill)  # the payer used the old "all" number anyway

    assert late.state == PaymentState.QUEUED
    assert Violation.objects.get(pk=three[1].pk).status == ViolationStatus.OPEN
    assert Violation.objects.get(pk=three[0].pk).paid_billing_number != all_bill.billing_number


def test_a_bill_covering_a_violation_cancelled_since_is_queued_for_staff(logged_in, vehicle, three):
    bills = _open_statement(logged_in, vehicle).context["statement"].bills
    Violation.objects.filter(pk=three[0].pk).update(status=ViolationStatus.CANCELLED)  # without the feed's closing
    payment = pay_bill(Bill.objects.get(billing_number=bills.all))
    assert payment.state == PaymentState.QUEUED
    assert Violation.objects.get(pk=three[1].pk).status == ViolationStatus.OPEN


def _queries_for_statement(client, vehicle) -> int:
    _open_statement(client, vehicle)  # first showing makes the bills
    with CaptureQueriesContext(connection) as ctx:
        response = _open_statement(client, vehicle)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_statement_queries_do_not_grow_with_the_number_of_violations(client_for, user, django_assert_num_queries):
    few, many = VehicleFactory(), VehicleFactory()
    for _ in range(2):
        ViolationFactory(vehicle=few)
    ViolationFactory(vehicle=few, paid=True)
    for _ in range(20):
        ViolationFactory(vehicle=many)
    for _ in range(5):
        ViolationFactory(vehicle=many, paid=True)
    for _ in range(3):
        ViolationFactory(vehicle=many, not_payable=True)
    client = client_for(user)

    baseline = _queries_for_statement(client, few)
    _open_statement(client, many)
    with django_assert_num_queries(baseline):
        _open_statement(client, many)


def test_licence_statement_queries_do_not_grow_with_the_number_of_violations(
    client_for, user, django_assert_num_queries
):
    few, many = DrivingLicenceFactory(), DrivingLicenceFactory()
    ViolationFactory.create_batch(2, on_licence=True, licence=few)
    ViolationFactory.create_batch(25, on_licence=True, licence=many)
    ViolationFactory.create_batch(4, on_licence=True, licence=many, paid=True)
    client = client_for(user)

    baseline = _queries_for_statement(client, few)
    _open_statement(client, many)
    with django_assert_num_queries(baseline):
        _open_statement(client, many)


def test_the_laid_out_statement_is_reused_only_while_what_it_shows_is_unchanged(logged_in, vehicle, three):
    """The statement's tables are laid out once per state and language ({% cache %} under
    Statement.page_key): shown again unchanged, the same; a violation paid, a new e-payment number or
    another language is another page."""
    first = _open_statement(logged_in, vehicle)
    again = _open_statement(logged_in, vehicle)
    assert again.context["statement"].page_key == first.context["statement"].page_key
    assert 'id="paid-table"' not in again.content.decode()

    bills = first.context["statement"].bills
    pay_bill(Bill.objects.get(billing_number=bills.per_violation[three[0].pk]))
    after = _open_statement(logged_in, vehicle)
    html = after.content.decode()
    assert after.context["statement"].page_key != first.context["statement"].page_key
    assert (
        'id="paid-table"' in html
        and reverse("violations:payment-notice", args=[bills.per_violation[three[0].pk]]) in html
    )
    assert f'id="all-billing-number">{bills.all}<' not in html  # the old "all" number is closed: a new one is shown
    assert f'id="all-billing-number">{after.context["statement"].bills.all}<' in html

    logged_in.cookies["django_language"] = "en"
    english = _open_statement(logged_in, vehicle).content.decode()
    assert "Paid violations" in english and 'data-label="Violation number"' in english


def test_a_statement_shown_again_shows_any_value_changed_since_even_without_a_new_status(logged_in, vehicle, three):
    """The laid-out tables are keyed by every stored value of the violations they show: a correction
    by the partner's feed (a place, an offence's wording) is shown at once, though nothing was paid."""
    first = _open_statement(logged_in, vehicle).content.decode()
    assert "Corrected place" not in first
    Violation.objects.filter(pk=three[1].pk).update(location="Corrected place")  # no save(), no updated_at
    assert "Corrected place" in _open_statement(logged_in, vehicle).content.decode()
    Vehicle.objects.filter(pk=vehicle.pk).update(plate_number="79211")
    assert "79211" in _open_statement(logged_in, vehicle).content.decode()


def test_a_vehicles_violations_read_by_the_written_out_query_are_what_the_orm_reads(vehicle, three):
    """violations.sources reads a vehicle's violations with one statement written once (issue 20): the
    same rows, order and values (amounts as Decimal, times aware) as the ORM, on either database."""
    from violations.sources import LocalViolationSource, _shown_of

    ViolationFactory(vehicle=vehicle, number="V-X", status=ViolationStatus.CANCELLED)  # never shown
    ViolationFactory(vehicle=vehicle, number="V-P", paid=True)
    fast = LocalViolationSource().vehicle_violations(vehicle=vehicle)
    orm = list(_shown_of(Violation.objects.filter(vehicle=vehicle)))
    fields = [f.attname for f in Violation._meta.concrete_fields]
    assert [[getattr(v, f) for f in fields] for v in fast] == [[getattr(v, f) for f in fields] for v in orm]
    assert [v.number for v in fast] and "V-X" not in [v.number for v in fast]
    assert all(isinstance(v.amount, Decimal) and v.issued_at.tzinfo is not None for v in fast)
    assert all(v.vehicle is vehicle and not v._state.adding for v in fast)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite takes no row locks")
def test_the_statements_bills_lock_the_violations_in_the_order_of_their_keys(logged_in, vehicle, three):
    # As a payment applied locks them (violations_bill_paid): rows locked in two orders by two transactions can
    # deadlock, and PostgreSQL then fails one of them.
    with CaptureQueriesContext(connection) as queries:
        _open_statement(logged_in, vehicle)
    table = Violation._meta.db_table
    locks = [q["sql"] for q in queries.captured_queries if "FOR UPDATE" in q["sql"] and f'FROM "{table}"' in q["sql"]]
    # The key, by name or as the one column selected.
    in_key_order = re.compile(rf'SELECT "{table}"\."id" AS "pk" FROM .* ORDER BY (1|"{table}"\."id") ASC FOR UPDATE$')
    assert locks and all(in_key_order.match(sql) for sql in locks)
