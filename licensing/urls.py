from django.urls import path

from licensing import views

app_name = "licensing"

urlpatterns = [
    path("", views.licence_list, name="licences"),
    path("new/", views.split_create, name="start"),
    path("<str:reference>/book/", views.inspection_book, name="book"),
    path("<str:reference>/corrections/", views.corrections_confirm, name="corrections"),
    path("<str:reference>/pay/", views.split_pay, name="pay"),
]
