"""Reads the text back out of a PDF written by fpdf2 with embedded TrueType fonts, for tests.

No PDF reader is installed (no pypdf, no poppler), so this reads what fpdf2 writes: objects with
FlateDecode streams, Type0 fonts with Identity-H encoding and a ToUnicode CMap, and text shown with
`(…) Tj` (two bytes per glyph) after `/Fn size Tf`. It refuses anything else loudly rather than
returning an empty string, so a test built on it cannot pass by reading nothing.
"""

from __future__ import annotations

import re
import zlib

_OBJECT = re.compile(rb"(\d+) 0 obj(.*?)endobj", re.S)
_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)
_REF = r"/{key}\s+(\d+) 0 R"
_TOKEN = re.compile(rb"/(\w+)\s+[\d.]+\s+Tf|\(((?:\\.|[^\\)])*)\)\s*Tj|<([0-9A-Fa-f]*)>\s*Tj", re.S)
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


class PdfError(Exception):
    pass


def _objects(data: bytes) -> dict[int, bytes]:
    return {int(m.group(1)): m.group(2) for m in _OBJECT.finditer(data)}


def _stream(body: bytes) -> bytes:
    match = _STREAM.search(body)
    if match is None:
        raise PdfError("object has no stream")
    raw = match.group(1)
    return zlib.decompress(raw) if b"/FlateDecode" in body.split(b"stream")[0] else raw


def _ref(body: bytes, key: str) -> int:
    match = re.search(_REF.format(key=key).encode(), body)
    if match is None:
        raise PdfError(f"no /{key} reference")
    return int(match.group(1))


def _cmap(text: bytes) -> dict[int, str]:
    """CID → text from a ToUnicode CMap (bfchar and bfrange sections)."""
    mapping: dict[int, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", text, re.S):
        for src, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            mapping[int(src, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", text, re.S):
        for low, high, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            start = int(dst, 16)
            for offset, cid in enumerate(range(int(low, 16), int(high, 16) + 1)):
                mapping[cid] = chr(start + offset)
    return mapping


def _unescape(literal: bytes) -> bytes:
    out = bytearray()
    i = 0
    while i < len(literal):
        char = literal[i : i + 1]
        if char != b"\\":
            out += char
            i += 1
            continue
        following = literal[i + 1 : i + 2]
        octal = re.match(rb"[0-7]{1,3}", literal[i + 1 : i + 4])
        if octal:
            out.append(int(octal.group(0), 8) & 0xFF)
            i += 1 + len(octal.group(0))
        else:
            out += _ESCAPES.get(following, following)
            i += 2
    return bytes(out)


def _decode(raw: bytes, cmap: dict[int, str]) -> str:
    if len(raw) % 2:
        raise PdfError("odd byte count in a two-byte (Identity-H) string")
    return "".join(cmap.get(int.from_bytes(raw[i : i + 2], "big"), "\ufffd") for i in range(0, len(raw), 2))


def pdf_pages(data: bytes) -> list[str]:
    """The text of each page, one shown string per line, in drawing order."""
    if not data.startswith(b"%PDF"):
        raise PdfError("not a PDF")
    objects = _objects(data)
    pages = [(n, body) for n, body in sorted(objects.items()) if re.search(rb"/Type\s*/Page\b(?!s)", body)]
    if not pages:
        raise PdfError("no pages")
    texts = []
    for _, page in pages:
        resources = objects[_ref(page, "Resources")]
        fonts = {
            name.decode(): _cmap(_stream(objects[_ref(objects[int(ref)], "ToUnicode")]))
            for name, ref in re.findall(rb"/(F\d+)\s+(\d+) 0 R", resources)
        }
        content = _stream(objects[_ref(page, "Contents")])
        lines, cmap = [], None
        for match in _TOKEN.finditer(content):
            if match.group(1) is not None:
                cmap = fonts[match.group(1).decode()]
                continue
            if cmap is None:
                raise PdfError("text shown before any font was set")
            raw = _unescape(match.group(2)) if match.group(2) is not None else bytes.fromhex(match.group(3).decode())
            lines.append(_decode(raw, cmap))
        texts.append("\n".join(lines))
    return texts


def pdf_text(data: bytes) -> str:
    """All pages' text with runs of whitespace folded to one space (wrapped cell lines join up again)."""
    return " ".join(" ".join(pdf_pages(data)).split())
