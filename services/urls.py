from django.urls import path

from services import views, views_applications, views_notify

app_name = "services"

urlpatterns = [
    path("services/<slug:slug>/", views.service_card, name="card"),
    path("my/messages/", views_notify.inbox, name="inbox"),
    path("my/applications/", views_applications.my_applications, name="my-applications"),
    path("my/applications/<str:reference>/", views_applications.application_detail, name="application-detail"),
    path("files/<uuid:uuid>/", views_notify.upload_download, name="upload-download"),
    path("documents/<str:code>/pdf/", views_notify.document_download, name="document-download"),
    path("verify/", views_notify.verify_start, name="verify-start"),
    path("verify/<str:code>/", views_notify.verify, name="verify"),
]
