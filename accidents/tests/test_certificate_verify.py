"""Issue 17, finding 8: /verify/ (page and API) shows a release certificate's registration number masked:
the full number is the secret of the violations inquiry, and the verify page is public."""

from importlib import import_module

import pytest
from django.apps import apps
from django.urls import reverse

from accidents.tests.factories import ClaimFactory
from accidents.workflow import claim_letter_decide
from services.models import IssuedDocument

pytestmark = pytest.mark.django_db

migration = import_module("accidents.migrations.0004_mask_registration_number_on_certificates")


def _released(staff, capture):
    claim = ClaimFactory(letter_review=True)
    with capture(execute=True):
        claim_letter_decide(claim=claim, actor=staff, valid=True)
    claim.refresh_from_db()
    return claim


def test_finding_8_verify_page_and_api_show_the_registration_number_masked(
    client, staff, django_capture_on_commit_callbacks
):
    claim = _released(staff, django_capture_on_commit_callbacks)
    number, document = claim.registration_number, claim.certificate
    assert len(number) >= 6

    page = client.get(reverse("services:verify", args=[document.display_code])).content.decode()
    answer = client.get(f"/api/v1/documents/{document.display_code}")

    assert answer.status_code == 200
    assert number not in page and number not in answer.content.decode()
    assert f"••••{number[-3:]}" in page
    assert ["رقم تسجيل المركبة", f"••••{number[-3:]}"] in answer.json()["summary"]
    # The rest of the summary is still there to check the paper against.
    assert claim.reference in page and claim.plate in page


def test_finding_8_certificates_issued_before_are_masked_by_the_data_migration(
    staff, django_capture_on_commit_callbacks
):
    claim = _released(staff, django_capture_on_commit_callbacks)
    number = claim.registration_number
    old_ar = claim.certificate
    old_ar.summary = [[label, number if label == "رقم تسجيل المركبة" else value] for label, value in old_ar.summary]
    old_ar.save(update_fields=["summary"])
    old_en = IssuedDocument.objects.create(
        code="TESTCODE0001",
        kind="accident_release",
        title="Accident claim release certificate",
        summary=[["Request reference", claim.reference], ["Vehicle registration number", "8801234"]],
        language="en",
        pdf="documents/x.pdf",
        sha256="0" * 64,
        size=1,
    )
    other_kind = IssuedDocument.objects.create(
        code="TESTCODE0002",
        kind="contractor_permit",
        title="Renewed permit",
        summary=[["Vehicle registration number", "8801234"]],
        pdf="documents/y.pdf",
        sha256="0" * 64,
        size=1,
    )

    migration.forwards(apps, None)
    migration.forwards(apps, None)  # a second run changes nothing

    old_ar.refresh_from_db()
    old_en.refresh_from_db()
    other_kind.refresh_from_db()
    assert ["رقم تسجيل المركبة", f"••••{number[-3:]}"] in old_ar.summary
    assert old_en.summary == [["Request reference", claim.reference], ["Vehicle registration number", "••••234"]]
    assert other_kind.summary == [["Vehicle registration number", "8801234"]]
