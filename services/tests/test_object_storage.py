"""Private files on S3 when the store fails (issue 19): a missing bucket or an unreachable endpoint answers a
clear 503 page (or a 503 JSON error in the API), the record of the file is never lost, the start-up check and
readiness name the variable to fix, and an upload that cannot be written leaves no row pointing at nothing.

Against moto's S3 server on 127.0.0.1 (fixture ``s3_storage``), spoken to over HTTP as MinIO would be."""

import logging
import socket

import pytest
from django.core.checks import run_checks
from django.test import Client

from core.storage import StorageUnavailableError
from portal.testing import s3_storage_settings
from services.documents import document_issue
from services.models import IssuedDocument, Upload
from services.tests.files import png_bytes, uploaded
from services.uploads import upload_store

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("test_templates")]
PASSWORD = "pass-Word-123"


def _closed_port_endpoint() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"  # nothing listens there any more: connection refused


def _document(user) -> IssuedDocument:
    return document_issue(
        kind="accident_release",
        template="services_tests/sample_pdf.html",
        context={"name": "محمد أحمد العلي", "reference": "AC-7KQ4-M9", "amount": "125.500", "note": "-"},
        title="إشعار تحرير مركبة",
        summary={"المبلغ": "125.500 دينار"},
        owner_applicant=user,
    )


def _empty_and_delete(client, bucket):
    for item in client.list_objects_v2(Bucket=bucket).get("Contents", []):
        client.delete_object(Bucket=bucket, Key=item["Key"])
    client.delete_bucket(Bucket=bucket)


def test_a_document_written_on_s3_is_downloaded_by_its_owner_through_the_portal(s3_storage, client, user):
    document = _document(user)
    client.force_login(user)
    response = client.get(f"/documents/{document.display_code}/pdf/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_an_unreachable_store_answers_a_clear_503_page_and_keeps_the_record(s3_storage, settings, client, user, caplog):
    document = _document(user)
    _, bucket = s3_storage
    settings.STORAGES = {**settings.STORAGES, "private": s3_storage_settings(_closed_port_endpoint(), bucket)}
    client.force_login(user)
    with caplog.at_level(logging.ERROR):
        response = client.get(f"/documents/{document.display_code}/pdf/")
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    page = response.content.decode()
    assert "الملفات غير متاحة" in page and 'lang="ar"' in page
    assert IssuedDocument.objects.filter(pk=document.pk, sha256=document.sha256).exists()
    assert "S3_ENDPOINT_URL" in caplog.text


def test_a_missing_bucket_answers_503_and_names_s3_bucket(s3_storage, client, user, caplog):
    document = _document(user)
    s3, bucket = s3_storage
    _empty_and_delete(s3, bucket)
    client.force_login(user)
    with caplog.at_level(logging.ERROR):
        response = client.get(f"/documents/{document.display_code}/pdf/")
    assert response.status_code == 503
    assert "S3_BUCKET" in caplog.text
    assert IssuedDocument.objects.filter(pk=document.pk).exists()


def test_the_api_answers_a_503_json_error_when_the_store_is_unreachable(s3_storage, settings, user):
    document = _document(user)
    _, bucket = s3_storage
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    token = client.post(
        "/api/v1/auth/token", {"identifier": user.national_id, "password": PASSWORD}, content_type="application/json"
    ).json()["token"]
    settings.STORAGES = {**settings.STORAGES, "private": s3_storage_settings(_closed_port_endpoint(), bucket)}
    response = client.get(f"/api/v1/documents/{document.display_code}/pdf", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 503
    assert response.json()["code"] == "files_unavailable"
    assert "try again" in response.json()["message"]


def test_an_upload_the_store_cannot_take_leaves_no_row_pointing_at_nothing(s3_storage, settings, user):
    """The object is written first, then the row: a store that refuses the object leaves no record behind."""
    _, bucket = s3_storage
    settings.STORAGES = {**settings.STORAGES, "private": s3_storage_settings(_closed_port_endpoint(), bucket)}
    with pytest.raises(StorageUnavailableError) as error:
        upload_store(file=uploaded("sketch.png", png_bytes()), kind="police_sketch", applicant=user)
    assert error.value.variable == "S3_ENDPOINT_URL"
    assert Upload.objects.count() == 0


@pytest.mark.parametrize("fault", ["unreachable", "no bucket"])
def test_the_start_up_check_and_readiness_name_the_variable_to_fix(s3_storage, settings, client, fault):
    s3, bucket = s3_storage
    assert not [m for m in run_checks(tags=["storage"], include_deployment_checks=True) if m.id == "portal.E010"]
    if fault == "unreachable":
        settings.STORAGES = {**settings.STORAGES, "private": s3_storage_settings(_closed_port_endpoint(), bucket)}
        variable = "S3_ENDPOINT_URL"
    else:
        _empty_and_delete(s3, bucket)
        variable = "S3_BUCKET"
    (error,) = [m for m in run_checks(tags=["storage"], include_deployment_checks=True) if m.id == "portal.E010"]
    assert variable in error.msg
    ready = client.get("/healthz/ready")
    assert ready.status_code == 503
    assert ready.json()["checks"]["storage"]["ok"] is False
    assert variable in ready.json()["checks"]["storage"]["detail"]
    # Liveness does not depend on the store: restarting the node would not bring the bucket back.
    assert client.get("/healthz/live").status_code == 200


def test_readiness_reports_the_store_kind_when_all_is_well(s3_storage, client):
    ready = client.get("/healthz/ready").json()
    assert ready["checks"]["storage"] == {"ok": True, "detail": "s3"}
