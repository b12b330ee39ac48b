"""The party's bills for the app, and the financial receipt of a paid one."""

from django.http import Http404
from django.urls import reverse
from django_ratelimit.exceptions import Ratelimited
from ninja import Router

from api import schemas
from api.auth import api_party
from api.common import ERRORS, LIMIT, LIST_ERRORS, OFFSET, PDF, SLUG, pdf_response
from core.money import money_text
from core.ratelimit import limited, setting_rate
from payments import selectors as bill_selectors
from payments.constants import BillStatus
from payments.receipts import receipt_for_bill

bills_router = Router(tags=["bills"])
BILL_LOOKUP_RATE = "60/m"


def _bill_limited(request) -> None:
    rate = setting_rate("PAYMENTS_BILL_LOOKUP_RATE", BILL_LOOKUP_RATE)
    if limited(request, group="payments.bill", key="user", rates=rate):
        raise Ratelimited


def bill_out(bill) -> dict:
    """A bill as the app shows it (``schemas.BillOut``), for every router that answers with one."""
    paid = bill.status == BillStatus.PAID
    return {
        "billing_number": bill.billing_number,
        "service_type": bill.service_type,
        "description": bill.description,
        "amount": money_text(bill.amount),
        "status": bill.effective_status,
        "status_label": str(bill.get_effective_status_display()),
        "payer_name": bill.payer_name,
        "issued_at": bill.issued_at,
        "due_at": bill.due_at,
        "expires_at": bill.expires_at,
        "paid_at": bill.paid_at,
        "lines": [{"description": line.description, "amount": money_text(line.amount)} for line in bill.lines.all()],
        "receipt_url": reverse("api:bill_receipt", kwargs={"billing_number": bill.billing_number}) if paid else None,
    }


@bills_router.get(
    "",
    response={200: list[schemas.BillOut], **LIST_ERRORS},
    summary="The bills of the party",
    operation_id="api_endpoints_bills",
)
def bills(request, status: str = SLUG, limit: int = LIMIT, offset: int = OFFSET):
    party = api_party(request)
    qs = bill_selectors.bills_for_party(party).order_by("-issued_at", "-pk")
    if status:
        qs = qs.filter(status=status)
    return [bill_out(b) for b in qs[offset : offset + limit]]


@bills_router.get(
    "/{billing_number}",
    response={200: schemas.BillOut, **ERRORS},
    summary="One bill",
    operation_id="api_endpoints_bill",
)
def bill(request, billing_number: str):
    _bill_limited(request)
    found = bill_selectors.bill_for_party(api_party(request), billing_number)
    if found is None:
        raise Http404
    return bill_out(found)


@bills_router.get(
    "/{billing_number}/receipt.pdf",
    response={200: bytes, **ERRORS},
    url_name="bill_receipt",
    openapi_extra=PDF,
    summary="The financial receipt of a paid bill",
    operation_id="api_endpoints_bill_receipt",
)
def bill_receipt(request, billing_number: str):
    _bill_limited(request)
    found = bill_selectors.bill_for_party(api_party(request), billing_number)
    if found is None or found.status != BillStatus.PAID:
        raise Http404
    return pdf_response(receipt_for_bill(bill=found))
