from django.urls import path

from accidents import views

app_name = "accidents"

urlpatterns = [
    path("new/", views.claim_create, name="start"),
    path("<str:reference>/choose/", views.claim_choose, name="choose"),
    path("<str:reference>/letter/", views.letter_upload, name="letter"),
    path("<str:reference>/pay/", views.claim_pay, name="pay"),
]
