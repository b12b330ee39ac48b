"""The fixes to WeasyPrint (services.weasyprint_fixes): right-to-left lines laid out once (the same pages, half the
line layout); a font's subset made without a new C type per document (the same PDF, no parsing); a line's layout
drawn as laid out (the same PDF, no layout made again); the documents' user-agent style sheet (the same PDF, no
styles for pseudo-elements a document never has)."""

import re
from pathlib import Path

import pytest
import weasyprint
from django.conf import settings
from weasyprint.css import StyleFor
from weasyprint.layout import inline
from weasyprint.pdf.fonts import Font
from weasyprint.text.ffi import ffi
from weasyprint.text.line_break import Layout

from services.documents import _font_config, pdf_from_html
from services.weasyprint_fixes import (
    FIXED_RELEASE,
    document_html,
    layouts_kept,
    rtl_lines_fixed,
    subset_arrays_fixed,
    weasyprint_fixed,
)

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
    # A new WeasyPrint release: check whether get_next_linebox still lays right-to-left lines out twice,
    # whether Font._harfbuzz_subset still makes an array type per length and whether a line's layout is still
    # dropped and made again to draw it (then update FIXED_RELEASE and the replaced code) or not any more (then
    # remove that fix from services.weasyprint_fixes).
    assert weasyprint.__version__ == FIXED_RELEASE
    assert weasyprint_fixed() == {"rtl_lines": True, "subset_arrays": True, "layouts_kept": True}
    assert hasattr(inline.get_next_linebox, "weasyprint_original")
    assert hasattr(Font._harfbuzz_subset, "weasyprint_original")
    for name in ("set_text", "deactivate", "reactivate"):
        assert hasattr(getattr(Layout, name), "weasyprint_original")


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


# Text as WeasyPrint draws it in every way the layout fix must leave alone: a table over two pages with its
# header repeated, Arabic and Latin in one line, pre-formatted lines (paragraph separators), justified text (its
# spacing added for drawing), an ellipsis, words broken anywhere, letter and word spacing, a running header
# drawn on every page, and underlined text.
VARIED = f"""<html lang="ar" dir="rtl"><head><style>
@page {{ size: A5; margin: 12mm; @top-center {{ content: element(running) }} }}
.running {{ position: running(running); font-size: 8pt }}
pre {{ white-space: pre; font-family: "Noto Sans" }}
.justified {{ text-align: justify; width: 60mm }}
.cut {{ width: 30mm; overflow: hidden; white-space: nowrap; text-overflow: ellipsis }}
.anywhere {{ width: 20mm; overflow-wrap: anywhere; font-family: "Noto Sans" }}
.spaced {{ letter-spacing: 1pt; word-spacing: 4pt }}
</style></head><body>
<div class="running">أمانة عمان الكبرى – Greater Amman Municipality</div>
<p class="justified">{"ادفع من خلال إي فواتيركم في أي بنك أو محفظة أو صراف آلي، باختيار قطاع الحكومة ثم مخالفات السير. " * 3}</p>
<pre>السطر الأول 10-79210
line two\rline three\u2029line four</pre>
<p class="cut">تجاوز السرعة المقررة بما لا يزيد على 20 كم/س، 37/أ/1</p>
<p class="anywhere">B0000000001B0000000002B0000000003</p>
<p class="spaced"><u>كشف مخالفات السير</u> Statement 2026</p>
<table class="violations"><thead><tr><th>رقم المخالفة</th><th>المخالفة</th></tr></thead><tbody>{ROWS * 4}</tbody></table>
</body></html>"""


def _with_original_layouts(monkeypatch):
    for name in ("set_text", "deactivate", "reactivate"):
        monkeypatch.setattr(Layout, name, getattr(Layout, name).weasyprint_original)


@pytest.mark.parametrize(
    "html", [VARIED, PAGE.format(direction="rtl"), PAGE.format(direction="ltr")], ids=["varied", "rtl", "ltr"]
)
def test_the_pdf_is_the_same_with_layouts_kept(html, monkeypatch):
    assert layouts_kept()
    fixed = weasyprint.HTML(string=html).write_pdf(font_config=_font_config())
    _with_original_layouts(monkeypatch)
    original = weasyprint.HTML(string=html).write_pdf(font_config=_font_config())
    assert fixed == original


def test_the_varied_page_draws_what_it_says(monkeypatch):
    # Two pages (the table's header and the running header drawn twice), and justified lines, whose layouts
    # drawing makes again with their spacing (the fix's other path).
    made = []
    setup = Layout.setup
    document = weasyprint.HTML(string=VARIED).render(font_config=_font_config())
    assert len(document.pages) >= 2
    monkeypatch.setattr(Layout, "setup", lambda layout, style: made.append(layout) or setup(layout, style))
    document.write_pdf()
    assert made and all(layout.justification_spacing for layout in made)


