"""Small real files for upload tests: a PNG sketch, a one-page PDF letter, and things that are neither."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw
from pypdf import PdfWriter


def png_bytes(width: int = 40, height: int = 30) -> bytes:
    image = Image.new("RGB", (width, height), "white")
    ImageDraw.Draw(image).line((0, 0, width, height), fill="black", width=2)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def sketch_png(name: str = "kroka.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def letter_pdf(name: str = "insurer-letter.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def text_as_pdf(name: str = "kroka.pdf") -> SimpleUploadedFile:
    """A text file wearing a PDF name and content type: refused by content."""
    return SimpleUploadedFile(name, b"this is not a sketch\n" * 10, content_type="application/pdf")


def program_as_png(name: str = "kroka.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"MZ\x90\x00" + b"\x00" * 200, content_type="image/png")
