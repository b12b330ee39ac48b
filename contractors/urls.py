from django.urls import path

from contractors import views

app_name = "contractors"

urlpatterns = [
    path("renew/", views.renew, name="renew"),
    path("renew/lookup/", views.lookup, name="lookup"),
    path("renew/submit/", views.submit, name="submit"),
    path("renew/challenge/", views.challenge, name="challenge"),
    path("track/", views.track, name="track"),
    path("track/<str:reference>/", views.track_detail, name="track-detail"),
    path("track/<str:reference>/permit.pdf", views.track_document, name="track-document"),
    path("track/<str:reference>/receipt.pdf", views.track_receipt, name="track-receipt"),
]
