"""The payer's pages (bill, my bills, receipt) and the two eFAWATEERcom biller endpoints.

All thin: reads go through ``payments.selectors``, writes through ``payments.services``,
eFAWATEERcom messages through ``payments.efawateercom.handling``.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from accounts.party import party_for_request
from core.ratelimit import client_ip, limited, too_many_requests
from payments import selectors
from payments.constants import BillStatus
from payments.efawateercom import protocol
from payments.efawateercom.handling import efawateercom_handle, refusal
from payments.efawateercom.protocol import ProtocolError, Result
from payments.receipts import receipt_for_bill

BILLS_PAGE_SIZE = 20
BILL_LOOKUP_RATE = "60/m"


def _limited(request) -> bool:
    rate = getattr(settings, "PAYMENTS_BILL_LOOKUP_RATE", BILL_LOOKUP_RATE)
    return limited(request, group="payments.bill", rates=rate, key="user_or_ip")


def _bill_or_404(request, billing_number: str):
    # Someone else's bill is "not found", never "forbidden": its existence is not disclosed.
    bill = selectors.bill_for_party(party_for_request(request), billing_number)
    if bill is None:
        raise Http404
    return bill


@never_cache
@login_required
@require_GET
def my_bills(request):
    party = party_for_request(request)
    bills = selectors.bills_for_party(party).order_by("-issued_at", "-pk")
    page = Paginator(bills, BILLS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "payments/my_bills.html", {"page": page, "party": party})


@never_cache
@login_required
@require_GET
def bill_detail(request, billing_number):
    if _limited(request):
        return too_many_requests(request)
    bill = _bill_or_404(request, billing_number)
    return render(
        request,
        "payments/bill_detail.html",
        {
            "bill": bill,
            "lines": bill.lines.all(),
            "biller_name_ar": protocol.BILLER_NAME_AR,
            "biller_name_en": protocol.BILLER_NAME_EN,
            "service_type_label": protocol.ServiceType(bill.service_type).label,
            "BillStatus": BillStatus,
        },
    )


@never_cache
@login_required
@require_GET
def bill_receipt(request, billing_number):
    """The financial receipt (وصل مالي) of a paid bill, issued on first request."""
    if _limited(request):
        return too_many_requests(request)
    bill = _bill_or_404(request, billing_number)
    if bill.status != BillStatus.PAID:
        raise Http404
    document = receipt_for_bill(bill=bill)
    return redirect("services:document-download", code=document.code)


def _biller_endpoint(request, req_type: str) -> HttpResponse:
    remote_addr = client_ip(request)
    too_large = ProtocolError(Result.INVALID_XML, "body over the size limit")
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > protocol.MAX_BODY_BYTES:
        reply = refusal(req_type=req_type, error=too_large, remote_addr=remote_addr, status=413)
    else:
        # Never trust the declared length alone: read one byte past the limit.
        raw = request.read(protocol.MAX_BODY_BYTES + 1)
        if len(raw) > protocol.MAX_BODY_BYTES:
            reply = refusal(req_type=req_type, error=too_large, remote_addr=remote_addr, status=413)
        else:
            reply = efawateercom_handle(req_type=req_type, raw=raw, remote_addr=remote_addr)
    response = HttpResponse(reply.body, status=reply.status, content_type=reply.content_type)
    response["Cache-Control"] = "no-store"
    return response


# eFAWATEERcom authenticates by signature, not by cookie: these two views only are CSRF-exempt.
@csrf_exempt
@require_POST
def efawateercom_bill_pull(request):
    return _biller_endpoint(request, protocol.BILL_PULL_REQUEST)


@csrf_exempt
@require_POST
def efawateercom_payment_notification(request):
    return _biller_endpoint(request, protocol.PAYMENT_NOTIFICATION_REQUEST)
