import hashlib
from pathlib import Path

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from accounts.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from services.forms import PrivateFileField
from services.models import Upload
from services.tests.files import (
    assert_stored_privately,
    jpeg_bytes,
    pdf_bytes,
    pdf_with_attachment_bytes,
    pdf_with_javascript_bytes,
    png_bytes,
    stored_names,
    uploaded,
)
from services.uploads import upload_check, upload_store

# Each test runs against the disk and against a real S3 server (moto, on 127.0.0.1): issue 19.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_storage_kind")]

EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\x00" * 200
    + b"This program cannot be run in DOS mode"
)
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


def _reason(exc: pytest.ExceptionInfo) -> str:
    return " ".join(exc.value.messages)


@pytest.mark.parametrize(
    ("name", "data", "content_type", "extension"),
    [
        ("sketch.png", png_bytes(), "image/png", "png"),
        ("letter.jpg", jpeg_bytes(), "image/jpeg", "jpg"),
        ("letter.pdf", pdf_bytes(), "application/pdf", "pdf"),
    ],
)
def test_accepted_file_is_stored_privately_under_a_random_name(settings, user, name, data, content_type, extension):
    upload = upload_store(file=uploaded(name, data), kind="police_sketch", applicant=user)
    upload.refresh_from_db()
    assert upload.content_type == content_type
    assert upload.original_name == name
    assert upload.size == len(data)
    assert upload.sha256 == hashlib.sha256(data).hexdigest()
    assert_stored_privately(upload.file.name, data)
    stored = Path(upload.file.name)
    assert Path(name).stem not in stored.name
    assert stored.suffix == f".{extension}"
    assert len(stored.stem) == 32


def test_two_uploads_of_the_same_name_get_different_files(user):
    one = upload_store(file=uploaded("a.png", png_bytes()), kind="k", applicant=user)
    two = upload_store(file=uploaded("a.png", png_bytes()), kind="k", applicant=user)
    assert one.file.name != two.file.name


def test_renamed_windows_program_is_refused_as_a_program(user):
    with pytest.raises(ValidationError) as exc:
        upload_store(file=uploaded("sketch.png", EXE, "image/png"), kind="k", applicant=user)
    assert exc.value.code == "type"
    with translation.override("en"):
        assert _reason(exc) == "Only PDF, JPEG or PNG files are accepted; this file is a Windows program."
    assert Upload.objects.count() == 0


def test_html_named_png_is_refused_as_a_web_page(user):
    with pytest.raises(ValidationError) as exc:
        upload_store(file=uploaded("photo.png", HTML, "image/png"), kind="k", applicant=user)
    with translation.override("en"):
        assert "a web page" in _reason(exc)
    assert Upload.objects.count() == 0


def test_oversize_file_is_refused_with_the_limit(settings, user):
    settings.UPLOAD_MAX_BYTES = 1000
    big = png_bytes(size=(400, 400), color=(1, 2, 3)) + b"\x00" * 2000
    with pytest.raises(ValidationError) as exc:
        upload_store(file=uploaded("big.png", big), kind="k", applicant=user)
    assert exc.value.code == "too_large"
    with translation.override("en"):
        assert "the limit is 1000\xa0bytes" in _reason(exc)


def test_empty_file_is_refused(user):
    with pytest.raises(ValidationError) as exc:
        upload_check(file=uploaded("x.pdf", b""))
    assert exc.value.code == "empty"


