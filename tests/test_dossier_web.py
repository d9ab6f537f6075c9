"""Dossiers in the officers' web console, in a real browser (Chromium + Selenium) against the whole running
bot and the stand-in Telegram Bot API: sign in with the link the bot sent in chat, find the producer's
dossier in the list filtered by status, walk it to a 4-star certificate with the page's form, and see the
producer receive one push per change; a form posted without its CSRF token changes nothing; the Mẫu 03
draft downloads as a DOCX that python-docx reads."""

from __future__ import annotations

import asyncio
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import aiohttp
import pytest
from docx import Document

from bot.content.calendar import add_months
from db import dossier_status as rows
from db.models import UserDate
from tests.conftest import Database
from tests.dossier_support import PRODUCT, dossier_of, now, seed_producer
from tests.fakes import FakeBotApi
from tests.web_driver import Browser, api, ask_for_link, start_console, stop_console  # noqa: F401

PRODUCER = 730001
pytestmark = pytest.mark.browser


async def pushes_to_producer(server: FakeBotApi, count: int, wanted: str) -> None:
    """The producer has received exactly `count` messages, the last one saying `wanted`."""
    await server.wait_until(lambda: server.delivered[PRODUCER] >= count, timeout=30)
    assert server.delivered[PRODUCER] == count
    assert wanted in (server.sent(PRODUCER)[-1].text or "")


async def test_an_officer_moves_a_dossier_to_its_certificate_from_the_browser(database: Database, api: FakeBotApi) -> None:  # noqa: F811
    running = await start_console(database, api)
    browser = await asyncio.to_thread(Browser)
    try:
        async with running.app.sessions() as session, session.begin():
            user = await seed_producer(session, running.app.content, PRODUCER, channel="telegram")
            await rows.ensure_drafts(session, now())
        dossier = await dossier_of(running.app.sessions, user.id)
        await browser.open(await ask_for_link(api))
        await browser.click("#sign-in")
        await browser.wait_text("main", "Tổng quan")

        await browser.open(f"{running.url}/dossiers?status=draft")
        listed = await browser.wait_text("#dossiers", PRODUCT)
        assert "HTX 730001" in listed and "Đang chuẩn bị" in listed
        await browser.open(f"{running.url}/dossiers?status=filed")
        assert PRODUCT not in await browser.wait_text("#count", "0 hồ sơ")
        await browser.open(f"{running.url}/dossiers?status=draft")
        await browser.click("#dossiers tbody a")
        await browser.wait_text("#status", "Đang chuẩn bị")
        await browser.screenshot("16-dossier")

        # a form posted without the CSRF token (another site's form) is refused: nothing changes
        cookies = {c["name"]: c["value"] for c in await browser.run(browser.driver.get_cookies)}
        async with aiohttp.ClientSession(cookies=cookies) as client:
            async with client.post(f"{running.url}/dossiers/{dossier.id}/status",
                                   data={"status": "filed", "expected": "draft"}) as response:
                assert response.status == 403
        assert (await dossier_of(running.app.sessions, user.id)).status == "draft"

        await browser.choose("status", "filed")
        await browser.click("#change")
        await browser.wait_text("#notice", "Đã lưu")
        await pushes_to_producer(api, 1, "Đã nộp tại UBND cấp xã")
        await browser.choose("status", "forwarded")
        await browser.click("#change")
        await browser.wait_text("#status", "đã gửi lên tỉnh")
        await pushes_to_producer(api, 2, "UBND cấp xã đã gửi lên tỉnh")
        await browser.choose("status", "evaluated")
        await browser.click("#change")  # no round given: refused, nothing changes
        await browser.wait_text("#notice", "Số đợt không hợp lệ")
        await browser.choose("status", "evaluated")
        await browser.type("input[name=round_number]", "2")
        await browser.click("#change")
        await browser.wait_text("#status", "đợt 2 năm")
        await pushes_to_producer(api, 3, "đợt 2 năm")

        certified_on = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date() - timedelta(days=5)
        await browser.choose("status", "result")
        await browser.choose("stars", "4")
        await browser.type("input[name=decision_number]", "2468/QĐ-UBND")
        date_input = await browser.find("input[name=certificate_date]")
        await browser.run(browser.driver.execute_script, "arguments[0].value = arguments[1]", date_input,
                          certified_on.isoformat())
        await browser.type("input[name=note]", "Chúc mừng HTX!")
        await browser.click("#change")
        shown = await browser.wait_text("#status", "4 sao")
        assert "2468/QĐ-UBND" in shown and "36 tháng" in shown
        await browser.screenshot("17-dossier-certified")
        await pushes_to_producer(api, 4, "2468/QĐ-UBND")
        assert "Chúc mừng HTX!" in (api.sent(PRODUCER)[-1].text or "")
        async with running.app.sessions() as session:
            expiry = await session.get(UserDate, (user.id, "ocop_certificate_expiry"))
        assert expiry is not None and expiry.value == add_months(certified_on, 36)

        await browser.click("#summary a")  # the producer's page lists the dossier with its result
        assert PRODUCT in await browser.wait_text("#producer-dossiers", "Đã có kết quả đánh giá · 4★")
        await browser.click("#producer-dossiers a")
        await browser.wait_text("#status", "4 sao")
        await browser.click("#mau03-docx")
        document = Document(io.BytesIO((await browser.wait_download(".docx")).read_bytes()))
        text = "\n".join(p.text for p in document.paragraphs)
        assert "4. Bản sắc/trí tuệ địa phương" in text and PRODUCT in text
    finally:
        await asyncio.to_thread(browser.close)
        await stop_console(running)
