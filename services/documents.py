"""Issued documents: one helper renders a template to HTML and PDF; every PDF the portal issues is
registered here with a verification code and a QR code pointing at ``/verify/<code>/``.

Verification codes are 15 random symbols of Crockford's base-32 alphabet (75 bits: unguessable) and
one Luhn mod 32 check symbol, so a mistyped code is refused before any lookup. People read them as
``XXXX-XXXX-XXXX-XXXX``; dashes, spaces, case and the look-alikes O/I/L are forgiven.
"""

from __future__ import annotations

import base64
import gc
import hashlib
import io
import secrets
import threading
from collections.abc import Sequence
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from services.codes import code_display, code_new, code_normalise
from services.models import IssuedDocument
from services.weasyprint_fixes import document_html, weasyprint_fixed


def verify_url(code: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("services:verify", kwargs={"code": code_display(code)})


QR_QUIET_ZONE = 2  # modules of white around the symbol (the verification box's padding adds to it)


def qr_data_uri(text: str) -> str:
    """A PNG QR code of ``text`` (error correction M) as a data: URI (WeasyPrint embeds it; no file or network).

    Encoded by zxing-cpp (its writer is Zint's, in C: 0.2 ms, the eight masks weighed by the standard's penalty
    rules as before; the pure-Python qrcode took 4 ms of every issued document doing the same). One pixel a
    module, black and white: the template scales it up without smoothing (``image-rendering: pixelated``), so it
    prints as sharp as an 8-pixel-a-module image, and WeasyPrint decodes and embeds about 300 bytes instead of 8
    times 8 as many pixels.
    """
    import zxingcpp
    from PIL import Image

    symbol = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    modules = symbol.to_image(scale=1, add_quiet_zones=False)
    height, width = modules.shape
    drawn = Image.frombytes("L", (width, height), bytes(memoryview(modules))).convert("1", dither=Image.Dither.NONE)
    image = Image.new("1", (width + 2 * QR_QUIET_ZONE, height + 2 * QR_QUIET_ZONE), 1)
    image.paste(drawn, (QR_QUIET_ZONE, QR_QUIET_ZONE))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


_weasyprint = threading.local()


def _font_config():
    """WeasyPrint's font configuration, made once per thread and reused for every document.

    A new one (WeasyPrint's default, per document) reloads Fontconfig's list of the system's fonts and
    starts a new Pango font map with empty caches, so every document would look up and load its fonts
    again. Templates use system fonts only (no ``@font-face``), so nothing accumulates between documents.
    """
    config = getattr(_weasyprint, "font_config", None)
    if config is None:
        from weasyprint.text.fonts import FontConfiguration

        config = _weasyprint.font_config = FontConfiguration()
    return config


_gc_lock = threading.Lock()
_gc_pause = {"renders": 0, "was_enabled": True}


@contextmanager
def _gc_paused():
    """The cyclic garbage collector paused while WeasyPrint lays out and writes a document.

    A layout allocates hundreds of thousands of objects that live until the PDF is written (the document's
    boxes, which refer to each other); every young collection walks all of them again, and once they reach
    the oldest generation full collections start, which walk every object of the process, a worker's whole
    Django heap too (measured in the benchmark's process: 150-450 ms each, one or two per statement of 20
    violations, before the heap was kept out of them). Paused, nothing is walked during the render; the
    document's objects are freed by their reference counts when it is written, and what is cyclic garbage
    waits for the next collection: measured, the peak memory of a 200-row statement 213 -> 215 MB, and the
    render 517 -> 485 ms (20 rows: 87-91 -> 83-87 ms).

    Process-wide and counted: with several threads rendering, the collector resumes when the last render
    ends (and only if it was running before the first began). A gunicorn worker's heap, frozen once it is
    ready (portal/gunicorn_config.py), stays frozen.
    """
    with _gc_lock:
        if _gc_pause["renders"] == 0:
            _gc_pause["was_enabled"] = gc.isenabled()
            gc.disable()
        _gc_pause["renders"] += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pause["renders"] -= 1
            if _gc_pause["renders"] == 0 and _gc_pause["was_enabled"]:
                gc.enable()


BASE_PDF_CSS = Path(__file__).resolve().parent / "templates" / "services" / "documents" / "base_pdf.css"
_stylesheets: dict[Path, object] = {}


def _stylesheet(path: Path):
    """The CSS file at ``path``, parsed once per process (WeasyPrint's parsed sheets are only read afterwards)."""
    sheet = _stylesheets.get(path)
    if sheet is None:
        from weasyprint import CSS

        sheet = _stylesheets[path] = CSS(filename=str(path))
    return sheet


def render_pdf(*, template: str, context: dict, stylesheets: Sequence[Path] = ()) -> tuple[str, bytes]:
    """Render ``template`` to HTML and to a PDF (A4, fonts embedded). Returns both so tests can read the HTML."""
    html = render_to_string(template, context)
    return html, pdf_from_html(html, stylesheets=stylesheets)


def pdf_from_html(html: str, *, stylesheets: Sequence[Path] = ()) -> bytes:
    """The PDF of a page of the portal's PDF layout (base_pdf.html), as every issued document is made.

    The layout's style (BASE_PDF_CSS), then ``stylesheets`` (CSS files of a kind of document, later ones
    winning), apply under the page's own ``<style>``.
    """
    weasyprint_fixed()
    sheets = [_stylesheet(path) for path in (BASE_PDF_CSS, *stylesheets)]
    # base_url lets templates use {% static %}-free relative references safely; nothing is fetched remotely.
    with _gc_paused():
        return document_html()(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
            font_config=_font_config(), stylesheets=sheets
        )


def _summary_pairs(summary) -> list[list[str]]:
    if summary is None:
        return []
    if isinstance(summary, dict):
        summary = summary.items()
    elif isinstance(summary, str):
        return [["", summary]]
    return [[str(label), str(value)] for label, value in summary]


def document_issue(
    *,
    kind: str,
    template: str,
    context: dict,
    title,
    summary,
    owner_applicant=None,
    owner_organisation=None,
    application=None,
    language: str | None = None,
    state: str = "",
    stylesheets: Sequence[Path] = (),
) -> IssuedDocument:
    """Render, register and store one issued document.

    ``template`` extends ``services/documents/base_pdf.html`` (``stylesheets``: see render_pdf); it receives ``context`` plus ``document``
    (code, display_code, verify_url, qr, title, issued_at). ``summary`` (a dict or a list of
    (label, value) pairs) is what ``/verify/`` shows. The document is written in ``language``
    (default: the owner's language, else Arabic).

    ``state``: for a document that shows something which may change (a statement), a text that changes exactly
    when what the document shows changes. The same kind, owner, language and state return the document already
    issued (not laid out again: WeasyPrint's layout is the expensive part); a new state issues a new document.
    """
    language = (language or getattr(owner_applicant, "language", "") or "ar")[:2]
    state_key = _state_key(kind, owner_applicant, owner_organisation, language, state) if state else ""
    if state_key:
        existing = _valid_for_state(state_key)
        if existing is not None:
            return existing
    issued_at = timezone.now()
    with translation.override(language):
        title_text = str(title)
        pairs = _summary_pairs(summary)
        for _attempt in range(3):
            code = code_new()
            meta = {
                "code": code,
                "display_code": code_display(code),
                "verify_url": verify_url(code),
                "title": title_text,
                "issued_at": issued_at,
                "kind": kind,
                "language": language,
            }
            meta["qr"] = qr_data_uri(meta["verify_url"])
            _html, pdf = render_pdf(template=template, context={**context, "document": meta}, stylesheets=stylesheets)
            document = IssuedDocument(
                code=code,
                kind=kind,
                title=title_text[:200],
                summary=pairs,
                language=language,
                sha256=hashlib.sha256(pdf).hexdigest(),
                size=len(pdf),
                issued_at=issued_at,
                owner_applicant=owner_applicant,
                owner_organisation=owner_organisation,
                application=application,
                state_key=state_key,
            )
            document.pdf.save(f"{code}.pdf", ContentFile(pdf), save=False)
            try:
                with transaction.atomic():
                    document.save()
            except IntegrityError:
                document.pdf.delete(save=False)
                if state_key:
                    # Two requests for the same state at once: the first one's document is the one.
                    existing = _valid_for_state(state_key)
                    if existing is not None:
                        return existing
                # 75 random bits make a collision practically impossible; if one happens, pick again.
                if IssuedDocument.objects.filter(code=code).exists():
                    continue
                raise
            except Exception:
                # No row, no file: a PDF nobody can look up would stay in private storage for ever.
                document.pdf.delete(save=False)
                raise
            return document
    raise RuntimeError("could not allocate a unique verification code")


def _state_key(kind: str, owner_applicant, owner_organisation, language: str, state: str) -> str:
    parts = [kind, str(getattr(owner_applicant, "pk", "")), str(getattr(owner_organisation, "pk", "")), language, state]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _valid_for_state(state_key: str) -> IssuedDocument | None:
    """The document already issued for this state, if it still stands (a revoked one is issued anew)."""
    document = IssuedDocument.objects.filter(state_key=state_key).first()
    if document is None:
        return None
    if document.revoked_at is not None:
        # Free the state for a new document; the revoked one keeps its code, PDF and reason.
        IssuedDocument.objects.filter(pk=document.pk).update(state_key="")
        return None
    return document


def document_find(*, code: str) -> IssuedDocument | None:
    canonical = code_normalise(code)
    if canonical is None:
        return None
    return IssuedDocument.objects.filter(code=canonical).first()


def document_matches_pdf(*, document: IssuedDocument, data: bytes) -> bool:
    return secrets.compare_digest(hashlib.sha256(data).hexdigest(), document.sha256)


def document_revoke(*, document: IssuedDocument, reason: str) -> IssuedDocument:
    if not reason:
        raise ValueError("a revoked document needs a reason")
    IssuedDocument.objects.filter(pk=document.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_reason=reason[:300]
    )
    document.refresh_from_db()
    return document
