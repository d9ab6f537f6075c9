"""Evidence and the dossier over the real aiohttp Zalo webhook with real signatures (tests/zalo_driver.py) and the
stand-in OA API, SQLite and PostgreSQL: image and file events stored for the chosen item, a wrong type refused
with nothing stored, a file replaced, the forms sent as Zalo files (a Zalo OA sends PDF/DOC/DOCX, no ZIP), and
"delete my data" removing the files."""

# ruff: noqa: F811 - `api` and `bot` are fixtures imported from tests/zalo_driver.py, then taken as parameters
from __future__ import annotations

import contextlib
import io
import itertools
import re
import zipfile
from collections.abc import AsyncIterator

import aiohttp
import pytest
from sqlalchemy import func, select

from db.models import EvidenceUpload, FileLink
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


async def at_first_evidence_item(bot: ZaloBot, api: FakeZaloApi) -> ZaloUser:
    """A producer with a profile and a finished self-assessment, at the first item of the evidence list."""
    user = ZaloUser(bot, api, USER)
    await user.answer_profile_until_phone()
    await user.send("0912 345 678")
    await finished_assessment(bot.app, USER, channel="zalo")
    await user.press("Hồ sơ")
    await user.press("Gửi tài liệu minh chứng")
    assert "Tài liệu minh chứng theo từng mục" in user.text
    await user.send("1")  # the item's number, as the list shows it
    return user


async def test_evidence_and_forms_over_zalo(bot: ZaloBot, api: FakeZaloApi) -> None:
    user = await at_first_evidence_item(bot, api)
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


LINK = re.compile(r"(http://127\.0\.0\.1:\d+/files/[A-Za-z0-9_-]{40,})")


async def test_dossier_zip_reaches_a_zalo_producer_as_a_download_link(database: Database, api: FakeZaloApi) -> None:
    """With the bot's public address set, "Nhận bộ hồ sơ (ZIP)" on Zalo (which sends no ZIP) answers with a
    link to the bot's own server; the link serves the ZIP with Mẫu 01, Mẫu 02 and the evidence, answers HEAD
    without counting, stops after OCOP_FILE_LINK_FETCHES downloads, and is gone with "delete my data"."""
    settings = zalo_settings(database, api, public_url="http://bot.test", file_link_fetches=2)
    bot = await running_zalo(database, api, settings)
    try:
        user = await at_first_evidence_item(bot, api)
        await send_image(user, api, photo())
        assert "Đã lưu tệp" in user.text

        before = len(api.uploads)
        await user.send("forms:zip")
        assert api.uploads[before:] == []  # nothing sent as Zalo files: the ZIP waits behind the link
        assert "Kênh này không gửi được tệp ZIP" in user.text and "tối đa 2 lần tải" in user.text
        [url] = LINK.findall(user.text)
        token = url.rsplit("/", 1)[1]
        async with app_tables(bot) as rows:
            assert [(r.name.endswith(".zip"), r.token_hash != token, token not in r.name) for r in rows] == [(True, True, True)]

        async with aiohttp.ClientSession() as client:
            async with client.head(url) as head:  # a chat app's link preview: not a download
                assert head.status == 200 and head.headers["Cache-Control"] == "no-store"
            async with client.get(url) as response:
                assert response.status == 200 and response.content_type == "application/zip"
                assert response.headers["Content-Disposition"].startswith("attachment; filename=")
                body = await response.read()
            names = zipfile.ZipFile(io.BytesIO(body)).namelist()
            assert sorted(n.rsplit(".", 1)[1] for n in names if n.startswith("Mau0")) == ["docx", "docx", "pdf", "pdf"]
            [evidence] = [n for n in names if n.startswith("Tai-lieu-minh-chung/")]
            assert evidence.startswith("Tai-lieu-minh-chung/01_") and evidence.endswith(".jpg")
            mau02 = next(n for n in names if n.startswith("Mau02") and n.endswith(".docx"))
            assert in_order(docx_text(zipfile.ZipFile(io.BytesIO(body)).read(mau02)), "Phần I", "HTX Sen Vàng",
                            "Phần II", "Phần III", "TỔNG CỘNG", "Phần IV")
            async with client.get(url) as second:
                assert second.status == 200
            async with client.get(url) as third:  # two downloads allowed: the third is refused, politely
                assert third.status == 410 and "đã được tải đủ số lần" in await third.text()
            async with client.get(url[:-3] + "xyz") as wrong:
                assert wrong.status == 404 and "không đúng" in await wrong.text()

            await user.send("forms:zip")  # a new link works again
            [fresh] = LINK.findall(user.text)
            assert fresh != url
            await user.press("Menu chính")
            await user.press("Cài đặt")
            await user.press("Xoá dữ liệu")
            await user.press("xoá hết")
            async with client.get(fresh) as gone:
                assert gone.status == 404
        async with app_tables(bot) as rows:
            assert rows == []
    finally:
        await bot.stop()


@contextlib.asynccontextmanager
async def app_tables(bot: ZaloBot) -> AsyncIterator[list[FileLink]]:
    async with bot.app.sessions() as session:
        yield list((await session.execute(select(FileLink))).scalars())
