"""Files people give the portal: checked by what they contain, stored privately under random names.

The name and the browser's content type are never trusted: the first bytes decide the type, and the
file is then parsed (Pillow for images, pypdf for PDFs) so that a damaged or disguised file is refused
with a reason the person can act on.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.functional import lazy
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from services.models import Upload

# Short names callers use in ``allowed``, and what each is.
KINDS = {
    "pdf": ("application/pdf", "PDF"),
    "jpeg": ("image/jpeg", "JPEG"),
    "png": ("image/png", "PNG"),
}
DEFAULT_ALLOWED = ("pdf", "jpeg", "png")

# Things people send by mistake, named in the refusal so they know what went wrong.
_LOOKS_LIKE = [
    (b"MZ", _("a Windows program")),
    (b"\x7fELF", _("a program")),
    (b"PK\x03\x04", _("a ZIP archive or an Office document")),
    (b"\xd0\xcf\x11\xe0", _("an old Office document")),
    (b"GIF8", _("a GIF image")),
    (b"RIFF", _("a WEBP image or a media file")),
    (b"Rar!", _("a RAR archive")),
]


@dataclass(frozen=True)
class CheckedFile:
    kind: str  # "pdf" | "jpeg" | "png"
    content_type: str
    size: int
    sha256: str
    data: bytes


def _sniff(head: bytes) -> str | None:
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    return None


def _looks_like(head: bytes):
    for magic, name in _LOOKS_LIKE:
        if head.startswith(magic):
            return name
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html", b"<script", b"<svg", b"<?xml", b"<")):
        return _("a web page or markup")
    if b"\x00" not in head[:512]:
        return _("a text file")
    return None


def _lazy_str(func, *args):
    # Params are formatted when the message is shown, in the language active then (like the message).
    return lazy(func, str)(*args)


def _allowed_names(allowed) -> str:
    names = [KINDS[k][1] for k in allowed]
    if len(names) == 1:
        return names[0]
    return _("%(first)s or %(last)s") % {"first": pgettext("list separator", ", ").join(names[:-1]), "last": names[-1]}


def _read(file) -> bytes:
    if hasattr(file, "seek"):
        file.seek(0)
    data = b"".join(file.chunks()) if hasattr(file, "chunks") else file.read()
    if hasattr(file, "seek"):
        file.seek(0)
    return data


def upload_check(*, file, allowed=DEFAULT_ALLOWED) -> CheckedFile:
    """Check ``file`` by content; raise ValidationError with a translated reason, else describe it."""
    unknown = set(allowed) - set(KINDS)
    if unknown:
        raise ValueError(f"unknown upload kinds: {sorted(unknown)}")
    limit = settings.UPLOAD_MAX_BYTES
    declared = getattr(file, "size", None)
    if declared is not None and declared > limit:
        raise _too_large(declared, limit)
    data = _read(file)
    if len(data) > limit:
        raise _too_large(len(data), limit)
    if not data:
        raise ValidationError(_("The file is empty."), code="empty")

    head = data[:1024]
    kind = _sniff(head)
    if kind is None or kind not in allowed:
        what = KINDS[kind][1] if kind else _looks_like(head)
        params = {"allowed": _lazy_str(_allowed_names, allowed), "what": what}
        if what:
            message = _("Only %(allowed)s files are accepted; this file is %(what)s.")
        else:
            message = _("Only %(allowed)s files are accepted; the content of this file is not one of them.")
        raise ValidationError(message, code="type", params=params)

    if kind == "pdf":
        _parse_pdf(data)
    else:
        _parse_image(data, kind)
    return CheckedFile(
        kind=kind,
        content_type=KINDS[kind][0],
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
    )


def _too_large(size: int, limit: int) -> ValidationError:
    return ValidationError(
        _("The file is too large (%(size)s); the limit is %(limit)s."),
        code="too_large",
        params={"size": _lazy_str(filesizeformat, size), "limit": _lazy_str(filesizeformat, limit)},
    )


def _parse_image(data: bytes, kind: str) -> None:
    from PIL import Image

    damaged = ValidationError(
        _("The image is damaged or incomplete; please scan or photograph it again."), code="damaged"
    )
    try:
        with warnings.catch_warnings():
            # A decompression bomb (a tiny file claiming a gigantic picture) is an error, not a warning.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                image.verify()
            # verify() checks the structure; loading decodes the pixels and catches truncated files.
            with Image.open(io.BytesIO(data)) as image:
                if image.format != kind.upper():
                    raise damaged
                image.load()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(_("The image is too large in pixels."), code="too_many_pixels") from None
    except Exception:
        raise damaged from None


def _parse_pdf(data: bytes) -> None:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    damaged = ValidationError(_("The PDF file is damaged and cannot be opened."), code="damaged")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise ValidationError(
                _("The PDF file is protected by a password; please upload it without protection."), code="encrypted"
            )
        if len(reader.pages) == 0:
            raise ValidationError(_("The PDF file has no pages."), code="no_pages")
        if _pdf_has_active_content(reader, data):
            raise ValidationError(
                _(
                    "The PDF file contains scripts or attached files, which are not accepted. "
                    "Print or scan it to a new PDF and upload that."
                ),
                code="active_content",
            )
    except ValidationError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError, OSError):
        raise damaged from None


# Names that make a PDF act (scripts, launching programs, forms that post) or carry other files.
_PDF_ACTIVE_NAMES = frozenset(
    {"/JS", "/JavaScript", "/Launch", "/EmbeddedFile", "/EmbeddedFiles", "/RichMedia", "/XFA", "/SubmitForm"}
    | {"/ImportData", "/GoToE"}
)
# The longer names also as raw bytes, for objects pypdf's view of the file does not reach (short ones
# such as /JS would turn up by chance in megabytes of compressed image data).
_PDF_ACTIVE_RE = re.compile(rb"/(?:JavaScript|Launch|EmbeddedFiles?|RichMedia)(?![A-Za-z0-9#])")
_PDF_MAX_OBJECTS = 200_000


def _pdf_has_active_content(reader, data: bytes) -> bool:
    """Whether the PDF carries JavaScript, launch actions, embedded files or XFA forms.

    Scanned letters and sketches need none of these; they are how PDFs carry malware. The walk starts
    at the trailer and follows every reference (object streams included, where a byte scan sees
    nothing); names are compared decoded, so ``/J#61vaScript`` is caught too.
    """
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    if _PDF_ACTIVE_RE.search(data):
        return True
    seen: set[tuple[int, int]] = set()
    stack = [reader.trailer]
    visited = 0
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            key = (obj.idnum, obj.generation)
            if key in seen:
                continue
            seen.add(key)
            obj = obj.get_object()
        visited += 1
        if visited > _PDF_MAX_OBJECTS:
            # Nothing a person scans has this many objects: too complex to vouch for.
            return True
        if isinstance(obj, DictionaryObject):
            for name, value in obj.items():
                if name in _PDF_ACTIVE_NAMES:
                    return True
                if name == "/S" and isinstance(value, NameObject) and value in _PDF_ACTIVE_NAMES:
                    return True
                if name == "/Parent":
                    continue  # the page tree is reached from /Root already
                stack.append(value)
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)
    return False


_EXTENSIONS = {"pdf": {".pdf"}, "jpeg": {".jpg", ".jpeg", ".jpe"}, "png": {".png"}}


def _clean_original_name(name: str, kind: str) -> str:
    base = os.path.basename((name or "").replace("\\", "/")).strip()
    stem, ext = os.path.splitext(base)
    stem = stem[:150] or "file"
    # Keep the person's name for display/download, but with an extension that matches the content.
    ext = {"pdf": ".pdf", "jpeg": ".jpg", "png": ".png"}[kind] if ext.lower() not in _EXTENSIONS[kind] else ext
    return f"{stem}{ext}"


def upload_store(*, file, kind: str, applicant, organisation=None, allowed=DEFAULT_ALLOWED) -> Upload:
    """Check ``file`` by content and store it privately for the party (applicant, organisation)."""
    checked = upload_check(file=file, allowed=allowed)
    original = _clean_original_name(getattr(file, "name", ""), checked.kind)
    upload = Upload(
        applicant=applicant,
        organisation=organisation,
        kind=kind,
        original_name=original,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
    )
    upload.file.save(get_valid_filename(original) or "file", ContentFile(checked.data), save=False)
    try:
        with transaction.atomic():
            upload.save()
    except Exception:
        # No row, no file: an orphan in private storage would never be cleaned up.
        upload.file.delete(save=False)
        raise
    return upload
