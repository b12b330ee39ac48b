from django.urls import path

from notifications.views import inbox
from services.views import applications, catalogue, files

app_name = "services"

urlpatterns = [
    path("services/<slug:slug>/", catalogue.service_card, name="card"),
    path("my/messages/", inbox, name="inbox"),
    path("my/applications/", applications.my_applications, name="my-applications"),
    path("my/applications/<str:reference>/", applications.application_detail, name="application-detail"),
    path("files/<uuid:uuid>/", files.upload_download, name="upload-download"),
    path("documents/<str:code>/pdf/", files.document_download, name="document-download"),
    path("verify/", files.verify_start, name="verify-start"),
    path("verify/<str:code>/", files.verify, name="verify"),
]
