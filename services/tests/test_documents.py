import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from services.codes import ALPHABET, code_display, code_new, code_normalise
from services.documents import (
    document_find,
    document_issue,
    document_revoke,
    render_pdf,
)
from services.models import IssuedDocument
from services.tests.files import assert_stored_privately, pdf_bytes, stored_names, uploaded

# Each test runs against the disk and against a real S3 server (moto, on 127.0.0.1): issue 19.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_storage_kind", "test_templates")]


@pytest.fixture
def issue(user):
    def _issue(**overrides):
        fields = {
            "kind": "accident_release",
            "template": "services_tests/sample_pdf.html",
            "context": {
                "name": "محمد أحمد العلي",
                "reference": "AC-7KQ4-M9",
                "amount": "125.500",
                "note": "تم تحرير المركبة بعد دفع قيمة الأضرار كاملة",
            },
            "title": "إشعار تحرير مركبة",
            "summary": {"اسم المستفيد": "محمد أحمد العلي", "المبلغ": "125.500 دينار"},
            "owner_applicant": user,
        }
        fields.update(overrides)
        return document_issue(**fields)

    return _issue


def _pdftotext(data: bytes, tmp_path: Path) -> str:
    pdf = tmp_path / "doc.pdf"
    pdf.write_bytes(data)
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True, text=True
    ).stdout


# --- verification codes -------------------------------------------------------------------------


def test_new_codes_are_valid_unique_and_use_the_unambiguous_alphabet():
    codes = {code_new() for _ in range(300)}
    assert len(codes) == 300
    for code in codes:
        assert len(code) == 16
        assert set(code) <= set(ALPHABET)
        assert code_normalise(code) == code


def test_code_as_people_type_it_is_accepted():
    code = code_new()
    typed = f"  {code_display(code).lower()} "
    assert code_normalise(typed) == code


def test_look_alike_letters_are_read_as_digits():
    code = code_new()
    while "0" not in code[:-1] and "1" not in code[:-1]:
        code = code_new()
    typed = code.replace("0", "O").replace("1", "l")
    assert code_normalise(typed) == code


def test_every_single_symbol_mistake_is_refused_before_lookup():
    code = code_new()
    for position in range(len(code)):
        for symbol in ALPHABET:
            if symbol != code[position]:
                mistyped = code[:position] + symbol + code[position + 1 :]
                assert code_normalise(mistyped) is None, mistyped


def test_swapped_neighbours_are_refused():
    refused = total = 0
    for _ in range(50):
        code = code_new()
        for i in range(len(code) - 1):
            if code[i] != code[i + 1]:
                total += 1
                swapped = code[:i] + code[i + 1] + code[i] + code[i + 2 :]
                refused += code_normalise(swapped) is None
    # Luhn mod N misses only the swap of two specific symbol pairs.
    assert refused / total > 0.95


@pytest.mark.parametrize("raw", ["", "ABC", "U" * 16, "0123456789ABCDEFG", "<script>"])
def test_malformed_codes_are_refused(raw):
    assert code_normalise(raw) is None


# --- rendering and issuing ----------------------------------------------------------------------


def test_issued_pdf_contains_the_arabic_text_the_code_and_is_stored_privately(issue, settings, tmp_path):
    document = issue()
    data = document.pdf.read()
    assert data.startswith(b"%PDF-")
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    assert_stored_privately(document.pdf.name, data)
    text = _pdftotext(data, tmp_path)
    # pdftotext writes right-to-left runs in logical order: the words come out as typed.
    assert "محمد أحمد العلي" in text
    assert "إشعار تحرير مركبة" in text
    assert "أمانة عمان الكبرى" in text
    assert document.display_code in text
    assert f"{settings.SITE_URL}/verify/{document.display_code}/" in text


def test_pdf_embeds_an_arabic_font(issue, tmp_path):
    if not shutil.which("pdffonts"):
        pytest.skip("poppler-utils not installed")
    path = tmp_path / "doc.pdf"
    path.write_bytes(issue().pdf.read())
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True, text=True).stdout
    arabic = [line for line in fonts.splitlines() if "Naskh-Arabic" in line]
    assert arabic
    assert all(" yes " in line for line in arabic)  # embedded


def test_pdf_is_rendered_right_to_left_in_arabic(issue):
    import io

    from pypdf import PdfReader

    document = issue()
    html, pdf = render_pdf(
        template="services_tests/sample_pdf.html",
        context={"name": "x", "document": {"language": "ar", "title": document.title, "qr": ""}},
    )
    assert '<html lang="ar" dir="rtl">' in html
    # A4, Arabic font embedded: the layout's style sheet (base_pdf.css) is given to WeasyPrint, not in the HTML.
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert (round(page.mediabox.width), round(page.mediabox.height)) == (595, 842)
    fonts = [font.get_object()["/BaseFont"] for font in page["/Resources"]["/Font"].values()]
    assert any(name.endswith("+Noto-Naskh-Arabic") for name in fonts)


