"""Real files for the broadcast photo/document tests: JPEG and PNG photos made with Pillow (small, and
big enough to need re-encoding), a PDF, a DOCX and an XLSX (ZIP containers as Word and Excel write them)."""

from __future__ import annotations

import io
import random
import zipfile

from PIL import Image


def photo(width: int = 640, height: int = 480, fmt: str = "JPEG", noise: float = 0.1, seed: int = 1) -> bytes:
    """A gradient with some noise: noise 0.35 at 3000×2000 gives a JPEG of about 4.7 MB."""
    rng = random.Random(seed)
    image = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    image = Image.blend(image, Image.frombytes("RGB", (width, height), rng.randbytes(width * height * 3)), noise)
    if fmt == "PNG":
        image = image.convert("RGBA")
    buffer = io.BytesIO()
    image.save(buffer, fmt, **({"quality": 95} if fmt == "JPEG" else {}))
    return buffer.getvalue()


def big_photo() -> bytes:
    return photo(3000, 2000, noise=0.35)


def pdf(pages_of_padding: int = 0) -> bytes:
    body = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n" + b"%" + b"x" * pages_of_padding + b"\n%%EOF\n"
    return body


def office_zip(inner: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(inner, "<document/>")
    return buffer.getvalue()


def docx() -> bytes:
    return office_zip("word/document.xml")


def xlsx() -> bytes:
    return office_zip("xl/workbook.xml")


def legacy_doc(word: bool = True) -> bytes:
    """An OLE2 compound file; Word's has a "WordDocument" stream (its directory name in UTF-16)."""
    name = "WordDocument" if word else "Workbook"
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + name.encode("utf-16-le") + b"\x00" * 512
