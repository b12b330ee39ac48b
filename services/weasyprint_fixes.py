"""Two fixes to WeasyPrint 70, applied before the portal renders its first PDF (services.documents.pdf_from_html):
each makes the same PDF in less time.

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

Each fix is applied to its function's own source, only for the release it was made for and only where the code
reads as expected; anything else leaves WeasyPrint as it is (slower, never wrong).
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

_lock = threading.Lock()
_state: dict[str, bool | None] = {"rtl_lines": None, "subset_arrays": None}


def weasyprint_fixed() -> dict[str, bool]:
    """Apply the fixes once per process (later calls only answer): which of them WeasyPrint runs with."""
    if None in _state.values():
        with _lock:
            if _state["rtl_lines"] is None:
                _state["rtl_lines"] = _rtl_lines()
            if _state["subset_arrays"] is None:
                _state["subset_arrays"] = _subset_arrays()
    return dict(_state)


def rtl_lines_fixed() -> bool:
    return weasyprint_fixed()["rtl_lines"]


def subset_arrays_fixed() -> bool:
    return weasyprint_fixed()["subset_arrays"]


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