def test_drawing_makes_no_layout_again(monkeypatch):
    made = []
    setup = Layout.setup

    def counted(layout, style):
        made.append(layout)
        return setup(layout, style)

    monkeypatch.setattr(Layout, "setup", counted)
    html = PAGE.format(direction="rtl")
    document = weasyprint.HTML(string=html).render(font_config=_font_config())
    laid_out = len(made)
    document.write_pdf()
    assert len(made) == laid_out  # WeasyPrint 70 alone: one more for every line of text drawn
    _with_original_layouts(monkeypatch)
    made.clear()
    weasyprint.HTML(string=html).write_pdf(font_config=_font_config())
    assert len(made) > laid_out + 20


# Lists (their markers: the one pseudo-element the documents' sheet still styles, for li) beside text.
LISTS = """<html lang="ar" dir="rtl"><body>
<ol><li>تجاوز السرعة المقررة</li><li>الوقوف في مكان ممنوع</li></ol>
<ul><li>Speeding</li><li>Parking<ul><li>fee not paid</li></ul></li></ul>
<details open><summary>ملخص</summary><p>التفاصيل</p></details>
</body></html>"""


@pytest.fixture
def pseudo_styles(monkeypatch):
    """The pseudo-element of each computed style WeasyPrint makes while it is used (None: an element's own)."""
    made = []
    original = StyleFor.set_computed_styles

    def counted(self, element, parent, root=None, pseudo_type=None, **kwargs):
        made.append(pseudo_type)
        return original(self, element, parent, root=root, pseudo_type=pseudo_type, **kwargs)

    monkeypatch.setattr(StyleFor, "set_computed_styles", counted)
    return made


def test_the_documents_style_sheet_is_made_for_the_weasyprint_the_portal_installs():
    # A new WeasyPrint release (or html5_ua.css changed): check whether its sheet still styles pseudo-elements of
    # every element, then update UA_MARKER and UA_NOTES or remove the documents' sheet.
    assert document_html() is not weasyprint.HTML
    assert issubclass(document_html(), weasyprint.HTML)
    assert document_html().ua_stylesheet is not None


def test_documents_make_no_styles_for_pseudo_elements_they_never_have(pseudo_styles):
    html = PAGE.format(direction="rtl")
    weasyprint.HTML(string=html).write_pdf(font_config=_font_config())
    elements = pseudo_styles.count(None)
    notes = ("footnote-call", "footnote-marker", "note-call", "note-marker", "note-callback")
    # WeasyPrint's own sheet: a marker and five note styles for every element.
    assert all(pseudo_styles.count(kind) > elements for kind in ("marker", *notes))
    pseudo_styles.clear()
    document_html()(string=html).write_pdf(font_config=_font_config())
    assert pseudo_styles.count(None) == elements
    assert not {"marker", *notes} & set(pseudo_styles)
    pseudo_styles.clear()
    pdf_from_html(html)  # as every issued document is made
    assert pseudo_styles and not {"marker", *notes} & set(pseudo_styles)
    pseudo_styles.clear()
    pdf_from_html(LISTS)
    assert pseudo_styles.count("marker") == 5  # the five list items
    assert not set(notes) & set(pseudo_styles)


@pytest.mark.parametrize(
    "html",
    [VARIED, PAGE.format(direction="rtl"), PAGE.format(direction="ltr"), LISTS],
    ids=["varied", "rtl", "ltr", "lists"],
)
def test_the_pdf_is_the_same_with_the_documents_style_sheet(html):
    documents = document_html()(string=html).write_pdf(font_config=_font_config())
    assert documents == weasyprint.HTML(string=html).write_pdf(font_config=_font_config())


def test_no_document_uses_what_the_documents_style_sheet_leaves_out():
    # The documents' user-agent sheet has no footnote or note rules, and styles the markers of li only: a document
    # that floats a footnote or a note, makes another element a list item or styles markers needs WeasyPrint's own
    # sheet back (services.weasyprint_fixes.document_html).
    base = Path(settings.BASE_DIR)
    templates = [
        path
        for path in base.glob("*/templates/**/*")
        if path.suffix in (".html", ".css")
        and ("documents" in path.parts or "base_pdf.html" in path.read_text(encoding="utf-8"))
    ]
    assert len(templates) >= 10
    left_out = re.compile(r"footnote|note-(call|marker)|float\s*:\s*note|list-item|::?marker", re.IGNORECASE)
    assert [
        str(path.relative_to(base)) for path in templates if left_out.search(path.read_text(encoding="utf-8"))
    ] == []