def test_english_speaker_gets_an_english_left_to_right_document(issue):
    document = issue(owner_applicant=UserFactory(language="en"), title="Vehicle release notice")
    assert document.language == "en"
    html, _ = render_pdf(
        template="services_tests/sample_pdf.html", context={"document": {"language": "en", "title": "t", "qr": ""}}
    )
    assert '<html lang="en" dir="ltr">' in html


def test_the_printed_qr_code_scans_to_the_verify_address(issue, tmp_path, settings):
    """The page as printed (pdftoppm at 150 dpi, a phone's view of a printout), read by a QR decoder (zxing-cpp)."""
    import zxingcpp
    from PIL import Image

    settings.SITE_URL = "https://eservices.ammancity.gov.jo"
    document = issue()
    data = document.pdf.read()
    address = f"https://eservices.ammancity.gov.jo/verify/{document.display_code}/"
    assert address in _pdftotext(data, tmp_path)
    subprocess.run(
        ["pdftoppm", "-r", "150", "-f", "1", "-l", "1", "-png", str(tmp_path / "doc.pdf"), str(tmp_path / "page")],
        check=True,
    )
    [page] = tmp_path.glob("page*.png")
    [code] = zxingcpp.read_barcodes(Image.open(page), formats=zxingcpp.BarcodeFormat.QRCode)
    assert code.text == address
    assert code.ec_level == "M"


def test_document_summary_and_owner_are_recorded(issue, user):
    document = issue()
    document.refresh_from_db()
    assert document.summary == [["اسم المستفيد", "محمد أحمد العلي"], ["المبلغ", "125.500 دينار"]]
    assert document.owner_applicant == user
    assert document.kind == "accident_release"
    assert document_find(code=document.display_code.lower()) == document


# --- /verify/ -----------------------------------------------------------------------------------


def test_verify_page_shows_a_genuine_document(client, issue):
    document = issue()
    response = client.get(reverse("services:verify", kwargs={"code": document.display_code}))
    assert response.status_code == 200
    assert response.context["state"] == "genuine"
    body = response.content.decode()
    assert "إشعار تحرير مركبة" in body
    assert "125.500 دينار" in body
    assert document.display_code in body


def test_verify_refuses_a_forged_code_with_a_valid_check_symbol(client, issue):
    issue()
    forged = code_new()
    response = client.get(reverse("services:verify", kwargs={"code": code_display(forged)}))
    assert response.status_code == 404
    assert response.context["state"] == "unknown"
    assert response.context["document"] is None


def test_verify_refuses_a_tampered_code_before_lookup(client, issue, django_assert_num_queries):
    document = issue()
    code = document.code
    tampered = code[:3] + ("Z" if code[3] != "Z" else "Y") + code[4:]
    with django_assert_num_queries(0):
        response = client.get(reverse("services:verify", kwargs={"code": tampered}))
    assert response.status_code == 400
    assert response.context["state"] == "malformed"


def test_verify_shows_a_revoked_document_as_revoked(client, issue):
    document = document_revoke(document=issue(), reason="أُلغي الطلب")
    response = client.get(reverse("services:verify", kwargs={"code": document.display_code}))
    assert response.context["state"] == "revoked"
    assert "أُلغي الطلب" in response.content.decode()


def test_verify_compares_an_uploaded_pdf_with_the_issued_one(client, issue):
    document = issue()
    url = reverse("services:verify", kwargs={"code": document.display_code})
    same = client.post(url, {"pdf": uploaded("doc.pdf", document.pdf.read())})
    assert same.context["comparison"] is True
    other = client.post(url, {"pdf": uploaded("doc.pdf", pdf_bytes())})
    assert other.context["comparison"] is False


def test_verify_is_rate_limited_per_address(client, issue, settings):
    settings.VERIFY_RATE = "3/m"
    url = reverse("services:verify", kwargs={"code": code_display(code_new())})
    assert [client.get(url).status_code for _ in range(3)] == [404, 404, 404]
    assert client.get(url).status_code == 429
    other_address = client.get(url, REMOTE_ADDR="10.0.0.9")
    assert other_address.status_code == 404


def test_verify_start_sends_a_typed_code_to_its_page(client):
    code = code_new()
    response = client.get(reverse("services:verify-start"), {"code": code.lower()})
    assert response.status_code == 302
    assert response["Location"] == reverse("services:verify", kwargs={"code": code_display(code)})
    bad = client.get(reverse("services:verify-start"), {"code": "1234"})
    assert bad.status_code == 400
    assert 'aria-invalid="true"' in bad.content.decode()


# --- download -----------------------------------------------------------------------------------


def test_owner_downloads_the_pdf_and_others_get_404(client, issue, user, other_user):
    document = issue()
    client.force_login(user)
    response = client.get(document.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == document.sha256
    client.force_login(other_user)
    assert client.get(document.get_absolute_url()).status_code == 404


def test_issued_document_rows_are_unique_by_code(issue):
    first = issue()
    second = issue()
    assert first.code != second.code
    assert IssuedDocument.objects.count() == 2


def test_a_document_that_cannot_be_registered_leaves_no_pdf_behind(issue, settings, monkeypatch):
    def refuse(self, *args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(IssuedDocument, "save", refuse)
    with pytest.raises(RuntimeError):
        issue()
    assert stored_names() == []
