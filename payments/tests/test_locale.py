"""The payments catalogue is complete: every Arabic msgstr filled, nothing fuzzy."""

import re
from pathlib import Path

PO = Path(__file__).resolve().parent.parent / "locale" / "ar" / "LC_MESSAGES" / "django.po"


def test_every_arabic_message_is_translated():
    entries = PO.read_text(encoding="utf-8").split("\n\n")[1:]
    untranslated = []
    for entry in entries:
        if entry.lstrip().startswith("#~"):
            continue
        assert "#, fuzzy" not in entry, entry
        match = re.search(r'^msgid ((?:".*"\n)+)msgstr ((?:".*"\n?)+)', entry, re.M)
        if match and "".join(re.findall(r'"(.*)"', match.group(2))) == "":
            untranslated.append(entry)
    assert len(entries) > 150 and not untranslated, untranslated