def test_truncated_png_is_refused_as_damaged():
    data = png_bytes(size=(300, 300))
    with pytest.raises(ValidationError) as exc:
        upload_check(file=uploaded("x.png", data[: len(data) // 2]))
    assert exc.value.code == "damaged"


def test_file_that_only_starts_like_a_pdf_is_refused_as_damaged():
    with pytest.raises(ValidationError) as exc:
        upload_check(file=uploaded("x.pdf", b"%PDF-1.7\n" + b"not really a pdf " * 50))
    assert exc.value.code in {"damaged", "no_pages"}


def test_password_protected_pdf_is_refused():
    with pytest.raises(ValidationError) as exc:
        upload_check(file=uploaded("x.pdf", pdf_bytes(password="secret")))
    assert exc.value.code == "encrypted"


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(pdf_with_javascript_bytes(), id="script-on-open"),
        pytest.param(pdf_with_javascript_bytes(escaped=True), id="script-with-escaped-name"),
        pytest.param(pdf_with_attachment_bytes(), id="attached-program"),
    ],
)
def test_pdf_carrying_a_script_or_an_attached_file_is_refused_and_nothing_is_stored(settings, user, data):
    with pytest.raises(ValidationError) as exc:
        upload_store(file=uploaded("police-sketch.pdf", data, "application/pdf"), kind="k", applicant=user)
    assert exc.value.code == "active_content"
    with translation.override("en"):
        assert "contains scripts or attached files" in _reason(exc)
    with translation.override("ar"):
        assert "نصوص برمجية" in _reason(exc)
    assert Upload.objects.count() == 0
    assert stored_names() == []


def test_image_where_only_pdf_is_allowed_is_refused_naming_what_it_is():
    with pytest.raises(ValidationError) as exc:
        upload_check(file=uploaded("letter.pdf", png_bytes()), allowed=("pdf",))
    assert "PNG" in _reason(exc)


def test_jpeg_named_pdf_is_kept_as_a_jpeg_with_a_matching_name(user):
    upload = upload_store(file=uploaded("letter.pdf", jpeg_bytes()), kind="k", applicant=user)
    assert upload.content_type == "image/jpeg"
    assert upload.original_name == "letter.jpg"


def test_path_in_the_original_name_is_dropped(user):
    upload = upload_store(file=uploaded("../../etc/passwd.png", png_bytes()), kind="k", applicant=user)
    assert upload.original_name == "passwd.png"


def test_refusal_is_translated_into_arabic():
    with translation.override("ar"):
        with pytest.raises(ValidationError) as exc:
            upload_check(file=uploaded("sketch.png", EXE))
        reason = _reason(exc)
    assert reason == "تُقبل ملفات PDF، JPEG أو PNG فقط، وهذا الملف برنامج ويندوز."


class _LetterForm(forms.Form):
    letter = PrivateFileField(label="Insurer's letter", allowed=("pdf", "jpeg", "png"))


def test_private_file_field_refuses_by_content_and_keeps_the_error_on_the_field():
    with translation.override("en"):
        form = _LetterForm(data={}, files={"letter": uploaded("letter.pdf", HTML)})
        assert not form.is_valid()
        assert "a web page" in form.errors["letter"][0]


def test_private_file_field_accepts_a_real_pdf_and_advertises_the_types():
    form = _LetterForm(data={}, files={"letter": uploaded("letter.pdf", pdf_bytes())})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["letter"].checked.kind == "pdf"
    assert "application/pdf" in form.fields["letter"].widget.attrs["accept"]
    assert "10" in str(form.fields["letter"].help_text)


class TestDownload:
    def _upload(self, applicant, organisation=None):
        return upload_store(
            file=uploaded("my sketch.png", png_bytes()),
            kind="police_sketch",
            applicant=applicant,
            organisation=organisation,
        )

    def test_owner_downloads_as_an_attachment_that_browsers_do_not_sniff(self, client, user):
        upload = self._upload(user)
        client.force_login(user)
        response = client.get(reverse("services:upload-download", kwargs={"uuid": upload.uuid}))
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
        assert response["Content-Disposition"].startswith("attachment;")
        assert (
            "my sketch.png" in response["Content-Disposition"] or "my%20sketch.png" in response["Content-Disposition"]
        )
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "no-store" in response["Cache-Control"]
        assert b"".join(response.streaming_content) == png_bytes()

    def test_another_users_file_is_not_found(self, client, user, other_user):
        upload = self._upload(user)
        client.force_login(other_user)
        response = client.get(reverse("services:upload-download", kwargs={"uuid": upload.uuid}))
        assert response.status_code == 404

    def test_anonymous_visitor_is_sent_to_log_in(self, client, user):
        upload = self._upload(user)
        response = client.get(reverse("services:upload-download", kwargs={"uuid": upload.uuid}))
        assert response.status_code == 302
        assert "login" in response["Location"]

    def test_member_of_the_owning_organisation_downloads_and_outsider_does_not(self, client):
        organisation = OrganisationFactory()
        uploader = MembershipFactory(organisation=organisation).user
        colleague = MembershipFactory(organisation=organisation).user
        upload = self._upload(uploader, organisation=organisation)
        client.force_login(colleague)
        assert client.get(upload.get_absolute_url()).status_code == 200
        client.force_login(UserFactory())
        assert client.get(upload.get_absolute_url()).status_code == 404

    def test_staff_need_the_permission(self, client, user):
        from django.contrib.auth.models import Permission

        upload = self._upload(user)
        staff = UserFactory(staff=True)
        client.force_login(staff)
        assert client.get(upload.get_absolute_url()).status_code == 404
        staff.user_permissions.add(Permission.objects.get(codename="view_upload", content_type__app_label="services"))
        staff = type(staff).objects.get(pk=staff.pk)
        client.force_login(staff)
        assert client.get(upload.get_absolute_url()).status_code == 200
