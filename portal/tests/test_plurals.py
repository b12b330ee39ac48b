"""Issue 18, item 7: where a count meets a noun, every catalogue has all of its language's plural forms.

Arabic has six (zero, one, two, a few 3–10, many 11–99, other 100 and up: the ``Plural-Forms`` header);
an ``ngettext`` entry with an empty form falls back to the English text, and a form copied from another
("%(n)s مخالفة" for 3) is the "3 مخالفة" the issue found. English has two. A msgid with "(s)" is a count
that skipped ``ngettext``; Django's ``timeuntil``/``timesince`` put one Arabic form on every count.
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SKIP = {".venv", "node_modules", "staticfiles", "var", "test-artifacts"}
CATALOGUES = sorted(
    po for po in ROOT.glob("**/locale/*/LC_MESSAGES/django.po") if not SKIP & set(po.relative_to(ROOT).parts)
)
ARABIC_PLURALS = (
    "nplurals=6; plural=n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 && n%100<=99 ? 4 : 5;"
)
_LINE = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(".*")$')


def entries(po: Path) -> list[dict]:
    """The catalogue's entries (obsolete ``#~`` ones left out): msgid, msgid_plural, msgstr[i], flags."""
    found, entry, key = [], {"flags": ""}, None
    for line in [*po.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if "msgid" in entry:
                found.append(entry)
            entry, key = {"flags": ""}, None
        elif line.startswith("#,"):
            entry["flags"] += line
        elif line.startswith("#"):
            continue
        elif match := _LINE.match(line):
            key = match.group(1)
            entry[key] = ast.literal_eval(match.group(2))
        elif line.startswith('"') and key:
            entry[key] += ast.literal_eval(line)
    return found


def _name(po: Path) -> str:
    return str(po.relative_to(ROOT))


def _language(po: Path) -> str:
    return po.parts[-3]


def test_every_app_catalogue_is_found():
    assert {_language(po) for po in CATALOGUES} == {"ar", "en"}
    assert len(CATALOGUES) >= 20


@pytest.mark.parametrize("po", [po for po in CATALOGUES if _language(po) == "ar"], ids=_name)
def test_every_arabic_plural_entry_has_six_forms(po):
    header = entries(po)[0]
    assert header["msgid"] == ""
    plural_forms = re.search(r"Plural-Forms: (.*)", header["msgstr"]).group(1).strip()
    assert plural_forms == ARABIC_PLURALS, f"{_name(po)}: {plural_forms!r}"
    plurals = [e for e in entries(po) if "msgid_plural" in e]
    for entry in plurals:
        forms = [entry.get(f"msgstr[{i}]", "") for i in range(6)]
        assert all(form.strip() for form in forms), f"{_name(po)}: {entry['msgid']!r} lacks forms: {forms}"
        assert "msgstr[6]" not in entry
        assert "fuzzy" not in entry["flags"], f"{_name(po)}: {entry['msgid']!r} is fuzzy"


@pytest.mark.parametrize("po", [po for po in CATALOGUES if _language(po) == "en"], ids=_name)
def test_every_english_plural_entry_has_its_two_forms(po):
    for entry in entries(po):
        if "msgid_plural" in entry:
            forms = [entry.get("msgstr[0]", ""), entry.get("msgstr[1]", "")]
            assert all(forms), f"{_name(po)}: {entry['msgid']!r} lacks forms: {forms}"


@pytest.mark.parametrize("po", CATALOGUES, ids=_name)
def test_no_message_fakes_its_plural_with_parenthesised_s(po):
    faked = [e["msgid"] for e in entries(po) if "(s)" in e["msgid"]]
    assert not faked, f"{_name(po)}: use ngettext / blocktranslate count for {faked}"


def test_no_template_uses_djangos_one_form_durations():
    templates = [
        path
        for path in ROOT.glob("**/templates/**/*.*")
        if not SKIP & set(path.relative_to(ROOT).parts) and path.suffix in {".html", ".txt"}
    ]
    assert templates
    offenders = [
        str(path.relative_to(ROOT))
        for path in templates
        if re.search(r"\|\s*(timeuntil|timesince|naturaltime)\b", path.read_text(encoding="utf-8"))
    ]
    assert not offenders, f"use core's time_left filter (plurals library): {offenders}"
