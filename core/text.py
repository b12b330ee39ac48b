"""Text that other text is built from."""

import re

# What ends a sentence or a clause, in Arabic and English, and the spaces around it.
_TRAILING = re.compile(r"[\s.,;:!?؟،؛…]+$")


def embedded(value: str) -> str:
    """``value`` ready to stand inside another sentence: no trailing full stop, comma or colon.

    A staff reason such as "الرقم غير مطابق للمدخل." put into "…: {reason}. ثم …" must read as one
    sentence, not "…المدخل.. ثم"; the sentence around it supplies the punctuation."""
    return _TRAILING.sub("", value or "")
