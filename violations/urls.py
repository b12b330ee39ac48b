from django.urls import path

from violations import views

app_name = "violations"

urlpatterns = [
    path("", views.inquiry, name="inquiry"),
    path("vehicle/", views.inquiry_vehicle, name="inquiry-vehicle"),
    path("licence/", views.inquiry_licence, name="inquiry-licence"),
    path("statement/", views.statement, name="statement"),
    path("statement/pdf/", views.statement_pdf, name="statement-pdf"),
    path("restart/", views.restart, name="restart"),
    path("notices/<str:billing_number>/", views.payment_notice, name="payment-notice"),
    path("fleet/", views.fleet, name="fleet"),
    path("fleet/vehicles/", views.fleet_vehicles, name="fleet-vehicles"),
    path("fleet/bill/", views.fleet_bill, name="fleet-bill"),
    path("fleet/statement.csv", views.fleet_csv, name="fleet-csv"),
    path("fleet/statement/pdf/", views.fleet_pdf, name="fleet-pdf"),
]
