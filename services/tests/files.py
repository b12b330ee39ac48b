"""Real files of each kind, made in memory, for upload tests."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile


def png_bytes(size=(40, 30), color=(11, 93, 59)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg_bytes(size=(40, 30)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 180, 20)).save(buffer, format="JPEG", quality=80)
    return buffer.getvalue()


def pdf_bytes(*, password: str | None = None) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if password:
        writer.encrypt(password)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def uploaded(name: str, data: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def pdf_with_javascript_bytes(*, escaped: bool = False) -> bytes:
    """A one-page PDF that runs a script when opened (the way malware travels in PDFs).

    ``escaped`` spells the action's name ``/J#61vaScript``, which PDF readers decode to
    ``/JavaScript`` but a search of the bytes does not find.
    """
    from pypdf import PdfWriter
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    script = TextStringObject("beepbeep")
    action = DictionaryObject({NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): script})
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    buffer = io.BytesIO()
    writer.write(buffer)
    data = buffer.getvalue()
    if escaped:
        # Two bytes longer, two bytes shorter, in the same object: the cross-reference offsets still hold.
        data = data.replace(b"/JavaScript", b"/J#61vaScript").replace(b"(beepbeep)", b"(beepbe)")
    return data


def pdf_with_attachment_bytes() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_attachment("invoice.exe", b"MZ\x90\x00 not really a program")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
