"""Evidence over the real python-telegram-bot against the stand-in Bot API (getFile and the file download
served by tests/fakes/telegram_api.py), SQLite and PostgreSQL: chosen by button, sent as a photo or a
document, stored, listed, replaced, removed; a wrong type, a too-big file and a file outside an evidence step
store nothing; the dossier ZIP (Mẫu 01, Mẫu 02 with Phần III, the evidence in appendix order) comes back as
a document; "delete my data" removes the files."""

from __future__ import annotations

import io
import random
import re
import zipfile
from typing import Any

import aiohttp
from sqlalchemy import func, select

from bot.app import App
from db.evidence import add_evidence
from db.models import Assessment, EvidenceUpload, User
from tests.assessment_helpers import RULES, SET, all_top
from tests.broadcast_files import pdf, photo
from tests.conftest import Database
from tests.fakes import FakeBotApi
from tests.telegram_driver import (
    USER,
    TelegramUser,
    keyboard_labels,
    payload_for,
    running_bot,
    stop_bot,
    walk_onboarding,
)
from tests.test_forms_render import docx_line, docx_text, in_order


class Producer(TelegramUser):
    """A Telegram producer who also presses the buttons of the last message and sends files."""

    last: Any = None

    async def at(self, call: Any) -> Any:
        self.last = call
        return call

    async def click(self, label: str, expect: str) -> Any:
        return await self.at(await self.press(self.last, label, expect))

    async def callback(self, data: str, expect: str) -> Any:
        self.api.clear_calls()
        self.api.push_callback(self.user_id, data)
        return await self.at(await self._wait_reply(expect))

    async def send_file(self, data: bytes, expect: str, *, document: str = "", mime: str = "", size: int | None = None) -> Any:
        """A photo (or, with a file name, a document) as Telegram delivers it; `size` is what Telegram reports."""
        self.api.clear_calls()
        update = self.api.text_update(self.user_id, "x")
        message = update["message"]
        del message["text"]
        file_id = self.api.add_file(data, document or "photo.jpg", mime or ("application/pdf" if document else "image/jpeg"))
        if document:
            message["document"] = {"file_id": file_id, "file_unique_id": f"u-{file_id}", "file_name": document,
                                   "mime_type": mime or "application/pdf", "file_size": size or len(data)}
        else:
            message["photo"] = [{"file_id": file_id, "file_unique_id": f"u-{file_id}", "width": 640, "height": 480,
                                 "file_size": size or len(data)}]
        self.api.push_raw(update)
        return await self.at(await self._wait_reply(expect))

    async def document_reply(self, ending: str) -> Any:
        def arrived(call: Any) -> bool:
            name = (call.result or {}).get("document", {}).get("file_name", "") if call.ok else ""
            return call.chat_id == self.user_id and name.endswith(ending)

        return await self.api.wait_for(arrived, method="sendDocument", timeout=30)


async def stored(app: App) -> list[tuple[str, str, int]]:
    async with app.sessions() as session:
        rows = (await session.execute(select(EvidenceUpload).order_by(EvidenceUpload.id))).scalars()
        return [(r.target, r.mime, r.size) for r in rows]


async def finished_assessment(app: App, channel_user_id: str, channel: str = "telegram") -> None:
    """A finished self-assessment of set I.3.c at its top options (the chat walk is tests/test_dossier_forms.py)."""
    sheet = app.content.criteria.sheet(RULES, SET)
    assert sheet is not None
    async with app.sessions() as session, session.begin():
        user = (await session.execute(select(User).where(User.channel == channel,
                                                         User.channel_user_id == channel_user_id))).scalar_one()
        session.add(Assessment(user_id=user.id, rule_set=RULES, product_set=SET, answers=all_top(sheet), status="done",
                               total=100, stars=5, finished_at=user.created_at))


