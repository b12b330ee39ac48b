"""Right-to-left lines laid out once, not twice: a fix to WeasyPrint 70's line layout, applied before the portal
renders its first PDF (services.documents.pdf_from_html).

``weasyprint.layout.inline.get_next_linebox`` lays a line out, then asks where floats would put a line of its
real height and lays it out again unless that place is where it already is. For a right-to-left block it
compares ``position_x + line.width`` with ``original_position_x + original_width``, the width the line box had
before the line was made: 0 when the page has no floats. The two never match, so every line of Arabic text is
laid out a second time, at the same place, with the same result (``avoid_collisions`` puts a right-to-left
line box at its block's right edge whatever its width: only floats move it). Measured on the statement of 20
violations: 281 line splits instead of 142, 110 ms instead of 96 ms, the same boxes at the same places; the
English statement was already at 97 ms.

The fix compares the place alone, as WeasyPrint does for left-to-right text, so a line is laid out again
exactly when floats moved it. It is applied to the function's own source, only for the release it was made
for and only where the condition reads as expected; anything else leaves WeasyPrint as it is (slower, never
wrong). ``services/tests/test_weasyprint_rtl.py`` fails on a new release, so whoever upgrades looks again
(the fix may be upstream by then).
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

_lock = threading.Lock()
_state = {"applied": None}


def rtl_lines_fixed() -> bool:
    """Apply the fix once per process (later calls only answer); True when WeasyPrint runs with it."""
    if _state["applied"] is None:
        with _lock:
            if _state["applied"] is None:
                _state["applied"] = _apply()
    return _state["applied"]


def _apply() -> bool:
    import weasyprint
    from weasyprint.layout import inline

    if weasyprint.__version__ != FIXED_RELEASE:
        logger.info(
            "WeasyPrint %s: right-to-left line fix not applied (made for %s)", weasyprint.__version__, FIXED_RELEASE
        )
        return False
    lines, first_line = inspect.getsourcelines(inline.get_next_linebox)
    source = textwrap.dedent("".join(lines))
    if source.count(RTL_CONDITION) != 1:
        logger.warning("WeasyPrint's get_next_linebox is not as expected: right-to-left line fix not applied")
        return False
    original = inline.get_next_linebox
    # Blank lines before it keep a traceback's line numbers those of WeasyPrint's file. Compiled into the
    # module's own namespace: it replaces the function there (iter_line_boxes, its only caller, looks it up
    # in the module each time) and sees the module's other functions as the original did.
    fixed_source = "\n" * (first_line - 1) + source.replace(RTL_CONDITION, PLACE_CONDITION)
    exec(compile(fixed_source, inline.__file__, "exec"), vars(inline))  # noqa: S102
    inline.get_next_linebox.weasyprint_original = original
    return True
