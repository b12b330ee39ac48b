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


# --- what the private store holds, whichever it is (the disk or S3: issue 19) -------------------------------


def stored_names(folder: str = "") -> list[str]:
    """Every file name in the private store (under ``folder``)."""
    from django.core.files.storage import storages

    storage = storages["private"]

    def walk(path: str) -> list[str]:
        try:
            dirs, files = storage.listdir(path)
        except FileNotFoundError:
            return []
        names = [f"{path}/{f}" if path else f for f in files]
        for sub in dirs:
            names += walk(f"{path}/{sub}" if path else sub)
        return names

    return walk(folder)


def assert_stored_privately(name: str, data: bytes) -> None:
    """The file is in the private store with these bytes, and nobody reaches it without the portal: on the
    disk, outside the public media folder; on S3, an unsigned request for the object is refused."""
    import urllib.error
    import urllib.request
    from pathlib import Path

    from django.conf import settings
    from django.core.files.storage import storages

    from core.storage import is_object_store

    storage = storages["private"]
    with storage.open(name) as handle:
        assert handle.read() == data
    if is_object_store(storage):
        address = f"{storage.endpoint_url}/{storage.bucket_name}/{name}"
        try:
            urllib.request.urlopen(address, timeout=5)
        except urllib.error.HTTPError as error:
            assert error.code == 403, error.code
        else:
            raise AssertionError(f"{address} is readable without signing")
    else:
        path = Path(storage.path(name))
        assert path.is_relative_to(Path(storage.location))
        assert not path.is_relative_to(Path(settings.MEDIA_ROOT))
