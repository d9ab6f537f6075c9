"""The officers' web console in a real browser (Debian's Chromium, driven by Selenium), as an officer uses
it, against the whole running bot and the stand-in Telegram Bot API: sign in with the link the bot sent in
chat, see the dashboard and the producers, compose a broadcast to commune AND group AND stars ≥ 3 with the
live count, watch it reach 100 % while the stand-in server receives exactly those messages, download its
per-recipient report, answer a question and see the producer receive it, publish the bulletin, download
the yearly XLSX and read it back. A reused link is refused. Each page is saved under docs/web/ when
OCOP_WEB_SCREENSHOTS=docs/web."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import update

from bot.content import DEFAULT_ROOT
from bot.officer.roles import set_role
from db.models import Assessment, Profile, Ticket
from tests.conftest import Database
from tests.fakes import FakeBotApi
from tests.pushes_support import T0, add_producer
from tests.web_driver import OFFICER, Browser, api, ask_for_link, start_console, stop_console  # noqa: F401

A, B = "phuong-an-binh", "phuong-binh-xuan"
# chat id: (commune, group, stars of the latest self-assessment or None)
PRODUCERS = {
    600001: (A, "thuc-pham", 3), 600002: (A, "thuc-pham", 4), 600003: (A, "thuc-pham", 5),  # the segment
    600004: (A, "thuc-pham", 2), 600005: (A, "do-uong", 4), 600006: (B, "thuc-pham", 4), 600007: (A, "thuc-pham", None),
}
SEGMENT = {600001, 600002, 600003}
ASKER = 600005
PRICES = DEFAULT_ROOT / "samples" / "bulletin-2026-11.csv"
pytestmark = pytest.mark.browser


async def seed(app) -> int:  # noqa: ANN001
    """The producers above (on Telegram, so the stand-in server receives what they get), a question from
    one of them, and the officer made an admin (to see the admin pages too). Returns the ticket id."""
    async with app.sessions() as session, session.begin():
        for chat, (commune, group, stars) in PRODUCERS.items():
            user = await add_producer(session, chat, group=group, producer_type="htx")
            await session.execute(update(Profile).where(Profile.user_id == user.id).values(
                commune_code=commune, phone=f"0912{chat % 1000000:06d}", main_product="Bánh phồng tôm"))
            if stars is not None:
                at = T0 + timedelta(days=1)
                session.add(Assessment(user_id=user.id, rule_set="qd26-2026", product_set="7", answers={}, status="done",
                                       total=50 + 10 * stars, stars=stars, part_points={"A": 30, "B": 20},
                                       started_at=at, updated_at=at, finished_at=at))
            if chat == ASKER:
                ticket = Ticket(user_id=user.id, question="Hồ sơ nâng hạng cần những giấy tờ gì?", status="open",
                                created_at=T0)
                session.add(ticket)
        await set_role(session, "telegram", str(OFFICER), "admin")
        await session.flush()
        return ticket.id


async def test_an_officer_works_from_the_browser(database: Database, api: FakeBotApi) -> None:  # noqa: F811
    running = await start_console(database, api)
    browser = await asyncio.to_thread(Browser)
    try:
        ticket = await seed(running.app)
        # 1. sign in with the link the bot sent over the (stand-in) Telegram API
        link = await ask_for_link(api)
        await browser.open(link)
        await browser.screenshot("01-sign-in")
        await browser.click("#sign-in")
        dashboard = await browser.wait_text("main", "Tổng quan")
        assert "7\nnhà sản xuất" in dashboard and "Phường An Bình" in dashboard and "Thực phẩm" in dashboard
        assert "phuong-an-binh" not in dashboard and "thuc-pham" not in dashboard  # names, never codes
        await browser.screenshot("02-dashboard")
        # a reused link is refused, even in the browser that used it
        await browser.open(link)
        await browser.click("#sign-in")
        assert "đã được dùng" in await browser.wait_text("main", "Không đăng nhập được")

        # 2. producers, filtered by the same segments as broadcasts; one producer's page
        await browser.open(f"{running.url}/producers?commune={A}&group=thuc-pham&stars=3%2B")
        listed = await browser.wait_text("main", "3 nhà sản xuất")
        assert "HTX 600003" in listed and "HTX 600004" not in listed
        await browser.screenshot("03-producers")
        await browser.click("table.list tbody a")
        await browser.wait_text("main", "Hồ sơ lần đầu")
        await browser.screenshot("04-producer")

        # 3. compose: commune AND group AND stars ≥ 3, the count follows as filters change
        await browser.open(f"{running.url}/broadcasts/new")
        await browser.type("textarea[name=text]", "Hội chợ OCOP Đồng Tháp mở đăng ký đến 15/12.")
        await browser.wait_text("#count", "Số chủ thể sẽ nhận: 7")
        await browser.choose("commune", A)
        await browser.wait_text("#count", "Số chủ thể sẽ nhận: 6")
        await browser.choose("group", "thuc-pham")
        await browser.wait_text("#count", "Số chủ thể sẽ nhận: 5")
        await browser.choose("stars", "3+")
        await browser.wait_text("#count", "Số chủ thể sẽ nhận: 3")
        await browser.screenshot("05-broadcast-compose")
        await browser.click("#to-preview")
        preview = await browser.wait_text("main", "Trên Zalo")
        assert "Số chủ thể sẽ nhận: 3" in preview and "3★ trở lên" in preview and "Trên Telegram" in preview
        await browser.screenshot("06-broadcast-preview")
        await browser.click("#send")
        # 4. live progress to 100 % while the stand-in Telegram server receives exactly those messages
        await browser.wait_text("#progress-text", "100%", seconds=30)
        await browser.wait_text("#status", "đã xong", seconds=30)
        received = {chat for chat in api.delivered if chat in PRODUCERS}
        assert received == SEGMENT
        assert all("Hội chợ OCOP" in (api.sent(chat)[-1].text or "") for chat in SEGMENT)
        await browser.screenshot("07-broadcast-progress")
        await browser.click("#report-csv")
        report = list(csv.reader(io.StringIO((await browser.wait_download(".csv")).read_text(encoding="utf-8-sig"))))
        assert report[0][:3] == ["Tên chủ thể", "Kênh", "Trạng thái"]
        assert sorted(row[0] for row in report[1:]) == ["HTX 600001", "HTX 600002", "HTX 600003"]
        assert {row[2] for row in report[1:]} == {"Thông báo · đã gửi"}
        await browser.open(f"{running.url}/broadcasts")
        await browser.screenshot("08-broadcasts")

        # 5. the inbox says who asked; the reply reaches the producer over Telegram
        await browser.open(f"{running.url}/inbox")
        inbox = await browser.wait_text("main", "Hồ sơ nâng hạng")
        assert "HTX 600005 · Phường An Bình · 0912600005" in inbox
        await browser.screenshot("09-inbox")
        await browser.type(f"#ticket-{ticket} textarea", "Anh xem mục Hồ sơ trong menu, có đủ danh sách ạ.")
        await browser.click(f"#ticket-{ticket} button")
        await browser.wait_text("#notice", f"số {ticket}")
        answer = await api.wait_for(lambda c: c.chat_id == ASKER and "có đủ danh sách" in (c.text or ""),
                                    method="sendMessage", timeout=20)
        assert "Hồ sơ nâng hạng" in (answer.text or "")  # the question is quoted back to the producer

        # 6. province deadlines with their reminders; the yearly report deadline for officers
        await browser.open(f"{running.url}/calendar")
        await browser.wait_text("main", "Lịch hạn của tỉnh")
        await browser.screenshot("10-calendar")

        # 7. the bulletin: upload the price CSV, both languages' text and chart, send now
        await browser.open(f"{running.url}/bulletin")
        file_input = await browser.find("input[name=prices_file]")
        await browser.run(file_input.send_keys, str(PRICES))
        await browser.type("textarea[name=summary_vi]", "Giá xoài tăng nhờ nhu cầu cuối năm.")
        await browser.type("textarea[name=summary_en]", "Mango prices rose with year-end demand.")
        await browser.click("#bulletin-preview")
        bulletin = await browser.wait_text("main", "English")
        assert "Giá xoài tăng" in bulletin and "Mango prices rose" in bulletin and "Xoài cát Hòa Lộc" in bulletin
        await browser.screenshot("11-bulletin")
        await browser.click("#bulletin-now")
        await browser.wait_text("main", "hẹn gửi")

        # 8. the yearly XLSX, read back: Vietnamese headers, names, totals equal to the page's
        await browser.open(f"{running.url}/exports?year=2026")
        totals = await browser.wait_text("#totals", "Nhà sản xuất")
        await browser.screenshot("12-exports")
        await browser.click("#download-xlsx")
        book = load_workbook(await browser.wait_download(".xlsx"))
        assert book.sheetnames == ["Tổng hợp", "Nhà sản xuất", "Tự đánh giá", "Hồ sơ", "Thông báo"]
        summary = dict(book["Tổng hợp"].iter_rows(min_row=2, values_only=True))
        assert f"Nhà sản xuất {summary['Nhà sản xuất']}" in totals.replace("\n", " ")
        assert summary["Nhà sản xuất"] == len(PRODUCERS) and summary["Đã tự đánh giá"] == 6
        producers = list(book["Nhà sản xuất"].iter_rows(values_only=True))
        assert producers[0][:6] == ("Mã số", "Tên chủ thể", "Số điện thoại", "Loại hình", "Nhóm sản phẩm", "Xã/phường")
        assert producers[1][3:6] == ("Hợp tác xã", "Thực phẩm", "Phường An Bình")
        [announcement] = list(book["Thông báo"].iter_rows(min_row=2, values_only=True))
        assert announcement[5:7] == (3, 3)  # three recipients, three sent

        # 9. admins: officers and the audit log (the sign-ins, the broadcast, the answer, the export)
        await browser.open(f"{running.url}/officers")
        await browser.wait_text("main", "telegram:4242")
        await browser.screenshot("13-officers")
        await browser.open(f"{running.url}/audit")
        audit = await browser.wait_text("main", "broadcast.create")
        assert "web.signin" in audit and "web.signin_failed" in audit and "export" in audit
        await browser.screenshot("14-audit")
        # 10. English, through the same catalogs
        await browser.open(f"{running.url}/lang/en?next=/web/")
        assert "Overview" in await browser.wait_text("main", "producers")
        await browser.screenshot("15-dashboard-en")
        async with running.app.sessions() as session:
            row = await session.get(Ticket, ticket)
            assert row is not None and row.status == "answered"
    finally:
        await asyncio.to_thread(browser.close)
        await stop_console(running)


async def test_the_console_on_a_phone(database: Database, api: FakeBotApi) -> None:  # noqa: F811
    running = await start_console(database, api)
    browser = await asyncio.to_thread(Browser, 390, 844)
    try:
        await seed(running.app)
        await browser.open(await ask_for_link(api))
        await browser.click("#sign-in")
        await browser.wait_text("main", "Tổng quan")
        width = await browser.run(browser.driver.execute_script, "return document.documentElement.scrollWidth")
        assert width <= 390  # nothing wider than the phone: tables scroll inside their box
        await browser.screenshot("16-dashboard-phone")
        await browser.open(f"{running.url}/inbox")
        await browser.wait_text("main", "Hồ sơ nâng hạng")
        await browser.screenshot("17-inbox-phone")
    finally:
        await asyncio.to_thread(browser.close)
        await stop_console(running)


