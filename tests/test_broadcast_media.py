"""Photos and documents in broadcasts, without a platform: which files are accepted (type read from the
bytes, sizes, re-encoding a big photo under Zalo's 1 MB), and the chat flow on the console channel with
a stand-in download (the edge where a channel fetches a file) on SQLite and PostgreSQL: a file without a
caption asks for the text, going back loses nothing, a refused file changes nothing, taking the file off
deletes it, confirming gives the file to the broadcast and its outbox rows, history shows it."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import func, select

from bot.app import App
from bot.broadcasts.media import (
    DOC,
    DOCX,
    JPEG,
    PDF,
    PHOTO_SEND_LIMIT,
    MediaError,
    check_file,
    clean_name,
    store_media,
)
from bot.broadcasts.operations import create_broadcast
from bot.broadcasts.source import BroadcastSource
from bot.core import downloads
from bot.core.messages import FileRef, Kind, Outgoing, Purpose, Sent
from bot.pushes.delivery import DeliveryWorker
from bot.pushes.ratelimit import ChannelLimiter
from db.models import AuditEntry, Broadcast, BroadcastMedia, OutboxMessage
from tests.broadcast_files import big_photo, docx, legacy_doc, pdf, photo, xlsx
from tests.broadcast_support import seed
from tests.conftest import Database, make_settings
from tests.pushes_support import T0
from tests.test_broadcast import EVERYONE
from tests.transcript import Chat

# --- which files -----------------------------------------------------------------------------------------


def test_a_small_photo_is_kept_as_it_is() -> None:
    data = photo()
    file = check_file(data, "Hội chợ.jpeg")
    assert (file.mime, file.name, file.data, file.reencoded, file.is_image) == (JPEG, "Hội chợ.jpg", data, False, True)


def test_a_big_photo_is_re_encoded_under_one_megabyte_once() -> None:
    data = big_photo()
    assert len(data) > 4 * PHOTO_SEND_LIMIT
    file = check_file(data, "poster.png")  # the name said PNG; the bytes are a JPEG
    assert file.reencoded and file.mime == JPEG and file.name == "poster.jpg"
    assert file.size <= PHOTO_SEND_LIMIT
    with Image.open(io.BytesIO(file.data)) as image:
        assert image.format == "JPEG" and image.size[0] / image.size[1] == pytest.approx(1.5, rel=0.01)


def test_a_big_transparent_png_becomes_a_jpeg_on_white() -> None:
    data = photo(1400, 1000, fmt="PNG", noise=0.5)
    assert len(data) > PHOTO_SEND_LIMIT
    file = check_file(data, "logo.png")
    assert file.mime == JPEG and file.size <= PHOTO_SEND_LIMIT and file.name == "logo.jpg"


@pytest.mark.parametrize(("data", "mime", "name"), [
    (pdf(), PDF, "Ke hoach.pdf"), (docx(), DOCX, "Ke hoach.docx"), (legacy_doc(), DOC, "Ke hoach.doc"),
])
def test_pdf_and_word_documents_are_accepted(data: bytes, mime: str, name: str) -> None:
    file = check_file(data, "../../Ke hoach.bin")
    assert (file.mime, file.name, file.is_image, file.reencoded) == (mime, name, False, False)


@pytest.mark.parametrize(("data", "want", "code"), [
    (xlsx(), None, "wrong_type"),  # Zalo does not take spreadsheets
    (legacy_doc(word=False), None, "wrong_type"),  # an old Excel file looks like an old Word file but is not
    (b"just some text\n", None, "wrong_type"),
    (b"", None, "empty"),
    (pdf(), "photo", "wrong_type"),  # --photo given a PDF
    (photo(), "document", "wrong_type"),
    (b"\xff\xd8\xff" + b"garbage" * 100, None, "bad_image"),
    (photo(4200, 200), None, "bad_shape"),  # a ratio over 20: Telegram refuses it
    (b"\xff\xd8\xff" + b"0" * 10_000_000, None, "too_big"),  # over 10 MB: refused without decoding
    (pdf(pages_of_padding=5_000_001), None, "too_big"),  # over Zalo's 5 MB for files
])
def test_refused_files_say_why(data: bytes, want: str | None, code: str) -> None:
    with pytest.raises(MediaError) as refused:
        check_file(data, "x", want)
    assert refused.value.code == code


@pytest.mark.parametrize(("given", "mime", "expected"), [
    ("../../etc/passwd", PDF, "passwd.pdf"), ("C:\\Users\\cb\\Giấy mời.PDF", PDF, "Giấy mời.pdf"),
    ("", JPEG, "anh.jpg"), ("", PDF, "thong-bao.pdf"), ("a\x00b\nc.docx", DOCX, "a b c.docx"),
    ("x" * 300 + ".pdf", PDF, "x" * 90 + ".pdf"),
])
def test_file_names_are_cleaned(given: str, mime: str, expected: str) -> None:
    assert clean_name(given, mime) == expected


# --- the chat flow on the console, with a stand-in download -----------------------------------------------

FILES: dict[str, bytes] = {}


@pytest.fixture
async def officer_app(database: Database, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[App]:
    fetched: list[str] = []

    async def fetch(file_id: str) -> bytes:
        fetched.append(file_id)
        return FILES[file_id]

    monkeypatch.setitem(downloads._downloaders, "console", fetch)  # noqa: SLF001 - the channel's edge
    application = await App.create(make_settings(database, officers=["console:off1"]), db=database.engine(),
                                   clock=lambda: T0)
    application.extras["fetched"] = fetched
    yield application
    await application.close()


async def send_file(chat: Chat, data: bytes, name: str, caption: str = "", *, is_image: bool = True,
                    size: int = 0) -> None:
    file_id = f"file-{len(FILES)}"
    FILES[file_id] = data
    ref = FileRef(file_id, name, "image/jpeg" if is_image else "application/octet-stream", is_image, size)
    await chat._deliver(chat._inbound(Kind.FILE, text=caption, file=ref))  # noqa: SLF001


async def media_rows(app: App) -> list[BroadcastMedia]:
    async with app.sessions() as session:
        return list((await session.execute(select(BroadcastMedia).order_by(BroadcastMedia.id))).scalars())


async def officer(app: App) -> Chat:
    chat = Chat(app.engine, "off1")
    await chat.send("hi")
    await chat.press("broadcast:new")
    assert "gửi kèm một ảnh" in chat.text
    return chat


async def test_a_photo_without_caption_asks_for_the_text_and_nothing_is_lost_going_back(officer_app: App) -> None:
    await seed(officer_app.sessions, officer_app.content)
    chat = await officer(officer_app)
    await send_file(chat, photo(), "hoi-cho.jpg")
    assert "Đã nhận: 📎 Kèm ảnh: hoi-cho.jpg" in chat.text and "cần nội dung chữ" in chat.text
    await chat.send("Hội chợ OCOP mở đăng ký")
    assert chat.text.startswith("📎 Kèm ảnh: hoi-cho.jpg (") and "Số chủ thể sẽ nhận: 6" in chat.text
    await chat.click("Nhóm sản phẩm")
    await chat.click("Thực phẩm")
    await chat.click("Sửa nội dung")
    assert "Hội chợ OCOP mở đăng ký" in chat.text  # the text kept is shown
    await chat.click("Giữ nguyên")
    assert "Số chủ thể sẽ nhận: 4" in chat.text and "📎 Kèm ảnh" in chat.text  # filters and file kept
    await chat.click("Sửa nội dung")
    await chat.send("Hội chợ OCOP mở đăng ký đến 15/12")
    assert "Số chủ thể sẽ nhận: 4" in chat.text and "📎 Kèm ảnh" in chat.text
    await chat.click("Xem trước")
    assert chat.replies[1].attachment is not None and chat.replies[1].text == "Hội chợ OCOP mở đăng ký đến 15/12"
    assert chat.replies[1].attachment.data == photo()  # what producers get, byte for byte


async def test_a_caption_is_the_text_and_a_new_file_replaces_the_old(officer_app: App) -> None:
    chat = await officer(officer_app)
    await send_file(chat, photo(), "a.jpg", "Tập huấn ngày 5/12")
    assert "Số chủ thể sẽ nhận: 0" in chat.text and "📎 Kèm ảnh: a.jpg" in chat.text
    [first] = await media_rows(officer_app)
    await chat.click("Sửa nội dung")
    await send_file(chat, pdf(), "Giấy mời.pdf", is_image=False)  # no caption: the text stays
    assert "📎 Kèm tệp: Giấy mời.pdf" in chat.text and "Số chủ thể sẽ nhận" in chat.text
    [second] = await media_rows(officer_app)
    assert second.id != first.id and second.mime == PDF  # the replaced photo is gone
    await chat.click("Xem trước")
    assert chat.replies[1].text == "Tập huấn ngày 5/12" and chat.replies[1].attachment.name == "Giấy mời.pdf"


async def test_refused_files_change_nothing(officer_app: App) -> None:
    chat = await officer(officer_app)
    await chat.send("Thông báo lịch thẩm định")
    await chat.click("Sửa nội dung")
    await send_file(chat, xlsx(), "gia.xlsx", "Bảng giá", is_image=False)
    assert "Chỉ gửi kèm được ảnh JPG/PNG hoặc tài liệu PDF, Word" in chat.text
    await send_file(chat, photo(), "huge.jpg", size=25_000_000)  # the platform said the size: not even fetched
    assert "Tệp này 25.0 MB, quá lớn" in chat.text and "tối đa 10.0 MB" in chat.text
    await send_file(chat, b"\xff\xd8\xff broken", "broken.jpg")
    assert "Không đọc được ảnh này" in chat.text
    assert len(officer_app.extras["fetched"]) == 2
    assert await media_rows(officer_app) == []
    await chat.click("Giữ nguyên")
    await chat.click("Xem trước")
    assert chat.replies[1].text == "Thông báo lịch thẩm định" and chat.replies[1].attachment is None


async def test_a_big_photo_is_made_smaller_and_the_officer_is_told(officer_app: App) -> None:
    chat = await officer(officer_app)
    await send_file(chat, big_photo(), "poster.jpg", "Poster hội chợ")
    assert "đã được thu nhỏ còn" in chat.replies[0].text
    [row] = await media_rows(officer_app)
    assert row.size <= PHOTO_SEND_LIMIT and row.size == len(row.data) and row.mime == JPEG


async def test_taking_the_file_off_deletes_it(officer_app: App) -> None:
    chat = await officer(officer_app)
    await send_file(chat, photo(), "a.jpg")
    await chat.click("Bỏ ảnh/tệp")  # before any text: back to asking for it
    assert "gửi kèm một ảnh" in chat.text and await media_rows(officer_app) == []
    await send_file(chat, photo(), "b.jpg", "Có ảnh")
    await chat.click("Bỏ ảnh/tệp")
    assert "Số chủ thể sẽ nhận" in chat.text and "📎" not in chat.text
    assert await media_rows(officer_app) == []
    await chat.click("Xem trước")
    assert chat.replies[1].text == "Có ảnh" and chat.replies[1].attachment is None


async def test_confirming_gives_the_file_to_the_broadcast_its_rows_and_history(officer_app: App) -> None:
    await seed(officer_app.sessions, officer_app.content)
    chat = await officer(officer_app)
    await send_file(chat, pdf(), "Giấy mời.pdf", "Mời dự tập huấn", is_image=False)
    await chat.click("Xem trước")
    await chat.click("Gửi ngay")
    await chat.click("Xác nhận gửi")
    assert "Đã lên lịch thông báo số 1 tới 6 chủ thể" in chat.text
    async with officer_app.sessions() as session:
        broadcast = (await session.execute(select(Broadcast))).scalar_one()
        media = (await session.execute(select(BroadcastMedia))).scalar_one()
        rows = list((await session.execute(select(OutboxMessage))).scalars())
        entry = (await session.execute(select(AuditEntry))).scalar_one()
    assert broadcast.media == {"id": media.id, "name": "Giấy mời.pdf", "mime": PDF, "is_image": False,
                               "size": len(pdf())}
    assert media.broadcast_id == broadcast.id
    assert {r.data["media"] for r in rows} == {media.id} and len(rows) == 6
    assert entry.details["media"] == {"name": "Giấy mời.pdf", "mime": PDF, "size": len(pdf())}
    await chat.press("broadcast:history")
    assert "📄 Mời dự tập huấn" in chat.text
    await chat.press(f"broadcast:show:{broadcast.id}")
    assert "📎 Kèm tệp: Giấy mời.pdf" in chat.text


async def test_a_file_removed_before_confirming_creates_nothing(officer_app: App) -> None:
    chat = await officer(officer_app)
    await send_file(chat, photo(), "a.jpg", "Có ảnh")
    await chat.click("Xem trước")
    await chat.click("Gửi ngay")
    async with officer_app.sessions() as session, session.begin():  # as the two-day clean-up would
        await session.execute(BroadcastMedia.__table__.delete())
    await chat.click("Xác nhận gửi")
    assert "không còn được lưu" in chat.text and "Số chủ thể sẽ nhận" in chat.text
    async with officer_app.sessions() as session:
        assert (await session.execute(select(func.count()).select_from(Broadcast))).scalar_one() == 0
    await chat.click("Xem trước")  # the text and the audience are still there, without the file
    assert chat.replies[1].text == "Có ảnh" and chat.replies[1].attachment is None


@dataclass
class SlowChannel:
    """A channel that gives no platform id back (like the console): sends overlap, none waits for another."""

    name: str = "console"
    in_flight: int = 0
    most_in_flight: int = 0
    got: list[tuple[str, str, bytes]] = field(default_factory=list)

    async def send(self, user_id: str, message: Outgoing, purpose: Purpose = Purpose.REPLY) -> Sent:
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        await asyncio.sleep(0.1)
        self.in_flight -= 1
        self.got.append((user_id, message.text, message.attachment.data if message.attachment else b""))
        return Sent(message_id=str(len(self.got)))


async def test_a_channel_without_file_ids_sends_in_parallel_and_reads_the_file_once(officer_app: App) -> None:
    await seed(officer_app.sessions, officer_app.content)
    async with officer_app.sessions() as session, session.begin():
        media = await store_media(session, check_file(photo(), "a.jpg"), created_by=None, now=T0)
        await create_broadcast(session, officer_app.content, officer_id=None, text="Có ảnh", segment={},
                               due_at=T0, media={"id": media.id}, now=T0)
    channel, source = SlowChannel(), BroadcastSource()
    await DeliveryWorker(officer_app.sessions, {"console": channel}, {"broadcast": source}, clock=lambda: T0,
                         limiters={"console": ChannelLimiter(100, 100)}).run_until_idle()
    assert sorted(user for user, *_ in channel.got) == sorted(EVERYONE)
    assert {(text, data) for _user, text, data in channel.got} == {("Có ảnh", photo())}  # one message each
    assert channel.most_in_flight > 1 and source.loads == 1


async def test_files_of_drafts_abandoned_two_days_ago_are_removed(officer_app: App) -> None:
    async with officer_app.sessions() as session, session.begin():
        old = await store_media(session, check_file(pdf(), "old.pdf"), created_by=None, now=T0 - timedelta(days=3))
        kept = await store_media(session, check_file(pdf(), "recent.pdf"), created_by=None, now=T0 - timedelta(days=1))
        used = await store_media(session, check_file(pdf(), "used.pdf"), created_by=None, now=T0 - timedelta(days=9))
        await create_broadcast(session, officer_app.content, officer_id=None, text="x", segment={}, due_at=T0,
                               media={"id": used.id}, now=T0 - timedelta(days=9))
        await store_media(session, check_file(pdf(), "new.pdf"), created_by=None, now=T0)
    assert [m.name for m in await media_rows(officer_app)] == ["recent.pdf", "used.pdf", "new.pdf"]
    assert old.id not in {m.id for m in await media_rows(officer_app)} and kept.id
