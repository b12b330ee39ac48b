"""Three fixes to WeasyPrint 70, applied before the portal renders its first PDF (services.documents.pdf_from_html),
and a user-agent style sheet for the portal's documents: each makes the same PDF in less time.

**Right-to-left lines laid out once, not twice.** ``weasyprint.layout.inline.get_next_linebox`` lays a line out,
then asks where floats would put a line of its real height and lays it out again unless that place is where it
already is. For a right-to-left block it compares ``position_x + line.width`` with ``original_position_x +
original_width``, the width the line box had before the line was made: 0 when the page has no floats. The two
never match, so every line of Arabic text is laid out a second time, at the same place, with the same result
(``avoid_collisions`` puts a right-to-left line box at its block's right edge whatever its width: only floats
move it). Measured on the statement of 20 violations: 281 line splits instead of 142, 110 ms instead of 96 ms,
the same boxes at the same places; the English statement was already at 97 ms. The fix compares the place alone,
as WeasyPrint does for left-to-right text, so a line is laid out again exactly when floats moved it.

**A font's subset made without a new C type per document.** ``weasyprint.pdf.fonts.Font._harfbuzz_subset``
passes the glyphs to keep to HarfBuzz in arrays made by ``ffi.new(f'hb_codepoint_t[{n}]', values)``: a C type of
its own for every length, which cffi parses (pycparser, in Python) the first time it sees that length, about
2 ms each. Two lengths a font (the glyphs the document uses, and every glyph id up to the highest of them), and a
document embeds four fonts (Naskh and Sans, regular and bold): a document whose text differs from the ones
before — every issued document, with its own verification code, date and numbers — paid up to 16 ms for it
(measured: the statement of 20 issued in a request, 109 -> 100 and 97 -> 89 ms). The fix passes the same values
as ``'hb_codepoint_t[]'``, the open array type, parsed once: the same arrays, the same subset, byte for byte.

**A line's Pango layout drawn as it was laid out, not made and shaped again.** WeasyPrint 70 drops a text box's
Pango layout once the line is laid out (``Layout.deactivate``) and makes it again to draw it (``reactivate``: a
new Pango context and layout, the font description, the text), and drawing puts the layout in single-paragraph
mode, which makes Pango itemise, shape and break the text once more. The fix keeps the layout (a document's
layouts then live until the document is freed: the statement of 200 violations peaks at 167 MB, 165 before), sets
single-paragraph mode already when the text is set if the text holds no paragraph separator (``\n``, ``\r``,
U+2029: Pango lays such a text out the same either way), and draws from the layout as laid out when nothing
differs (the same style, no justification spacing, which is added for drawing only); otherwise it is made
again as before. Measured on the statement of 20: 88.1 -> 82.5 and 90.9 -> 85.6 ms, the PDF byte for byte the same.

**No styles for pseudo-elements the documents never have.** WeasyPrint's user-agent style sheet (``html5_ua.css``)
has six rules for pseudo-elements of every element: ``::marker``, ``::footnote-call``, ``::footnote-marker``,
``::note-call``, ``::note-marker`` and ``::note-callback``. Each matches every element, so every element of every
document gets six computed styles besides its own: on the statement of 20 violations 1,062 of its 1,115 styles,
each made, given an anchor (a property computed on the spot) and kept with its cycles until the collector frees
it. A marker exists only for a list item (``li``, the only element the sheet makes one), notes and footnotes
only for elements floated as such; no portal document has either
(``services/tests/test_weasyprint_fixes.py`` checks the templates and style sheets). The portal's documents
(:func:`document_html`, only them: any other WeasyPrint page keeps WeasyPrint's sheet) use the same sheet with
``li::marker`` for ``::marker`` and without the five note rules: the same PDF, byte for byte, with
53 styles instead of 1,115. Measured on the statement of 20: 298,729 Python calls instead of 318,377; 5,599 objects
of cyclic garbage left for the collector instead of 14,803 (collected in 4-5 ms instead of 7-12); 6-20% less time
(a shared machine's minutes: the median of six turns' ratios 0.86).

Each fix is applied to its function's own source (the style sheet to WeasyPrint's own text), only for the release
it was made for and only where the code reads as expected; anything else leaves WeasyPrint as it is (slower, never
wrong).
``services/tests/test_weasyprint_fixes.py`` fails on a new release, so whoever upgrades looks again (the fixes
may be upstream by then).
"""

