"""The project catalogue (locale/) holds portal/ and templates/ strings only, every one translated.

Each app keeps its own catalogue in <app>/locale/. `makemessages` run in an app folder that has no
locale/ yet falls back to the project's LOCALE_PATHS and overwrites locale/ with that app's strings,
dropping the layout's Arabic: these tests catch that before the Arabic home page turns English.
"""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent.parent
CATALOGUES = [BASE_DIR / "locale" / language / "LC_MESSAGES" / "django.po" for language in ("ar", "en")]
_REFERENCE = re.compile(r"^#: (.+)$", re.MULTILINE)
MSGFMT = shutil.which("msgfmt")


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: p.parts[-3])
def test_project_catalogue_holds_only_portal_and_template_strings(po):
    text = po.read_text(encoding="utf-8")
    references = [ref for line in _REFERENCE.findall(text) for ref in line.split()]
    assert references, f"{po} has no strings"
    strays = sorted({ref for ref in references if not ref.startswith(("portal/", "templates/"))})
    assert not strays, f"{po} holds strings from outside portal/ and templates/ (an app's makemessages?): {strays[:10]}"
    for msgid in ("Greater Amman Municipality", "Skip to main content", "Our vision", "Page not found"):
        assert f'msgid "{msgid}"' in text


@pytest.mark.skipif(MSGFMT is None, reason="needs gettext's msgfmt (make installs it)")
@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: p.parts[-3])
def test_project_catalogue_is_complete_with_no_fuzzy_entries(po):
    result = subprocess.run(
        [MSGFMT, "--check", "--statistics", "-o", "/dev/null", str(po)],
        capture_output=True,
        text=True,
        env={**os.environ, "LC_ALL": "C", "LANGUAGE": ""},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "fuzzy" not in result.stderr and "untranslated" not in result.stderr, result.stderr
