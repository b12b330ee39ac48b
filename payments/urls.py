from django.urls import path

from payments import views

app_name = "payments"

# The biller paths are fixed by the eFAWATEERcom contract (payments/ is mounted in portal/urls.py).
urlpatterns = [
    path("efawateercom/bill-pull/", views.efawateercom_bill_pull, name="efawateercom-bill-pull"),
    path(
        "efawateercom/payment-notification/",
        views.efawateercom_payment_notification,
        name="efawateercom-payment-notification",
    ),
    path("bills/", views.my_bills, name="my-bills"),
    path("bills/<str:billing_number>/", views.bill_detail, name="bill-detail"),
    path("bills/<str:billing_number>/receipt/", views.bill_receipt, name="bill-receipt"),
]
