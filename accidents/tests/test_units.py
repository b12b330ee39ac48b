"""Issue 18, item 7: a valuation quantity and its unit agree ("3 قطع", "3 ساعات عمل", "3 work hours"),
on the applicant's page, on the release certificate and on the bill's lines."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from accidents.constants import Unit
from accidents.tests.factories import ClaimFactory
from accidents.units import quantity_text
from payments.testing import pay_bill

COUNTS = ("0", "1", "2", "3", "11", "100")


@pytest.mark.parametrize(
    ("unit", "arabic"),
    [
        (Unit.PIECE, ["0 قطعة", "قطعة واحدة", "قطعتان", "3 قطع", "11 قطعة", "100 قطعة"]),
        (Unit.HOUR, ["0 ساعة عمل", "ساعة عمل واحدة", "ساعتا عمل", "3 ساعات عمل", "11 ساعة عمل", "100 ساعة عمل"]),
        (Unit.METRE, ["0 متر", "متر واحد", "متران", "3 أمتار", "11 متراً", "100 متر"]),
        (
            Unit.SQUARE_METRE,
            ["0 متر مربع", "متر مربع واحد", "متران مربعان", "3 أمتار مربعة", "11 متراً مربعاً", "100 متر مربع"],
        ),
        (Unit.LUMP_SUM, ["0 مقطوعة", "مقطوعة واحدة", "مقطوعتان", "3 مقطوعات", "11 مقطوعة", "100 مقطوعة"]),
    ],
)
def test_a_quantity_takes_the_arabic_form_of_its_count(unit, arabic):
    with translation.override("ar"):
        assert [quantity_text(Decimal(n), unit) for n in COUNTS] == arabic


def test_a_quantity_is_singular_for_one_and_plural_otherwise_in_english():
    with translation.override("en"):
        assert quantity_text(Decimal("3"), Unit.HOUR) == "3 work hours"
        assert quantity_text(Decimal("1.00"), Unit.HOUR) == "1 work hour"
        assert quantity_text(Decimal("1"), Unit.PIECE) == "1 piece"
        assert quantity_text(Decimal("0"), Unit.PIECE) == "0 pieces"


def test_a_quantity_with_a_fraction_keeps_its_digits_and_the_form_fractions_take():
    with translation.override("ar"):
        assert quantity_text(Decimal("4.50"), Unit.SQUARE_METRE) == "4.5 متر مربع"
    with translation.override("en"):
        assert quantity_text(Decimal("4.50"), Unit.SQUARE_METRE) == "4.5 square metres"
        assert quantity_text(Decimal("0.25"), Unit.HOUR) == "0.25 work hours"


@pytest.mark.django_db
def test_the_valuation_table_says_4_work_hours_not_4_work_hour(client):
    """The default valuation is 1 piece and 4 work hours: "4 ساعة عمل" and "1 قطعة" before."""
    claim = ClaimFactory(awaiting_payment=True)
    client.force_login(claim.applicant)
    url = reverse("services:application-detail", kwargs={"reference": claim.reference})
    arabic = client.get(url, HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert "4 ساعات عمل" in arabic and "قطعة واحدة" in arabic
    assert "4 ساعة عمل" not in arabic and "1 قطعة" not in arabic
    client.cookies["django_language"] = "en"
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "4 work hours" in english and "1 piece" in english


@pytest.mark.django_db
def test_the_bill_lines_name_the_quantity_in_both_languages():
    claim = ClaimFactory(awaiting_payment=True)
    lines = list(claim.bill.lines.order_by("position"))
    assert lines[0].description_ar.endswith("(قطعة واحدة)") and lines[0].description_en.endswith("(1 piece)")
    assert lines[1].description_ar.endswith("(4 ساعات عمل)") and lines[1].description_en.endswith("(4 work hours)")


@pytest.mark.django_db
def test_the_release_certificate_says_4_work_hours(monkeypatch, django_capture_on_commit_callbacks):
    from services import documents

    rendered = []
    render_pdf = documents.render_pdf

    def keep_html(**kwargs):
        html, pdf = render_pdf(**kwargs)
        rendered.append(html)
        return html, pdf

    monkeypatch.setattr(documents, "render_pdf", keep_html)
    with django_capture_on_commit_callbacks(execute=True):
        claim = ClaimFactory(paying_personally=True)
        pay_bill(claim.bill)
    claim.refresh_from_db()
    assert claim.certificate is not None
    (certificate,) = [html for html in rendered if claim.certificate.display_code in html]
    assert "4 ساعات عمل" in certificate and "قطعة واحدة" in certificate
