"""Evidence and the dossier over the real aiohttp Zalo webhook with real signatures (tests/zalo_driver.py) and the
stand-in OA API, SQLite and PostgreSQL: image and file events stored for the chosen item, a wrong type refused
with nothing stored, a file replaced, the forms sent as Zalo files (a Zalo OA sends PDF/DOC/DOCX, no ZIP), and
"delete my data" removing the files."""

# ruff: noqa: F811 - `api` and `bot` are fixtures imported from tests/zalo_driver.py, then taken as parameters
from __future__ import annotations

import itertools
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, select

from db.models import EvidenceUpload
from tests.broadcast_files import office_zip, photo
from tests.conftest import Database
from tests.fakes.zalo_api import FakeZaloApi
from tests.test_evidence_telegram import finished_assessment, stored
from tests.test_forms_render import docx_text, in_order
from tests.zalo_driver import ZaloBot, ZaloUser, api, fixture, running_zalo, zalo_settings  # noqa: F401 - fixtures

USER = "2468458835296117922"
_ids = itertools.count(1)


async def send_image(user: ZaloUser, api: FakeZaloApi, data: bytes) -> None:
    url = api.add_user_file(data, f"img{next(_ids)}.jpg")
    await user._deliver(fixture("image", sender={"id": USER}, message={
        "msg_id": f"i{next(_ids):019d}", "attachments": [{"type": "image", "payload": {"url": url}}]}))


async def send_file(user: ZaloUser, api: FakeZaloApi, data: bytes, name: str) -> None:
    url = api.add_user_file(data, f"f{next(_ids)}-{name}")
    await user._deliver(fixture("file", sender={"id": USER}, message={
        "msg_id": f"f{next(_ids):019d}", "attachments": [{"type": "file", "payload": {
            "url": url, "name": name, "size": str(len(data)), "type": name.rsplit(".", 1)[-1]}}]}))


@pytest.fixture
async def bot(database: Database, api: FakeZaloApi) -> AsyncIterator[ZaloBot]:
    """The bot on the stand-in Zalo API, with room for two evidence files per producer."""
    running = await running_zalo(database, api, zalo_settings(database, api, evidence_quota_files=2))
    yield running
    await running.stop()


async def test_evidence_and_forms_over_zalo(bot: ZaloBot, api: FakeZaloApi) -> None:
    user = ZaloUser(bot, api, USER)
    await user.answer_profile_until_phone()
    await user.send("0912 345 678")
    await finished_assessment(bot.app, USER, channel="zalo")
    await user.press("Hồ sơ")
    await user.press("Gửi tài liệu minh chứng")
    assert "Tài liệu minh chứng theo từng mục" in user.text
    await user.send("1")  # the item's number, as the list shows it
    assert "Giấy đăng ký kinh doanh" in user.text and "Chưa có tệp nào" in user.text
    await send_image(user, api, photo())
    assert "Đã lưu tệp" in user.text
    await send_file(user, api, b"plain text, not a document", "ghi-chu.txt")
    assert "không phải ảnh" in user.text
    assert [(t, m) for t, m, _ in await stored(bot.app)] == [("t:dang-ky-kinh-doanh", "image/jpeg")]

    await user.press("Quay lại mục")
    await user.press("Thay 1")
    await send_file(user, api, office_zip("word/document.xml"), "giay-phep.docx")
    assert "Đã thay tệp" in user.text
    [(target, mime, _)] = await stored(bot.app)
    assert target == "t:dang-ky-kinh-doanh" and mime.endswith("wordprocessingml.document")

    await send_image(user, api, photo(seed=7))
    assert "Đã lưu tệp" in user.text
    await send_image(user, api, photo(seed=8))  # a third file: over the quota of two, nothing stored
    assert "Đã đạt giới hạn lưu (2 tệp" in user.text and len(await stored(bot.app)) == 2
    await user.press("Quay lại mục")
    await user.press("Xoá 2")
    assert "Đã xoá tệp" in user.text

    await user.send("menu")
    await send_image(user, api, photo(seed=5))  # outside an evidence step
    assert "chưa được lưu" in user.text and len(await stored(bot.app)) == 1

    before = len(api.uploads)
    await user.send("forms:zip")
    assert "chưa gửi được tệp ZIP" in user.text
    uploads = api.uploads[before:]
    assert sorted(name.rsplit(".", 1)[1] for _, name, _ in uploads) == ["docx", "docx", "pdf", "pdf"]
    assert all(kind == "file" for kind, _, _ in uploads)
    mau02 = next(data for _, name, data in uploads if name.startswith("Mau02") and name.endswith(".docx"))
    assert in_order(docx_text(mau02), "Phần I", "HTX Sen Vàng", "Phần II", "Phần III", "TỔNG CỘNG", "Phần IV",
                    "giay-phep.docx")

    await user.press("Menu chính")
    await user.press("Cài đặt")
    await user.press("Xoá dữ liệu")
    await user.press("xoá hết")
    async with bot.app.sessions() as session:
        assert (await session.execute(select(func.count(EvidenceUpload.id)))).scalar_one() == 0
