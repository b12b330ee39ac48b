"""The statement page of an inquiry, laid out once per state (issue 20): kept in the cache while
``selectors.statement_state`` says nothing it shows has changed, and under a digest of what it shows.
The views (violations.views) answer the inquiry and the statement's address with it."""

import functools
import hashlib
import secrets
import threading
from collections import OrderedDict
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import get_template, render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from accounts.party import party_for_request
from core import sql
from violations import selectors, workflow
from violations.constants import SESSION_SUBJECT


def statement_for_request(request, found=None):
    """The statement of what this session's inquiry proved (None when it proved nothing, or the vehicle or
    licence is gone), read in full."""
    subject = request.session.get(SESSION_SUBJECT)
    if not subject:
        return None
    party = party_for_request(request)
    return workflow.statement_for_subject(
        subject=subject, payer=request.user, payer_name=party.name, organisation=party.organisation, found=found
    )


STATEMENT_BODY_SECONDS = 3600
STATEMENT_TEMPLATES = (
    "violations/_statement_body.html",
    "violations/_violation_headers.html",
    "violations/_violation_cells.html",
)


@functools.cache
def layout_version() -> str:
    """What the kept statement pages were laid out with: their templates and the portal's translations, as
    this process loaded them. Part of every key, so a release that changes either never shows a page kept
    by the one before (the cache outlives a release)."""
    digest = hashlib.sha256()
    for name in STATEMENT_TEMPLATES:
        digest.update(Path(get_template(name).origin.name).read_bytes())
    for catalogue in sorted(Path(settings.BASE_DIR).glob("*/locale/*/LC_MESSAGES/django.mo")):
        digest.update(catalogue.read_bytes())
    return digest.hexdigest()[:16]


def _statement_body(result) -> str:
    """The statement's title, tables and summary, laid out once per state and language: kept in the
    cache under a digest of everything they show (Statement.page_key), so a change is a new key and a
    statement shown again unchanged (reloaded, looked up again, by its owner or a fleet) costs no layout."""
    key = f"violations:statement-body:{layout_version()}:{result.page_key}"
    body = cache.get(key)
    if body is None:
        body = render_to_string("violations/_statement_body.html", {"statement": result})
        cache.set(key, body, STATEMENT_BODY_SECONDS)
    return body


def _state_key(subject: dict) -> str | None:
    return _key(selectors.statement_state(subject=subject))


def _key(state: str | None) -> str | None:
    return None if state is None else f"violations:statement-state:{layout_version()}:{get_language()}:{state}"


class _Recent:
    """The kept statements this process showed lately, by their state key. A key names one laid-out statement
    (its state's digest, the layout version, the language), so the copy here is the cache's copy: a statement
    shown again (reloaded, looked up again, a fleet's vehicle) is not fetched from the cache and unpickled again.
    Holds at most ``max_chars`` characters, the least recently shown dropped first."""

    def __init__(self, max_chars: int = 8_000_000):
        self.max_chars = max_chars
        self._bodies: OrderedDict[str, str] = OrderedDict()
        self._chars = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> str | None:
        with self._lock:
            body = self._bodies.get(key)
            if body is not None:
                self._bodies.move_to_end(key)
            return body

    def put(self, key: str, body: str) -> None:
        if len(body) > self.max_chars:
            return
        with self._lock:
            old = self._bodies.pop(key, None)
            self._chars += len(body) - (len(old) if old is not None else 0)
            self._bodies[key] = body
            while self._chars > self.max_chars:
                _key, dropped = self._bodies.popitem(last=False)
                self._chars -= len(dropped)


recent = _Recent()


def _kept(key: str) -> str | None:
    body = recent.get(key)
    if body is None:
        body = cache.get(key)
        if body is not None:
            recent.put(key, body)
    return body


# Where the kept statement goes in a page laid out before the state was known (unguessable: no text a person
# typed can hold it).
BODY_PLACE = mark_safe(f"<!--statement-{secrets.token_hex(16)}-->")  # noqa: S308 (our own comment)


def _laid_out_around(request, context: dict, query: tuple[str, list]) -> tuple[str, list]:
    """The statement's page with BODY_PLACE for the statement, laid out while ``query`` (a state query) and any
    held write go to the database (core.sql.alongside); the page and the query's rows."""
    with sql.alongside(read=query) as sent:
        page = render_to_string("violations/statement.html", {**context, "body": BODY_PLACE}, request)
        return page, sent.rows()


def remember_subject(request, subject: dict) -> None:
    """The session keeps what an inquiry proved, for the statement's address, the PDF and the notices."""
    if request.session.get(SESSION_SUBJECT) != subject:  # the same again (reloaded, asked twice): no write
        request.session[SESSION_SUBJECT] = subject


def inquiry_page(request, *, kind: str, query: tuple[str, list]) -> tuple[int | None, HttpResponse | None]:
    """The answer to an inquiry whose look-up is ``query`` (selectors.statement_state_find_query, with the inquiry's
    log line as one of its clauses): what it finds and the state of its statement read, and the line written, by
    one statement, sent while the page around the statement is laid out (issue 20). Returns the id found (None: nothing matched) and the page when the statement is kept for that
    state (the session then holds what the inquiry proved); else None: the caller reads the statement."""
    page, rows = _laid_out_around(request, {"kind": kind, "answered": True}, query)
    found = next((row[1] for row in rows if row[0] == 0), None)
    if found is None:
        return None, None
    subject = {"kind": kind, "id": found}
    key = _key(selectors.statement_state_digest(subject=subject, rows=rows))
    body = _kept(key) if key else None
    if body is None:
        return found, None
    remember_subject(request, subject)
    return found, HttpResponse(page.replace(BODY_PLACE, body, 1))


def statement_page(request, *, answered: bool = False, found=None):
    """The statement page of what the session proved; None when it proved nothing or the vehicle or licence
    is gone. ``answered``: the page answers the inquiry's POST (its script gives the address bar the
    statement's own address, so reloading or going back shows the statement again instead of re-sending the
    form). ``found``: the vehicle or licence the inquiry has just read.

    While ``selectors.statement_state`` says nothing the statement shows has changed, the page is shown
    again as laid out before, without reading its rows or looking up its bills (issue 20). The state's query
    goes to the database with the inquiry's log line (core.sql.alongside) while the page around the statement
    is laid out; the kept statement then takes its place. Otherwise (a new state) the statement is read, laid
    out, and kept under that state only if the state is still the same after the reading: a page is never
    kept under a state it was not read from (a first showing makes e-payment numbers, which is a new state:
    that one is kept by the next showing)."""
    subject = request.session.get(SESSION_SUBJECT)
    if not subject:
        return None
    context = {"kind": subject["kind"], "answered": answered}
    query = selectors.statement_state_query(subject=subject)
    key = None
    if query is not None:
        page, rows = _laid_out_around(request, context, query)
        key = _key(selectors.statement_state_digest(subject=subject, rows=rows))
        body = _kept(key) if key else None
        if body is not None:
            return HttpResponse(page.replace(BODY_PLACE, body, 1))
    result = statement_for_request(request, found=found)
    if result is None:  # gone from the partner's data
        return None
    body = _statement_body(result)
    if key is not None and _state_key(subject) == key:
        cache.set(key, body, STATEMENT_BODY_SECONDS)
        recent.put(key, body)
    context["statement"] = result
    context["body"] = mark_safe(body)  # noqa: S308 (rendered by our template, with autoescaping)
    # An inquiry's log line still held (no state to read: not the local copy) is written meanwhile.
    with sql.alongside():
        return render(request, "violations/statement.html", context)
