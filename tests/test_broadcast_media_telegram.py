"""Broadcasts with a photo or a document, end to end (SQLite and PostgreSQL): the officer composes over the
real python-telegram-bot against the stand-in Bot API, the delivery worker sends to producers on Telegram
and on Zalo (stand-in OA API). Each platform gets the bytes once; every other recipient is sent the
platform's own id for them, which is kept on the media row for other processes and after a restart; an
id the platform no longer knows falls back to the bytes; a blocked first recipient does not stop the rest."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select

from bot.app import App
from bot.broadcasts.media import check_file, store_media
from bot.broadcasts.operations import create_broadcast
from bot.broadcasts.source import BroadcastSource
from bot.channels.telegram import TelegramChannel
from bot.channels.zalo import ZaloChannel
from bot.core.http import HttpServer
from bot.core.messages import Purpose
from bot.core.outbox import enqueue, outbox_row
from bot.push_wiring import build_sources
from bot.pushes.delivery import DeliveryWorker
from bot.pushes.ratelimit import ChannelLimiter
from bot.zalo_setup import build_zalo_channel
from db.models import BroadcastMedia, OutboxMessage, utcnow
from tests.broadcast_files import pdf, photo
from tests.conftest import Database
from tests.fakes import FakeBotApi
from tests.fakes.zalo_api import FakeZaloApi
from tests.pushes_support import add_producer, add_producers, statuses
from tests.telegram_driver import TelegramUser, running_bot, stop_bot
from tests.zalo_driver import OA_SECRET

OFFICER = 4242
PRODUCERS = [600_001, 600_002, 600_003]
ZALO_USER = "2468458835296117922"
TEXT = "Hội chợ OCOP Đồng Tháp mở đăng ký đến 15/12, xem poster đính kèm."


@dataclass
class Stand:
    app: App
    api: FakeBotApi
    zapi: FakeZaloApi
    telegram: TelegramChannel
    zalo: ZaloChannel
    http: HttpServer

    def worker(self, source: BroadcastSource | None = None, concurrency: int = 16) -> DeliveryWorker:
        sources = build_sources(self.app)
        if source is not None:
            sources["broadcast"] = source
        limits = {name: ChannelLimiter(1000, 1000) for name in ("telegram", "zalo")}
        return DeliveryWorker(self.app.sessions, {"telegram": self.telegram, "zalo": self.zalo}, sources,
                              limiters=limits, concurrency=concurrency)

    def producer_sends(self) -> list[Any]:
        return [c for c in self.api.sent() if c.chat_id in PRODUCERS]

    def producer_uploads(self) -> list[Any]:
        return [c for c in self.api.uploads() if c.chat_id in PRODUCERS]


@pytest.fixture
async def stand(database: Database) -> AsyncIterator[Stand]:
    async with FakeBotApi() as api, FakeZaloApi() as zapi:
        app, telegram, http = await running_bot(
            database, api, officers=[f"telegram:{OFFICER}"], zalo_app_id=zapi.app_id,
            zalo_app_secret=zapi.app_secret, zalo_oa_secret=OA_SECRET, zalo_refresh_token=zapi.issue_refresh_token(),
            zalo_api_url=zapi.url, zalo_oauth_url=zapi.url)
        zalo = build_zalo_channel(app, http)  # sends only: its webhook is not started
        await add_producers(app.sessions, PRODUCERS)
        async with app.sessions() as session, session.begin():
            await add_producer(session, ZALO_USER, channel="zalo")
        try:
            yield Stand(app, api, zapi, telegram, zalo, http)
        finally:
            await zalo.client.close()
            await stop_bot(app, telegram, http)


def push_file(api: FakeBotApi, data: bytes, caption: str = "", *, document: str = "") -> None:
    """The officer sends a photo (or, with a file name, a document), as Telegram delivers it."""
    update = api.text_update(OFFICER, "x")
    message = update["message"]
    del message["text"]
    mime = "application/pdf" if document else "image/jpeg"
    file_id = api.add_file(data, document or "photo.jpg", mime)
    if document:
        message["document"] = {"file_id": file_id, "file_unique_id": "u-doc", "file_name": document,
                               "mime_type": mime, "file_size": len(data)}
    else:
        message["photo"] = [{"file_id": file_id, "file_unique_id": "u-photo", "width": 640, "height": 480,
                             "file_size": len(data)}]
    if caption:
        message["caption"] = caption
    api.push_raw(update)


async def compose(stand: Stand, data: bytes, caption: str, *, document: str = "", text: str = "") -> list[Any]:
    """Officer: new broadcast → file (→ text) → audience → preview → now → confirm. Returns the
    preview as the officer got it: the file, then what follows it (text, the question "when")."""
    officer = TelegramUser(stand.api, OFFICER)
    await officer.send("xin chào", "")
    stand.api.clear_calls()
    stand.api.push_callback(OFFICER, "broadcast:new")
    await officer._wait_reply("gửi kèm một ảnh")
    stand.api.clear_calls()
    push_file(stand.api, data, caption, document=document)
    if text:
        await officer._wait_reply("cần nội dung chữ")
        segment = await officer.send(text, "Số chủ thể sẽ nhận: 4")
    else:
        segment = await officer._wait_reply("Số chủ thể sẽ nhận: 4")
    assert "📎 Kèm" in segment.text
    when = await officer.press(segment, "Xem trước", "Khi nào gửi?")
    sends = stand.api.sent(OFFICER)
    [preview] = [c for c in sends if c.method in ("sendPhoto", "sendDocument")]
    confirm = await officer.press(when, "Gửi ngay", "Gửi thông báo tới 4 chủ thể")
    await officer.press(confirm, "Xác nhận gửi", "Đã lên lịch thông báo số 1 tới 4 chủ thể")
    return sends[sends.index(preview):]


async def remote_ids(app: App) -> dict[str, Any]:
    async with app.sessions() as session:
        return (await session.execute(select(BroadcastMedia.remote_ids))).scalar_one()


async def test_photo_with_caption_reaches_telegram_and_zalo_uploaded_once_per_platform(stand: Stand) -> None:
    data = photo()
    preview, question = await compose(stand, data, TEXT)
    assert "Khi nào gửi" in question.text
    assert preview.method == "sendPhoto" and preview.text == TEXT and preview.files["photo"][1] == data
    stand.api.clear_calls()
    source = BroadcastSource()
    await stand.worker(source).run_until_idle()
    assert await statuses(stand.app.sessions, "broadcast") == {"sent": 4}
    sends = stand.producer_sends()
    assert sorted(c.chat_id for c in sends) == PRODUCERS  # one message each: the photo with the caption
    assert {(c.method, c.text) for c in sends} == {("sendPhoto", TEXT)}
    [upload] = stand.producer_uploads()  # the bytes went to Telegram once; the others by its file id
    assert upload.files["photo"][1] == data
    file_id = upload.result["photo"][-1]["file_id"]
    assert sorted(c.params["photo"] for c in sends if c is not upload) == [file_id, file_id]
    assert stand.zapi.uploads == [("image", "photo.jpg", data)]
    attachment, text = stand.zapi.to(ZALO_USER)
    element = attachment.message["attachment"]["payload"]["elements"][0]
    assert element["attachment_id"] == stand.zapi.attachments.pop() and text.text == TEXT
    assert {c: v["id"] for c, v in (await remote_ids(stand.app)).items()} == {
        "telegram": file_id, "zalo": element["attachment_id"]}
    assert source.loads == 1  # the bytes were read from the database once for the broadcast


async def test_a_long_text_follows_the_photo_in_a_second_message(stand: Stand) -> None:
    long_text = "Thông báo về hội chợ. " * 60  # over Telegram's 1,024-character caption
    preview, text, _question = await compose(stand, photo(), "", text=long_text)
    assert not preview.text and text.text == long_text.strip()  # no caption: the text follows, as producers get it
    stand.api.clear_calls()
    await stand.worker().run_until_idle()
    for chat in PRODUCERS:
        photo_call, text_call = stand.api.sent(chat)
        assert (photo_call.method, photo_call.text or "") == ("sendPhoto", "")
        assert (text_call.method, text_call.text) == ("sendMessage", long_text.strip())
    assert len(stand.producer_uploads()) == 1
    async with stand.app.sessions() as session:
        rows = list((await session.execute(select(OutboxMessage).where(OutboxMessage.source == "broadcast"))).scalars())
    assert {(r.status, r.parts_done) for r in rows} == {("sent", 2)}


async def test_a_document_broadcast(stand: Stand) -> None:
    data = pdf()
    preview, _question = await compose(stand, data, "Giấy mời tập huấn OCOP", document="Giấy mời.pdf")
    assert preview.method == "sendDocument" and preview.files["document"] == ("Giấy mời.pdf", data)
    stand.api.clear_calls()
    await stand.worker().run_until_idle()
    sends = stand.producer_sends()
    assert {(c.method, c.text) for c in sends} == {("sendDocument", "Giấy mời tập huấn OCOP")} and len(sends) == 3
    [upload] = stand.producer_uploads()
    assert upload.files["document"] == ("Giấy mời.pdf", data)
    assert stand.zapi.uploads == [("file", "Giấy mời.pdf", data)]
    attachment, text = stand.zapi.to(ZALO_USER)
    assert attachment.message["attachment"]["type"] == "file" and text.text == "Giấy mời tập huấn OCOP"


async def broadcast_with_file(app: App, data: bytes, known: dict[str, Any] | None = None) -> int:
    async with app.sessions() as session, session.begin():
        media = await store_media(session, check_file(data, "poster.jpg"), created_by=None, remote_ids=known)
        broadcast = await create_broadcast(session, app.content, officer_id=None, text=TEXT, segment={},
                                           due_at=utcnow(), media={"id": media.id})
    return broadcast.id


async def test_ids_the_platforms_forgot_fall_back_to_the_bytes_and_the_new_ids_are_kept(stand: Stand) -> None:
    now = utcnow().isoformat()
    gone_telegram = stand.api.add_file(photo(), "old.jpg")
    stand.api.forget_file(gone_telegram)
    await broadcast_with_file(stand.app, photo(), {"telegram": {"id": gone_telegram, "at": now},
                                                   "zalo": {"id": "image-expired", "at": now}})
    await stand.worker(concurrency=1).run_until_idle()
    assert await statuses(stand.app.sessions, "broadcast") == {"sent": 4}
    refused = [c for c in stand.api.calls if c.method == "sendPhoto" and not c.ok]
    assert [c.status for c in refused] == [400]  # the forgotten id, once; then the bytes
    [upload] = stand.producer_uploads()
    new_id = upload.result["photo"][-1]["file_id"]
    assert [c.params["photo"] for c in stand.producer_sends() if c is not upload] == [new_id, new_id]
    assert len(stand.zapi.uploads) == 1 and len(stand.zapi.to(ZALO_USER)) == 2
    kept = await remote_ids(stand.app)
    assert kept["telegram"]["id"] == new_id and kept["zalo"]["id"] in stand.zapi.attachments


async def test_another_process_or_a_restart_sends_by_the_kept_ids_without_uploading(stand: Stand) -> None:
    broadcast_id = await broadcast_with_file(stand.app, photo())
    await stand.worker().run_until_idle()
    assert len(stand.producer_uploads()) == 1 and len(stand.zapi.uploads) == 1
    async with stand.app.sessions() as session, session.begin():  # two more recipients, for another process
        late = [await add_producer(session, 600_009), await add_producer(session, "zalo-late", channel="zalo")]
        media_id = (await session.execute(select(BroadcastMedia.id))).scalar_one()
        await enqueue(session, [outbox_row("broadcast", f"broadcast:{broadcast_id}", user, Purpose.BROADCAST,
                                           utcnow(), {"text": TEXT, "media": media_id}) for user in late])
    stand.api.clear_calls()
    await stand.worker(BroadcastSource()).run_until_idle()
    [late_send] = stand.api.sent(600_009)
    assert not late_send.files and late_send.params["photo"] == (await remote_ids(stand.app))["telegram"]["id"]
    assert len(stand.zapi.uploads) == 1 and len(stand.zapi.to("zalo-late")) == 2


async def test_a_blocked_first_recipient_passes_the_upload_to_the_next(stand: Stand) -> None:
    stand.api.blocked_chats.add(PRODUCERS[0])
    await broadcast_with_file(stand.app, photo())
    await stand.worker(concurrency=1).run_until_idle()
    assert await statuses(stand.app.sessions, "broadcast") == {"sent": 3, "blocked": 1}
    [upload] = stand.producer_uploads()
    assert upload.chat_id == PRODUCERS[1]
    [by_id] = [c for c in stand.producer_sends() if c is not upload]
    assert by_id.chat_id == PRODUCERS[2] and not by_id.files
