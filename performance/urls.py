from django.urls import path

from performance import views

app_name = "performance"

urlpatterns = [
    path("", views.public, name="public"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/<slug:table>.csv", views.dashboard_csv, name="dashboard-csv"),
    path("rate/<str:reference>/", views.rate, name="rate"),
]
