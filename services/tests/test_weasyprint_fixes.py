"""The fixes to WeasyPrint (services.weasyprint_fixes): right-to-left lines laid out once (the same pages, half the
line layout); a font's subset made without a new C type per document (the same PDF, no parsing)."""

import pytest
import weasyprint
from weasyprint.layout import inline
from weasyprint.pdf.fonts import Font
from weasyprint.text.ffi import ffi

from services.documents import _font_config, pdf_from_html
from services.weasyprint_fixes import FIXED_RELEASE, rtl_lines_fixed, subset_arrays_fixed, weasyprint_fixed

ROWS = "".join(
    f"<tr><td>B{n:010d}</td><td>تجاوز السرعة المقررة بما لا يزيد على 20 كم/س، 37/أ/1</td>"
    f"<td>30 نوفمبر 2026، 21:18، شارع مكة</td><td class='amount'>20.000</td></tr>"
    for n in range(12)
)
PAGE = f"""<html lang="ar" dir="{{direction}}"><body>
<h1>كشف مخالفات السير: المركبة ⁦10-79210⁩</h1>
<p>{"ادفع من خلال إي فواتيركم في أي بنك أو محفظة أو صراف آلي، باختيار قطاع الحكومة ثم مخالفات السير. " * 6}</p>
<table class="violations">{ROWS}</table>
</body></html>"""
# The one case where WeasyPrint lays a line out again on purpose: a line whose real height (a larger word in
# it) reaches a float that a line of the text's own height would pass above. The first float, narrow, keeps the
# second one (cleared) 6 mm down on the right, where Arabic lines start.
FLOATS = """<html lang="ar" dir="rtl"><body style="width: 90mm">
<div style="float: right; width: 1mm; height: 6mm"></div>
<div style="float: right; clear: right; width: 30mm; height: 20mm"></div>
<div style="float: left; width: 12mm; height: 40mm"></div>
<p><span style="font-size: 30pt">تصدر</span> أمانة عمان الكبرى هذا الكشف إلكترونياً ولا يحتاج إلى توقيع أو ختم،
ويمكن التحقق منه بمسح رمز الاستجابة السريعة أو بزيارة العنوان المبين أدناه وإدخال رمز التحقق.
<span style="font-size: 18pt">١٢٣</span> مرة أخرى أمانة عمان الكبرى تصدر هذا الكشف إلكترونياً.</p>
</body></html>"""


@pytest.fixture
def split_lines(monkeypatch):
    """Counts WeasyPrint's line splits (each a Pango layout of the rest of a text) while it is used."""
    calls = []
    original = inline.split_first_line

    def counted(text, *args, **kwargs):
        calls.append(text)
        return original(text, *args, **kwargs)

    monkeypatch.setattr(inline, "split_first_line", counted)
    return calls


def _geometry(html: str):
    """Every box of every page: its kind, place and size (what the PDF draws, to the thousandth of a pixel)."""
    document = weasyprint.HTML(string=html).render(font_config=_font_config())
    return [
        (
            type(box).__name__,
            round(box.position_x, 3),
            round(box.position_y, 3),
            round(box.width, 3),
            round(box.height, 3),
        )
        for page in document.pages
        for box in page._page_box.descendants()
    ]


def test_the_fixes_are_made_for_the_weasyprint_the_portal_installs():
    # A new WeasyPrint release: check whether get_next_linebox still lays right-to-left lines out twice and
    # whether Font._harfbuzz_subset still makes an array type per length (then update FIXED_RELEASE and the
    # replaced code) or not any more (then remove that fix from services.weasyprint_fixes).
    assert weasyprint.__version__ == FIXED_RELEASE
    assert weasyprint_fixed() == {"rtl_lines": True, "subset_arrays": True}
    assert hasattr(inline.get_next_linebox, "weasyprint_original")
    assert hasattr(Font._harfbuzz_subset, "weasyprint_original")


def test_arabic_text_is_laid_out_once_a_line_as_english_is(split_lines):
    pdf_from_html(PAGE.format(direction="ltr"))
    left_to_right = len(split_lines)
    split_lines.clear()
    pdf_from_html(PAGE.format(direction="rtl"))
    # WeasyPrint 70 alone: twice as many for right to left.
    assert len(split_lines) == left_to_right
    assert left_to_right > 20


@pytest.mark.parametrize("html", [PAGE.format(direction="rtl"), FLOATS], ids=["statement-like", "floats"])
def test_the_pages_are_the_same_with_the_fix(html, monkeypatch):
    assert rtl_lines_fixed()
    fixed = _geometry(html)
    monkeypatch.setattr(inline, "get_next_linebox", inline.get_next_linebox.weasyprint_original)
    assert _geometry(html) == fixed
    assert len(fixed) > 20


def _codes(count: int) -> str:
    """A page as an issued document is: Arabic and Latin text whose glyphs differ with ``count`` (a code, digits)."""
    code = "ABCDEFGHJKLMNPQRSTUVWXYZ"[:count]
    return f"""<html lang="ar" dir="rtl"><body><h1>كشف مخالفات السير</h1>
<p>رمز التحقق: <span style="font-family: 'Noto Sans'">{code}-{"0123456789"[: count % 10]}</span></p>
<p style="font-weight: bold">{"ابتثجحخدذرزسشصضطظعغفقكلمنهوي"[:count]}</p></body></html>"""


def test_documents_of_new_glyph_counts_parse_no_c_type():
    assert subset_arrays_fixed()
    pdf_from_html(_codes(3))
    known = set(ffi._parsed_types)
    for count in range(4, 12):
        pdf_from_html(_codes(count))
    # WeasyPrint 70 alone: "hb_codepoint_t[N]" for each new number of glyphs of each font (about 2 ms each).
    assert set(ffi._parsed_types) == known


@pytest.mark.parametrize("count", [5, 17])
def test_the_fonts_subsets_are_the_same_with_the_fix(count, monkeypatch):
    assert subset_arrays_fixed()
    html = _codes(count)
    fix = Font._harfbuzz_subset
    subsets = []

    def counted(font, *args):
        subsets.append(font.family)
        return fix(font, *args)

    monkeypatch.setattr(Font, "_harfbuzz_subset", counted)
    fixed = weasyprint.HTML(string=html).write_pdf(font_config=_font_config())
    monkeypatch.setattr(Font, "_harfbuzz_subset", fix.weasyprint_original)
    original = weasyprint.HTML(string=html).write_pdf(font_config=_font_config())
    # The whole file, byte for byte: fonts, glyph ids, text.
    assert fixed == original
    # Naskh regular and bold, Sans: each font subset by the fixed function.
    assert len(subsets) >= 3, subsets
