"""The photo or document of an officer's broadcast: which files are accepted, and keeping them.

One set of rules for every channel, because one broadcast reaches producers on several platforms and a
file one of them refuses would silently miss its producers. The strictest platform decides:
- photos: JPEG or PNG, up to 10 MB as sent to us (Telegram's sendPhoto limit). Zalo takes images up to
  1 MB (`/v2.0/oa/upload/image`, JPG/PNG; UNCONFIRMED: third-party SDK docs, not Zalo's own page), so a
  bigger photo is re-encoded once, here, to a JPEG under 1 MB: what the preview shows is what everyone gets.
- documents: PDF, DOCX or DOC, up to 5 MB (Zalo `/v2.0/oa/upload/file`; same UNCONFIRMED source).
  Telegram would take 50 MB (20 MB for a bot to download), and spreadsheets: XLSX is left out because
  Zalo is said not to take it. Change the tables below when Zalo's own page says otherwise.
The type is read from the bytes, not from the file name or the sender's MIME type.

The bytes live in the database (table broadcast_media), never in the conversation state, which keeps
only the row id and a description. Rows of broadcasts never confirmed are removed after two days.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from hashlib import sha256
from pathlib import Path, PurePath
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import BroadcastMedia, utcnow

MB = 1_000_000  # decimal megabytes: a little under the platforms' binary ones, on the safe side
PHOTO_LIMIT = 10 * MB  # what we accept from the officer (Telegram sendPhoto: 10 MB)
PHOTO_SEND_LIMIT = 1 * MB  # what we send (Zalo image upload: 1 MB, UNCONFIRMED); bigger ones are re-encoded
DOCUMENT_LIMIT = 5 * MB  # Zalo file upload: 5 MB, UNCONFIRMED (Telegram: 50 MB)
MAX_PIXELS = 50_000_000  # a bigger image is refused before decoding (memory)
MAX_RATIO = 20  # Telegram refuses photos whose long side is over 20 times the short one
MAX_SIDES = 10_000  # ... and photos whose width and height add up to more
JPEG, PNG = "image/jpeg", "image/png"
PDF, DOC = "application/pdf", "application/msword"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EXTENSIONS = {JPEG: ".jpg", PNG: ".png", PDF: ".pdf", DOCX: ".docx", DOC: ".doc"}
PHOTO_TYPES = (JPEG, PNG)
DOCUMENT_TYPES = (PDF, DOCX, DOC)
ABANDONED_AFTER = timedelta(days=2)  # a file sent while composing a broadcast never confirmed
_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\]+")


class MediaError(Exception):
    """A file that cannot go with a broadcast; `code` picks the officer's message, `values` fill it."""

    def __init__(self, code: str, detail: str, **values: Any) -> None:
        self.code = code
        self.values = values
        super().__init__(detail)


@dataclass(frozen=True)
class MediaFile:
    """A checked file, ready to store: what producers will get."""

    name: str
    mime: str
    data: bytes
    reencoded: bool = False  # a photo made smaller than the officer's: a platform id of the original is not it

    @property
    def is_image(self) -> bool:
        return self.mime in PHOTO_TYPES

    @property
    def size(self) -> int:
        return len(self.data)


def size_text(size: int) -> str:
    """1.2 MB, 340 KB: for messages and the command line (digits only, no words to translate)."""
    return f"{size / MB:.1f} MB" if size >= MB else f"{max(1, round(size / 1000))} KB"


def limit_for(kind: str) -> int:
    return PHOTO_LIMIT if kind == "photo" else DOCUMENT_LIMIT


def sniff(data: bytes) -> str:
    """The MIME type the bytes really are (one of EXTENSIONS), or "" for anything else."""
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                return DOCX if "word/document.xml" in archive.namelist() else ""
        except zipfile.BadZipFile:
            return ""
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):  # OLE2: Word, but also Excel and PowerPoint
        return DOC if "WordDocument".encode("utf-16-le") in data else ""
    return ""


def clean_name(name: str, mime: str) -> str:
    """The file name producers see: no folders or control characters, at most 100 characters, and the
    extension of what the file really is."""
    stem = _UNSAFE.sub(" ", PurePath(name.replace("\\", "/")).name).strip(" .")
    stem = stem[: -len(PurePath(stem).suffix)] if PurePath(stem).suffix else stem
    stem = stem.strip(" .")[:90] or ("anh" if mime in PHOTO_TYPES else "thong-bao")
    return stem + EXTENSIONS[mime]


def check_file(data: bytes, name: str, want: str | None = None) -> MediaFile:
    """The file as producers will get it, or MediaError. `want`: "photo" or "document" when the
    officer said which (the CLI), else the bytes decide. May re-encode a photo: run it in a thread."""
    if not data:
        raise MediaError("empty", "the file is empty")
    mime = sniff(data)
    kind = "photo" if mime in PHOTO_TYPES else "document" if mime in DOCUMENT_TYPES else ""
    if not kind or (want and want != kind):
        allowed = "JPG or PNG" if want == "photo" else "PDF, DOCX or DOC" if want == "document" else \
            "a JPG/PNG photo or a PDF/DOCX/DOC document"
        raise MediaError("wrong_type", f"{name or 'the file'} is not {allowed}", kind=want or "")
    if len(data) > limit_for(kind):
        raise MediaError("too_big", f"{name or 'the file'} is {size_text(len(data))}; a broadcast {kind} "
                         f"may be at most {size_text(limit_for(kind))}", size=size_text(len(data)),
                         limit=size_text(limit_for(kind)), kind=kind)
    if kind == "document":
        return MediaFile(clean_name(name, mime), mime, data)
    return _checked_photo(data, name, mime)