async def test_evidence_stored_listed_replaced_bundled_and_deleted(database: Database) -> None:
    async with FakeBotApi() as api:
        app, channel, http = await running_bot(database, api, evidence_max_file_bytes=300_000)
        try:
            user = Producer(api)
            await walk_onboarding(user, "sa dec")
            await finished_assessment(app, str(USER))
            await user.callback("dossier:open", "loại hồ sơ nào")
            await user.click("Gửi tài liệu minh chứng", "Tài liệu minh chứng theo từng mục")
            assert "⬜ 1. Giấy đăng ký kinh doanh" in user.last.text
            assert "Trang 1/6" in user.last.text  # 15 guidance-table topics, then the score sheet's criteria
            await user.click("⬜ 1", "Chưa có tệp nào")
            await user.send_file(photo(), "Đã lưu tệp")
            assert "anh-" in user.last.text
            assert [(t, m) for t, m, _ in await stored(app)] == [("t:dang-ky-kinh-doanh", "image/jpeg")]

            # a wrong type and a too-big file: a clear answer, nothing stored
            await user.send_file(b"just some notes", "không phải ảnh", document="notes.txt", mime="text/plain")
            await user.send_file(pdf(400_000), "lớn hơn giới hạn", document="scan.pdf")
            assert len(await stored(app)) == 1

            # replace the photo with a PDF, then add a second file and remove it
            await user.click("Quay lại mục", "Giấy đăng ký kinh doanh")
            await user.click("Thay 1", "tệp cũ sẽ được thay")
            await user.send_file(pdf(), "Đã thay tệp", document="giay-dkkd.pdf")
            assert [(t, m) for t, m, _ in await stored(app)] == [("t:dang-ky-kinh-doanh", "application/pdf")]
            await user.send_file(photo(seed=2), "Đã lưu tệp")
            await user.click("Xoá 2", "Đã xoá tệp")
            assert len(await stored(app)) == 1

            # another item, then the list shows which items have evidence
            await user.click("Danh sách mục", "Tài liệu minh chứng")
            await user.click("⬜ 2", "Giấy chứng nhận cơ sở đủ điều kiện sản xuất")
            await user.send_file(photo(seed=3), "Đã lưu tệp")
            await user.click("Danh sách mục", "đã lưu 2/40 tệp")
            assert "✅ 1" in keyboard_labels(user.last) and "✅ 2" in keyboard_labels(user.last)

            # a file sent outside an evidence step
            await user.callback("menu:open", "")
            await user.send_file(photo(seed=4), "chưa được lưu")
            assert len(await stored(app)) == 2

            # Mẫu 01/02 in chat: a file is not an answer (nothing stored), a typed name is; paused at the next question
            await user.callback("forms:open", "người đại diện theo pháp luật")
            await user.send_file(photo(seed=6), "không phải câu trả lời")
            await user.at(await user._wait_reply("người đại diện theo pháp luật"))  # the question again
            assert len(await stored(app)) == 2
            await user.at(await user.send("Trần Văn Hai", "Chức vụ"))

            # the dossier ZIP as a document
            api.clear_calls()
            api.push_callback(USER, "forms:zip")
            sent = await user.document_reply(".zip")
            file_id = sent.result["document"]["file_id"]
            data = api.files[file_id]["data"]
            archive = zipfile.ZipFile(io.BytesIO(data))
            names = archive.namelist()
            evidence = [n for n in names if n.startswith("Tai-lieu-minh-chung/")]
            assert [n.split("/")[1][:3] for n in evidence] == ["01_", "02_"]
            assert "giay-dkkd" in evidence[0] and evidence[0].endswith(".pdf")
            mau02 = archive.read(next(n for n in names if n.startswith("Mau02") and n.endswith(".docx")))
            assert in_order(docx_text(mau02), "Phần I", "HTX Sen Vàng", "Trần Văn Hai", "Phần II", "Phần III", "TỔNG CỘNG",
                            "Phần IV", "PHỤ LỤC", "giay-dkkd")
            assert docx_line(mau02, "a) Giấy đăng ký kinh doanh: ").endswith("□")  # not answered: left unticked
            assert any(n.startswith("Mau01") and n.endswith(".pdf") for n in names)

            # "delete my data" removes the files
            await user.callback("settings:delete", "")
            call = api.sent(USER)[-1]
            api.clear_calls()
            api.push_callback(USER, payload_for(call, "xoá hết"), message_id=call.result["message_id"])
            await api.wait_for(lambda c: c.chat_id == USER and c.ok, method="sendMessage", timeout=10)
            async with app.sessions() as session:
                assert (await session.execute(select(func.count(EvidenceUpload.id)))).scalar_one() == 0
        finally:
            await stop_bot(app, channel, http)


async def test_a_dossier_over_telegrams_50_mb_comes_as_a_download_link(database: Database) -> None:
    """Six 9 MB photos (54 MB, within the 60 MB quota) make a ZIP Telegram cannot send: the producer gets a
    link to the bot's own server instead of an error, and the link serves the whole ZIP."""
    async with FakeBotApi() as api:
        app, channel, http = await running_bot(database, api, public_url="http://bot.test")
        try:
            user = Producer(api)
            await walk_onboarding(user, "sa dec")
            await finished_assessment(app, str(USER))
            big = [random.Random(seed).randbytes(9 * 1024 * 1024) for seed in range(6)]
            async with app.sessions() as session, session.begin():
                owner = (await session.execute(select(User).where(User.channel_user_id == str(USER)))).scalar_one()
                for n, data in enumerate(big, start=1):
                    await add_evidence(session, owner.id, "t:dang-ky-kinh-doanh", f"anh-{n}.jpg", "image/jpeg",
                                       b"\xff\xd8\xff" + data, owner.created_at)
            await user.callback("forms:zip", "lớn hơn 50 MB")
            assert re.search(r"Bộ hồ sơ \(54,\d MB\) lớn hơn 50 MB", user.last.text), user.last.text
            assert not [c for c in api.calls if c.method == "sendDocument"]
            [url] = re.findall(r"http://127\.0\.0\.1:\d+/files/\S+", user.last.text)
            async with aiohttp.ClientSession() as client, client.get(url) as response:
                assert response.status == 200
                archive = zipfile.ZipFile(io.BytesIO(await response.read()))
            evidence = [n for n in archive.namelist() if n.startswith("Tai-lieu-minh-chung/")]
            assert len(evidence) == 6 and archive.read(evidence[0])[3:] == big[0]
        finally:
            await stop_bot(app, channel, http)