from __future__ import annotations

import inspect
import logging
import textwrap
import threading

logger = logging.getLogger(__name__)

FIXED_RELEASE = "70.0"
RTL_CONDITION = """            condition = (position_x + line.width, position_y) == (
                original_position_x + original_width, original_position_y)"""
PLACE_CONDITION = """            condition = (position_x, position_y) == (
                original_position_x, original_position_y)"""
# The three arrays of _harfbuzz_subset, each of its own length's type.
SUBSET_ARRAYS = {
    "ffi.new(f'hb_codepoint_t[{len(to_unicode)}]', sorted(to_unicode))": "ffi.new('hb_codepoint_t[]', sorted(to_unicode))",
    "ffi.new(f'hb_codepoint_t[{len(drop_tables)}]', drop_tables)": "ffi.new('hb_codepoint_t[]', drop_tables)",
    "ffi.new(f'hb_codepoint_t[{len(keep)}]', keep)": "ffi.new('hb_codepoint_t[]', keep)",
}

# Layout's methods, as their sources read once dedented. Layout.set_text: drawing's single-paragraph mode set with
# the text when the text has no paragraph separator.
SET_TEXT = """    text, bytestring = unicode_to_char_p(text)
    pango.pango_layout_set_text(self.layout, text, -1)
"""
SET_TEXT_ONE_PARAGRAPH = (
    SET_TEXT
    + """    pango.pango_layout_set_single_paragraph_mode(
        self.layout, not any(separator in self.text for separator in '\\n\\r\\u2029'))
"""
)
# Layout.deactivate keeps the layout; Layout.reactivate makes it again only when drawing needs another.
DEACTIVATE = """    del self.layout, self.language, self.style"""
KEEP = """    return  # kept as laid out (services.weasyprint_fixes)"""
REACTIVATE = """    self.setup(style)
    self.set_text(self.text, justify=True)"""
REACTIVATE_WHEN_NEEDED = """    if style is self.style and not self.justification_spacing:
        return  # drawn from the layout as laid out (services.weasyprint_fixes)
    self.setup(style)
    self.set_text(self.text, justify=True)"""

# html5_ua.css: the marker rule for list items only, the note rules left out (the five lines, in order).
UA_MARKER = "\n::marker { font-variant-numeric: tabular-nums; white-space: pre; text-transform: none }\n"
UA_LIST_ITEM_MARKERS = "\nli::marker { font-variant-numeric: tabular-nums; white-space: pre; text-transform: none }\n"
UA_NOTES = """
::footnote-call { content: counter(footnote); vertical-align: super; font-size: smaller; line-height: inherit }
::footnote-marker { content: counter(footnote) ". " }
::note-call { content: counter(note); vertical-align: super; font-size: smaller; line-height: inherit }
::note-marker { content: counter(note) ". " }
::note-callback { content: "\u202f\u21a9" }
"""

_lock = threading.Lock()
_state: dict[str, bool | None] = {"rtl_lines": None, "subset_arrays": None, "layouts_kept": None}
_documents_html: list = []  # the HTML class of the portal's documents, once made


def weasyprint_fixed() -> dict[str, bool]:
    """Apply the fixes once per process (later calls only answer): which of them WeasyPrint runs with."""
    if None in _state.values():
        with _lock:
            if _state["rtl_lines"] is None:
                _state["rtl_lines"] = _rtl_lines()
            if _state["subset_arrays"] is None:
                _state["subset_arrays"] = _subset_arrays()
            if _state["layouts_kept"] is None:
                _state["layouts_kept"] = _layouts_kept()
    return dict(_state)


def rtl_lines_fixed() -> bool:
    return weasyprint_fixed()["rtl_lines"]


def subset_arrays_fixed() -> bool:
    return weasyprint_fixed()["subset_arrays"]


def layouts_kept() -> bool:
    return weasyprint_fixed()["layouts_kept"]