def read_file(path: str, kind: str) -> MediaFile:
    """A file named on the command line, checked like one sent in chat (size before reading it)."""
    file = Path(path)
    if not file.is_file():
        raise MediaError("missing", f"--{kind} {path}: no such file")
    size = file.stat().st_size
    if size > limit_for(kind):
        raise MediaError("too_big", f"--{kind} {file.name} is {size_text(size)}; a broadcast {kind} may be at most "
                         f"{size_text(limit_for(kind))}", size=size_text(size), limit=size_text(limit_for(kind)))
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise MediaError("missing", f"--{kind} {path}: cannot be read ({exc.strerror})") from None
    return check_file(data, file.name, want=kind)


def _checked_photo(data: bytes, name: str, mime: str) -> MediaFile:
    from PIL import Image, ImageOps, UnidentifiedImageError

    bad = MediaError("bad_image", f"{name or 'the photo'} cannot be read as an image")
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            if width * height > MAX_PIXELS or min(width, height) < 1:
                raise bad
            if max(width, height) > MAX_RATIO * min(width, height):
                raise MediaError("bad_shape", f"{name or 'the photo'} is {width}×{height}: too long and "
                                 f"thin (Telegram refuses a side ratio over {MAX_RATIO})")
            if len(data) <= PHOTO_SEND_LIMIT and width + height <= MAX_SIDES:
                image.verify()  # a truncated or corrupt file fails here rather than at every recipient
                return MediaFile(clean_name(name, mime), mime, data)
            image = ImageOps.exif_transpose(image)
            if image.mode not in ("RGB", "L"):  # transparency becomes white, as JPEG has none
                background = Image.new("RGB", image.size, "white")
                background.paste(image.convert("RGBA"), mask=image.convert("RGBA").getchannel("A"))
                image = background
            for side, quality in ((2560, 85), (2048, 85), (1600, 80), (1280, 75), (1024, 70), (800, 65)):
                smaller = image.copy()
                smaller.thumbnail((side, side))
                buffer = io.BytesIO()
                smaller.convert("RGB").save(buffer, "JPEG", quality=quality, optimize=True)
                if buffer.tell() <= PHOTO_SEND_LIMIT:
                    return MediaFile(clean_name(name, JPEG), JPEG, buffer.getvalue(), reencoded=True)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise bad from None
    raise bad


# --- storage -----------------------------------------------------------------------------------------------


async def store_media(session: AsyncSession, file: MediaFile, *, created_by: int | None,
                      remote_ids: dict[str, Any] | None = None, now: datetime | None = None) -> BroadcastMedia:
    """Keep the file until its broadcast is confirmed (and after, for history); drop files of
    broadcasts abandoned more than two days ago. `remote_ids`: platform ids already known for these
    exact bytes (the officer's own Telegram upload)."""
    now = now or utcnow()
    await session.execute(delete(BroadcastMedia).where(BroadcastMedia.broadcast_id.is_(None),
                                                       BroadcastMedia.created_at < now - ABANDONED_AFTER))
    row = BroadcastMedia(created_by=created_by, name=file.name, mime=file.mime, is_image=file.is_image,
                         size=file.size, sha256=sha256(file.data).hexdigest(), data=file.data,
                         remote_ids=remote_ids or {}, created_at=now)
    session.add(row)
    await session.flush()
    return row


def media_info(row: BroadcastMedia) -> dict[str, Any]:
    """What the conversation state and Broadcast.media keep of a file: never the bytes."""
    return {"id": row.id, "name": row.name, "mime": row.mime, "is_image": row.is_image, "size": row.size}


async def discard_media(session: AsyncSession, media_id: int) -> None:
    """Remove a file the officer replaced or took off a broadcast not confirmed yet."""
    await session.execute(delete(BroadcastMedia).where(BroadcastMedia.id == media_id,
                                                       BroadcastMedia.broadcast_id.is_(None)))


async def load_media(session: AsyncSession, media_id: int) -> BroadcastMedia | None:
    return await session.get(BroadcastMedia, media_id)


async def remember_remote_id(session: AsyncSession, media_id: int, channel: str, remote_id: str,
                             now: datetime | None = None) -> None:
    """Keep a platform's id for the file (row-locked on PostgreSQL: two channels may write at once)."""
    query = select(BroadcastMedia).where(BroadcastMedia.id == media_id).with_for_update()
    row = (await session.execute(query)).scalar_one_or_none()
    if row is not None:
        at = (now or utcnow()).isoformat()
        row.remote_ids = {**(row.remote_ids or {}), channel: {"id": remote_id, "at": at}}


def describe_media(media: dict[str, Any]) -> str:
    """"photo poster.jpg (240 KB)" for the command line and logs."""
    kind = "photo" if media.get("is_image") else "document"
    return f"{kind} {media.get('name', '')} ({size_text(int(media.get('size', 0)))})"
