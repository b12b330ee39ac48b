"""The portal's URLs plus the trivial view every figure is compared with."""

from django.http import HttpResponse
from django.urls import include, path

from payments.registry import register_bill_handler


def trivial(request):
    """The cheapest answer Django can give through the portal's full middleware stack."""
    return HttpResponse(b"ok", content_type="text/plain")


def bench_bill_paid(bill, payment):
    """The owner of the benchmarks' bills: told inside the payment's transaction, does nothing."""


# Loaded in every process that serves a request (the bench runner and each gunicorn worker).
register_bill_handler("bench", bench_bill_paid)

urlpatterns = [
    path("bench/trivial", trivial, name="bench-trivial"),
    path("", include("portal.urls")),
]

handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"