def document_html():
    """The ``weasyprint.HTML`` class the portal's documents are made with: WeasyPrint's own, with the user-agent
    style sheet that styles no pseudo-element a document never has (see above), or WeasyPrint's class itself when
    its sheet is not the one expected."""
    if not _documents_html:
        with _lock:
            if not _documents_html:
                _documents_html.append(_make_document_html())
    return _documents_html[0]


def _make_document_html():
    import weasyprint
    from weasyprint import CSS, HTML, html

    if weasyprint.__version__ != FIXED_RELEASE:
        logger.info(
            "WeasyPrint %s: its user-agent style sheet kept (made for %s)", weasyprint.__version__, FIXED_RELEASE
        )
        return HTML
    if html.UA.count(UA_MARKER) != 1 or html.UA.count(UA_NOTES) != 1:
        logger.warning("WeasyPrint's user-agent style sheet is not as expected: kept as it is")
        return HTML
    from weasyprint.css.counters import CounterStyle

    text = html.UA.replace(UA_MARKER, UA_LIST_ITEM_MARKERS).replace(UA_NOTES, "\n")
    # Made as WeasyPrint makes its own (weasyprint.html.UA_STYLESHEET). Its @counter-style rules go to a
    # throwaway registry: a document renders with WeasyPrint's (HTML._ua_counter_style), which has them all
    # already, and refuses "disc" and "decimal" defined again (a warning each).
    sheet = CSS(string=text, counter_style=CounterStyle())

    class DocumentHTML(HTML):
        def _ua_stylesheets(self, forms=False):
            return [sheet, html.UA_FORM_STYLESHEET] if forms else [sheet]

    DocumentHTML.ua_stylesheet = sheet
    return DocumentHTML


def _rewritten(function, replacements: dict[str, str], what: str):
    """``function`` compiled again from its source with each of ``replacements`` made (each must appear exactly
    once), in its module's namespace, or None (logged) when the release or the source is not the expected one.
    Blank lines before it keep a traceback's line numbers those of WeasyPrint's file."""
    import weasyprint

    if weasyprint.__version__ != FIXED_RELEASE:
        logger.info("WeasyPrint %s: %s not applied (made for %s)", weasyprint.__version__, what, FIXED_RELEASE)
        return None
    lines, first_line = inspect.getsourcelines(function)
    source = textwrap.dedent("".join(lines))
    for old, new in replacements.items():
        if source.count(old) != 1:
            logger.warning("WeasyPrint's %s is not as expected: %s not applied", function.__qualname__, what)
            return None
        source = source.replace(old, new)
    module = inspect.getmodule(function)
    made: dict = {}
    # Compiled with the module's own globals: the new function sees the module's names as the original did.
    exec(compile("\n" * (first_line - 1) + source, module.__file__, "exec"), vars(module), made)  # noqa: S102
    fixed = made[function.__name__]
    fixed.weasyprint_original = function
    return fixed


def _rtl_lines() -> bool:
    from weasyprint.layout import inline

    fixed = _rewritten(inline.get_next_linebox, {RTL_CONDITION: PLACE_CONDITION}, "right-to-left line fix")
    if fixed is None:
        return False
    # iter_line_boxes, its only caller, looks it up in the module each time.
    inline.get_next_linebox = fixed
    return True


def _subset_arrays() -> bool:
    from weasyprint.pdf.fonts import Font

    fixed = _rewritten(Font._harfbuzz_subset, SUBSET_ARRAYS, "font subset array fix")
    if fixed is None:
        return False
    Font._harfbuzz_subset = fixed
    return True


def _layouts_kept() -> bool:
    from weasyprint.text.line_break import Layout

    # All three or none: a layout kept but drawn in another mode is shaped again (slower, still right).
    fixed = {
        "set_text": _rewritten(Layout.set_text, {SET_TEXT: SET_TEXT_ONE_PARAGRAPH}, "layout keeping fix"),
        "deactivate": _rewritten(Layout.deactivate, {DEACTIVATE: KEEP}, "layout keeping fix"),
        "reactivate": _rewritten(Layout.reactivate, {REACTIVATE: REACTIVATE_WHEN_NEEDED}, "layout keeping fix"),
    }
    if None in fixed.values():
        return False
    for name, function in fixed.items():
        setattr(Layout, name, function)
    return True
