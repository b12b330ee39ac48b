"""Financial receipts (وصل مالي) for paid bills, issued through the shared documents helper."""

from django.db import transaction
from django.utils import translation
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.dates import datetime_text
from payments.constants import BillStatus, PaymentState
from payments.efawateercom import protocol
from payments.models import Bill, Payment, Receipt
from services.documents import document_issue

RECEIPT_KIND = "payments.receipt"
RECEIPT_TEMPLATE = "payments/receipt_pdf.html"
RECEIPT_TITLE = gettext_lazy("Financial receipt")


class ReceiptError(ValueError):
    pass


def receipt_for_bill(*, bill: Bill):
    """The receipt document of a paid bill; issued once (the bill row is locked while issuing)."""
    existing = Receipt.objects.select_related("document").filter(bill=bill).first()
    if existing is not None:
        return existing.document
    with transaction.atomic():
        bill = Bill.objects.select_for_update().get(pk=bill.pk)
        existing = Receipt.objects.select_related("document").filter(bill=bill).first()
        if existing is not None:
            return existing.document
        if bill.status != BillStatus.PAID:
            raise ReceiptError(f"bill {bill.billing_number} is not paid")
        payment = Payment.objects.get(bill=bill, state=PaymentState.APPLIED)
        language = (getattr(bill.payer, "language", "") or "ar")[:2]
        with translation.override(language):
            paid_at = localtime(bill.paid_at)
            summary = [
                (_("E-payment number"), bill.billing_number),
                (_("Payer"), bill.payer_name),
                (_("Amount paid"), f"{payment.paid_amount:.3f} {protocol.CURRENCY}"),
                (_("Paid on"), datetime_text(paid_at)),
                (_("eFAWATEERcom transaction"), payment.trx),
            ]
        document = document_issue(
            kind=RECEIPT_KIND,
            template=RECEIPT_TEMPLATE,
            context={
                "bill": bill,
                "lines": list(bill.lines.all()),
                "payment": payment,
                "paid_at": paid_at,
                "service_type_label": protocol.ServiceType(bill.service_type).label,
                "biller_name_ar": protocol.BILLER_NAME_AR,
                "currency": protocol.CURRENCY,
                "payment_method_label": protocol.PAYMENT_METHOD_LABELS.get(
                    payment.payment_method, payment.payment_method
                ),
            },
            title=RECEIPT_TITLE,
            summary=summary,
            owner_applicant=bill.payer,
            owner_organisation=bill.organisation,
            language=language,
        )
        Receipt.objects.create(bill=bill, payment=payment, document=document)
    return document
