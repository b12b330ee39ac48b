"""Only the Bootstrap CSS the templates use is shipped (issue 20): `make assets` purges it (tools/purge_css.mjs)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

BOOTSTRAP = Path(settings.BASE_DIR) / "node_modules" / "bootstrap" / "dist" / "css"
CLASS = re.compile(r"\.(-?[A-Za-z_][A-Za-z0-9_-]*)")
PAGES = ["/", "/services/traffic-violations/", "/contractors/renew/", "/accounts/login/", "/performance/"]


def classes_of(css: str) -> set[str]:
    css = re.sub(r"url\([^)]*\)", "", css)  # no file names (".svg") taken for classes
    return set(CLASS.findall(css))


def served(name: str) -> str:
    path = finders.find(f"vendor/bootstrap/dist/css/{name}")
    assert path, f"{name} is not served"
    assert "static-build" in str(path), "the whole Bootstrap is served: run `make assets` (tools/purge_css.mjs)"
    return Path(path).read_text()


@pytest.mark.parametrize("name", ["bootstrap.rtl.min.css", "bootstrap.min.css"])
def test_served_bootstrap_is_purged(name):
    css = served(name)
    whole = (BOOTSTRAP / name).read_text()
    assert len(css) < len(whole) / 2
    kept = classes_of(css)
    # What the layout uses, what Bootstrap's scripts set on the navbar's menu, what templates build from a value.
    for used in (
        "navbar-toggler",
        "navbar-collapse",
        "collapse",
        "collapsing",
        "show",
        "alert-danger",
        "text-bg-success",
    ):
        assert used in kept, used
    # Components no template uses.
    for unused in ("carousel", "popover", "accordion", "placeholder-glow", "spinner-grow"):
        assert unused not in kept, unused
    # No source map comment: the purged file has none, and the hashed storage would look for it.
    assert "sourceMappingURL" not in css


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["ar", "en"])
def test_every_bootstrap_class_a_page_uses_is_kept(client, user, language):
    css_name = "bootstrap.rtl.min.css" if language == "ar" else "bootstrap.min.css"
    kept = classes_of(served(css_name))
    bootstrap = classes_of((BOOTSTRAP / css_name).read_text())
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    for url in [*PAGES, "/violations/"]:
        if url == "/violations/":
            client.force_login(user)  # the inquiry is for a signed-in person
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert css_name in html
        used = {c for attr in re.findall(r'class="([^"]*)"', html) for c in attr.split()}
        missing = (used & bootstrap) - kept
        assert not missing, f"{url}: Bootstrap classes purged but used: {sorted(missing)}"


@pytest.mark.django_db
def test_bootstrap_script_does_not_hold_the_first_paint(client):
    html = client.get("/").content.decode()
    assert re.search(r'<script defer src="[^"]*bootstrap\.bundle\.min\.js"', html)
