"""Hypothesis on every form a member of the public can submit: found by walking the URL patterns,
fetching each page (signed out, and signed in as a verified citizen) and reading its POST forms.

Each form is sent values a careless or hostile person might type (empty, huge, Arabic digits, markup,
wrong choices, odd files, fields left out). Whatever is sent: no 5xx; and unless the portal accepted
the form (it redirects), nothing of the portal's data changed: no partial writes. Tables that record
the attempt itself (sign-in failures, inquiry log, sessions, the sent code's SMS) are allowed to grow.
"""

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from accounts.tests.factories import UserFactory

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

PER_FORM = hsettings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)
# Never submitted: signing out or switching language changes who is asking, not the portal's data.
SKIP_ACTIONS = ("/accounts/logout/", "/i18n/setlang/")
# Where an attempt itself is recorded (security and audit logs, sessions, the codes sent by SMS).
ATTEMPT_TABLES = {
    "django_session",
    "axes_accessattempt",
    "axes_accesslog",
    "axes_accessfailurelog",
    "violations_inquirylog",
}
ATTEMPT_PREFIXES = ("axes_",)


def static_paths() -> list[str]:
    """Every URL pattern without parameters, outside the admin and the API."""
    found = []

    def walk(patterns, prefix):
        for p in patterns:
            route = str(p.pattern)
            if isinstance(p, URLResolver):
                if not route.startswith(("admin/", "api/")):
                    walk(p.url_patterns, prefix + route)
            elif isinstance(p, URLPattern):
                full = prefix + route
                if not any(ch in full for ch in "<(^$\\"):
                    found.append("/" + full)

    walk(get_resolver().url_patterns, "")
    return sorted(set(found))


class FormReader(HTMLParser):
    """The POST forms of a page: action, and each field with its type and choices."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._form = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "get").lower() == "post":
            self._form = {
                "action": a.get("action") or "",
                "fields": {},
                "multipart": "multipart" in (a.get("enctype") or ""),
            }
        elif self._form is None or not a.get("name"):
            return
        elif tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind not in ("submit", "button", "image", "reset"):
                field = self._form["fields"].setdefault(a["name"], {"type": kind, "choices": []})
                if kind in ("radio", "checkbox", "hidden") and a.get("value") is not None or a.get("value"):
                    field["choices"].append(a["value"])
        elif tag == "textarea":
            self._form["fields"][a["name"]] = {"type": "textarea", "choices": []}
        elif tag == "select":
            self._select = self._form["fields"][a["name"]] = {"type": "select", "choices": []}
        elif tag == "option" and self._select is not None:
            self._select["choices"].append(a.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None
        elif tag == "select":
            self._select = None


# Pages whose forms show only with a query string.
EXTRA_PAGES = ["/violations/?by=licence"]


def discover(client: Client, label: str) -> list[dict]:
    forms = []
    for path in static_paths() + EXTRA_PAGES:
        response = client.get(path)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        reader = FormReader()
        reader.feed(response.content.decode("utf-8", "replace"))
        for form in reader.forms:
            action = urlsplit(form["action"]).path or urlsplit(path).path
            if action.startswith(SKIP_ACTIONS):
                continue
            form.update(page=path, action=action, who=label)
            forms.append(form)
    unique = {}
    for form in forms:
        unique.setdefault((form["who"], form["action"], tuple(sorted(form["fields"]))), form)
    return list(unique.values())


junk = st.one_of(
    st.text(max_size=30),
    st.text(alphabet="0123456789٠١٢٣٤٥٦٧٨٩ -+.", max_size=20),
    st.sampled_from(
        ["", " ", "0", "-1", "1e309", "NaN", "9" * 40, "<script>alert(1)</script>", "' OR 1=1 --", "\u202e", "ا" * 3000]
    ),
)


@st.composite
def values_for(draw, form):
    data = {}
    for name, field in form["fields"].items():
        if name == "csrfmiddlewaretoken" or draw(st.integers(0, 9)) == 0:
            continue  # a field left out
        kind, choices = field["type"], field["choices"]
        if kind == "file":
            content = draw(st.binary(max_size=200) | st.just(b"%PDF-1.4\n%%EOF\n") | st.just(b"\x89PNG\r\n\x1a\n"))
            name_ = draw(st.sampled_from(["scan.pdf", "photo.jpg", "../../etc/passwd", "x" * 250 + ".pdf", "a"]))
            ctype = draw(st.sampled_from(["application/pdf", "image/jpeg", "text/html", "application/octet-stream"]))
            data[name] = SimpleUploadedFile(name_, content, content_type=ctype)
        elif choices and draw(st.booleans()):
            data[name] = draw(st.sampled_from(choices))
        else:
            data[name] = draw(junk)
    return data


def _tables() -> list[str]:
    names = []
    for model in apps.get_models():
        table = model._meta.db_table
        if model._meta.managed and table not in ATTEMPT_TABLES and not table.startswith(ATTEMPT_PREFIXES):
            names.append(table)
    return sorted(set(names))


def snapshot(tables: list[str]) -> dict[str, str]:
    """A fingerprint of every row of every table, in one query (the tables are small in tests)."""
    parts = [
        f"SELECT '{t}', md5(coalesce(string_agg(x::text, ',' ORDER BY x::text), '')) FROM \"{t}\" x" for t in tables
    ]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts))
        return dict(cursor.fetchall())


@pytest.fixture
def citizen(catalogue):
    return UserFactory()


def _fuzzer(form, client, citizen, tables):
    @PER_FORM
    @given(data=values_for(form))
    def fuzz(data):
        before = snapshot(tables)
        response = client.post(form["action"], data=data)
        assert response.status_code < 500, f"{form['action']}: HTTP {response.status_code} for {data!r}"
        if response.status_code not in (301, 302, 303):
            changed = {t for t, digest in snapshot(tables).items() if before.get(t) != digest}
            assert not changed, f"{form['action']}: refused ({response.status_code}) but wrote {changed}"
        if form["who"] == "citizen" and not response.wsgi_request.user.is_authenticated:
            client.force_login(citizen)

    return fuzz


def test_every_public_form_survives_any_input_without_a_server_error_or_a_partial_write(citizen, settings):
    if connection.vendor != "postgresql":
        pytest.skip("the no-partial-write fingerprint uses PostgreSQL")
    settings.RATELIMIT_ENABLE = False  # the limits are tested elsewhere; here they would hide the forms
    anonymous = Client(raise_request_exception=False)
    signed_in = Client(raise_request_exception=False)
    signed_in.force_login(citizen)
    forms = discover(anonymous, "anonymous") + discover(signed_in, "citizen")
    assert len(forms) >= 5, forms  # the sign-in, sign-up and service forms at least
    tables = _tables()
    failures = []

    for form in forms:
        client = anonymous if form["who"] == "anonymous" else signed_in
        try:
            _fuzzer(form, client, citizen, tables)()
        except AssertionError as exc:
            failures.append(str(exc).splitlines()[0][:500])
    assert not failures, "\n".join(failures)
