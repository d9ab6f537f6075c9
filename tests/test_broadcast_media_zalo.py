"""An officer on Zalo composes a broadcast with a photo or a document (SQLite and PostgreSQL): the signed
webhook event carries the file's URL, the channel downloads it, and the preview is uploaded to the stand-in
OA API and shown as producers on Zalo will get it: the attachment, then the text."""

# ruff: noqa: F811 - `api` and `bot` are fixtures imported from tests/zalo_driver.py, then taken as parameters
from __future__ import annotations

import itertools
from collections.abc import AsyncIterator

import pytest

from tests.broadcast_files import pdf, photo
from tests.conftest import Database
from tests.fakes.zalo_api import FakeZaloApi
from tests.zalo_driver import (
    ZaloBot,
    ZaloUser,
    api,  # noqa: F401 - pytest fixtures (shared, see there)
    fixture,
    running_zalo,
    zalo_settings,
)

OFFICER = "1111222233334444555"
_ids = itertools.count(1)


@pytest.fixture
async def bot(database: Database, api: FakeZaloApi) -> AsyncIterator[ZaloBot]:
    running = await running_zalo(database, api, zalo_settings(database, api, officers=[f"zalo:{OFFICER}"]))
    yield running
    await running.stop()


def file_event(url: str, *, image: bool, text: str = "", name: str = "") -> dict:
    payload = {"url": url} if image else {"url": url, "name": name, "size": "1024", "type": "pdf"}
    message = {"msg_id": f"f{next(_ids):019d}", "attachments": [{"type": "image" if image else "file",
                                                                   "payload": payload}]}
    if text:
        message["text"] = text
    return fixture("image" if image else "file", sender={"id": OFFICER}, message=message)


async def test_an_officer_on_zalo_attaches_a_photo_and_previews_it(bot: ZaloBot, api: FakeZaloApi) -> None:
    officer = ZaloUser(bot, api, OFFICER)
    await officer.send("xin chào")
    await officer.send("broadcast:new")
    assert "gửi kèm một ảnh" in officer.text
    await officer._deliver(file_event(api.add_user_file(photo(), "poster.jpg"), image=True, text="Hội chợ OCOP"))
    assert "📎 Kèm ảnh: photo.jpg" in officer.text and "Số chủ thể sẽ nhận: 0" in officer.text
    await officer.press("Xem trước")
    intro, media, text, question = officer.replies
    assert "đúng tin nhắn sau" in intro.text and text.text == "Hội chợ OCOP" and "Khi nào gửi" in question.text
    element = media.message["attachment"]["payload"]["elements"][0]
    assert element["attachment_id"] in api.attachments and api.uploads == [("image", "photo.jpg", photo())]


async def test_an_officer_on_zalo_attaches_a_document_then_types_the_text(bot: ZaloBot, api: FakeZaloApi) -> None:
    officer = ZaloUser(bot, api, OFFICER)
    await officer.send("xin chào")
    await officer.send("broadcast:new")
    await officer._deliver(file_event(api.add_user_file(pdf(), "kh.pdf"), image=False, name="Kế hoạch.pdf"))
    assert "Đã nhận: 📎 Kèm tệp: Kế hoạch.pdf" in officer.text
    await officer.send("Kế hoạch đánh giá OCOP năm 2027")
    assert "📎 Kèm tệp: Kế hoạch.pdf" in officer.text
    await officer.press("Xem trước")
    assert api.uploads == [("file", "Kế hoạch.pdf", pdf())]
    assert officer.replies[1].message["attachment"]["type"] == "file"


async def test_a_missing_file_on_zalo_is_explained(bot: ZaloBot, api: FakeZaloApi) -> None:
    officer = ZaloUser(bot, api, OFFICER)
    await officer.send("xin chào")
    await officer.send("broadcast:new")
    await officer._deliver(file_event(f"{api.url}/files/gone.jpg", image=True, text="x"))  # 404
    assert "Chưa lấy được tệp này" in officer.text
