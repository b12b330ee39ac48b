"""Finance staff in the admin: the queue, apply/refund with who and why, settlement upload."""

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import UserFactory
from payments.constants import BillStatus, PaymentState
from payments.models import Payment, SettlementImport
from payments.services import IncomingPayment, payment_receive
from payments.tests.factories import BillFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def finance(client):
    staff = UserFactory(staff=True)
    staff.groups.add(Group.objects.get(name="finance_staff"))
    client.force_login(staff)
    client.user = staff
    return client


def queued_payment(amount="15.000", number="1000326480166", trx="Q1"):
    return payment_receive(
        incoming=IncomingPayment(trx=trx, billing_number=number, paid_amount=__import__("decimal").Decimal(amount))
    ).payment


def test_finance_group_has_payments_permissions():
    group = Group.objects.get(name="finance_staff")
    codenames = set(group.permissions.filter(content_type__app_label="payments").values_list("codename", flat=True))
    assert {"view_bill", "change_bill", "change_payment", "view_queuedpayment", "add_settlementimport"} <= codenames


@pytest.mark.parametrize(
    "name",
    [
        "admin:payments_bill_changelist",
        "admin:payments_payment_changelist",
        "admin:payments_queuedpayment_changelist",
        "admin:payments_message_changelist",
        "admin:payments_settlementimport_changelist",
        "admin:payments_settlementimport_add",
    ],
)
def test_finance_pages_open(finance, owner, name):
    BillFactory()
    queued_payment()
    assert finance.get(reverse(name)).status_code == 200


def test_queue_lists_only_waiting_payments(finance, owner):
    waiting = queued_payment(trx="WAIT")
    bill = BillFactory()
    payment_receive(incoming=IncomingPayment(trx="DONE", billing_number=bill.billing_number, paid_amount=bill.amount))
    html = finance.get(reverse("admin:payments_queuedpayment_changelist")).content.decode()
    assert waiting.trx in html and "DONE" not in html


def test_staff_apply_a_queued_payment_from_the_admin(finance, owner):
    payment = queued_payment()
    bill = BillFactory()
    url = reverse("admin:payments_payment_resolve", args=[payment.pk])
    assert finance.get(url).status_code == 200
    response = finance.post(
        url, {"apply-billing_number": bill.billing_number, "apply-note": "old number", "apply": "1"}
    )
    assert response.status_code == 302
    payment.refresh_from_db()
    bill.refresh_from_db()
    assert payment.state == PaymentState.APPLIED and bill.status == BillStatus.PAID
    action = payment.actions.get(action="applied")
    assert action.actor == finance.user and action.note == "old number"


def test_apply_form_refuses_a_mistyped_number_and_keeps_the_note(finance, owner):
    payment = queued_payment()
    url = reverse("admin:payments_payment_resolve", args=[payment.pk])
    response = finance.post(url, {"apply-billing_number": "1000326480161", "apply-note": "typed note", "apply": "1"})
    html = response.content.decode()
    assert response.status_code == 200 and "typed note" in html
    payment.refresh_from_db()
    assert payment.state == PaymentState.QUEUED


def test_apply_with_a_different_amount_shows_the_error(finance, owner):
    payment = queued_payment(amount="3.000")
    bill = BillFactory()
    url = reverse("admin:payments_payment_resolve", args=[payment.pk])
    response = finance.post(
        url, {"apply-billing_number": bill.billing_number, "apply-note": "x", "apply": "1"}, follow=True
    )
    assert "يختلف عن مبلغ الفاتورة" in response.content.decode()
    payment.refresh_from_db()
    assert payment.state == PaymentState.QUEUED


def test_staff_mark_for_refund_from_the_admin(finance, owner):
    payment = queued_payment()
    url = reverse("admin:payments_payment_resolve", args=[payment.pk])
    finance.post(url, {"refund-note": "return to payer", "refund": "1"})
    payment.refresh_from_db()
    assert payment.state == PaymentState.REFUND
    assert payment.actions.get(action="refund").actor == finance.user


def test_close_bills_action(finance):
    bill = BillFactory()
    response = finance.post(
        reverse("admin:payments_bill_changelist"), {"action": "close_bills", "_selected_action": [bill.pk]}, follow=True
    )
    bill.refresh_from_db()
    assert bill.status == BillStatus.CLOSED and finance.user.username in bill.close_reason
    assert "أُغلقت فاتورة واحدة." in response.content.decode()  # not "أُغلقت 1 فاتورة."


def test_citizen_cannot_open_the_admin(client, user):
    client.force_login(user)
    assert client.get(reverse("admin:payments_payment_changelist")).status_code == 302


def test_settlement_upload_through_the_admin(finance, owner):
    bill = BillFactory()
    csv = f"JOEBPPSTrx,BillingNo,PaidAmt,STMTDate\nLOST1,{bill.billing_number},{bill.amount},2026-11-22\n"
    response = finance.post(
        reverse("admin:payments_settlementimport_add"),
        {"statement": SimpleUploadedFile("stmt.csv", csv.encode(), content_type="text/csv")},
    )
    settlement = SettlementImport.objects.get()
    assert response.status_code == 302 and settlement.recovered_count == 1
    assert Payment.objects.get(trx="LOST1").state == PaymentState.APPLIED
    change = finance.get(reverse("admin:payments_settlementimport_change", args=[settlement.pk]))
    assert change.status_code == 200
    assert "استُورد الكشف: سطر واحد (مطابقة: 0، سُجّلت الآن: 1، تحتاج إلى مراجعة: 0)." in change.content.decode()


def test_settlement_upload_with_wrong_columns_shows_the_error(finance):
    response = finance.post(
        reverse("admin:payments_settlementimport_add"),
        {"statement": SimpleUploadedFile("stmt.csv", b"a,b\n1,2\n", content_type="text/csv")},
    )
    assert response.status_code == 200 and "JOEBPPSTrx" in response.content.decode()
    assert not SettlementImport.objects.exists()


@pytest.mark.parametrize(
    "name",
    [
        "admin:payments_bill_changelist",
        "admin:payments_payment_changelist",
        "admin:payments_queuedpayment_changelist",
        "admin:payments_message_changelist",
        "admin:payments_settlementimport_changelist",
    ],
)
def test_changelist_queries_do_not_grow_with_rows(finance, owner, name, django_assert_max_num_queries):
    def add_rows(n, start):
        for i in range(n):
            bill = BillFactory()
            queued_payment(trx=f"Q-{start + i}")
            payment_receive(
                incoming=IncomingPayment(
                    trx=f"A-{start + i}", billing_number=bill.billing_number, paid_amount=bill.amount
                )
            )
            SettlementImport.objects.create(
                file_name=f"s{start + i}.csv", sha256=f"{start + i:064d}", uploaded_by=finance.user
            )

    add_rows(1, 0)
    finance.get(reverse(name))  # warm the session and the content types
    with CaptureQueriesContext(connection) as one:
        assert finance.get(reverse(name)).status_code == 200
    add_rows(5, 100)
    with django_assert_max_num_queries(len(one)):
        assert finance.get(reverse(name)).status_code == 200


def test_queued_reason_is_shown_by_its_label_in_the_history(finance, owner):
    payment = queued_payment(trx="R-1")
    html = finance.get(reverse("admin:payments_payment_resolve", args=[payment.pk])).content.decode()
    assert "لا توجد فاتورة بهذا الرقم" in html and ": unknown_bill" not in html
    html = finance.get(reverse("admin:payments_payment_change", args=[payment.pk])).content.decode()
    assert "لا توجد فاتورة بهذا الرقم" in html
