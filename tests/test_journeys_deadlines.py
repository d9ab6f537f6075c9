"""Deadlines transcripts with a fixed clock, in Vietnamese and English, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from bot.app import App
from tests.conftest import Database, make_settings
from tests.test_onboarding import onboard
from tests.transcript import Chat

# 18:00 UTC on 28/02 is already 01:00 on 01/03 in Đồng Tháp: "today" must be 01/03/2027.
FIXED_NOW = datetime(2027, 2, 28, 18, 0, tzinfo=UTC)


@pytest.fixture
async def fixed_app(database: Database) -> AsyncIterator[App]:
    application = await App.create(make_settings(database), db=database.engine(), clock=lambda: FIXED_NOW)
    yield application
    await application.close()


async def give_dates(chat: Chat) -> None:
    """OCOP certificate decided 15/10/2024 (expires 15/10/2027); food-safety certificate expired 10/01/2027."""
    await chat.press("dossier:open")
    await chat.click("Đánh giá lại")
    await chat.click("⬜ 3")
    await chat.click("Đã có")
    await chat.send("15/10/2024")
    await chat.click("⬜ 5")
    assert "an toàn thực phẩm" in chat.text
    await chat.click("Đã có")
    await chat.send("10/1/27")


def positions(text: str, *parts: str) -> list[int]:
    found = [text.find(part) for part in parts]
    assert -1 not in found, [p for p, at in zip(parts, found, strict=True) if at < 0]
    return found


async def test_deadlines_sorted_with_filing_date_and_certificate_window(fixed_app: App) -> None:
    chat = Chat(fixed_app.engine)
    await onboard(chat)
    await give_dates(chat)
    await chat.press("deadlines:open")
    text = chat.text
    assert "hôm nay 1 thg 3, 2027" in text
    order = positions(
        text,
        "10 thg 1, 2027 (đã qua)",  # the expired food-safety certificate, marked
        "9 thg 4, 2027 (còn 39 ngày)\nNộp hồ sơ tại UBND xã chậm nhất ngày này cho Đợt 1 cấp tỉnh",
        "18 thg 4, 2027 (còn 48 ngày)\nMở thời gian nộp hồ sơ đánh giá lại",
        "17 thg 6, 2027 (còn 108 ngày)\nHạn cuối nộp hồ sơ đánh giá lại",
        "30 thg 7, 2027",  # the province sends 5★ dossiers up
        "15 thg 10, 2027 (còn 228 ngày)\nGiấy chứng nhận OCOP của anh/chị hết hạn",
    )
    assert order == sorted(order)
    assert "Xã chuyển hồ sơ lên tỉnh trước 30 thg 4, 2027" in text
    assert "⚠️ 10 thg 1, 2027" in text
    assert "15 thg 12, 2026" not in text  # last year's province deadline is past: omitted
    assert "15 thg 12, 2027" not in text  # the yearly report is the agencies' and communes' duty, not a producer's
    assert "(chưa đối chiếu văn bản gốc)" in text
    assert "🏠 Menu chính" in chat.labels()
    assert all(len(reply.text) <= 2000 for reply in chat.replies)


async def test_deadlines_in_english(fixed_app: App) -> None:
    chat = Chat(fixed_app.engine)
    await onboard(chat)
    await give_dates(chat)
    await chat.press("settings:change_language")
    await chat.click("English")
    await chat.press("deadlines:open")
    text = chat.text
    assert "today is Mar 1, 2027" in text
    order = positions(text, "Apr 9, 2027 (39 days left)\nFile at the commune by this day",
                      "Jun 17, 2027 (108 days left)", "Oct 15, 2027 (228 days left)\nYour OCOP certificate expires")
    assert order == sorted(order)
    assert "Jan 10, 2027 (passed)" in text and "🏠 Main menu" in chat.labels()


async def test_without_personal_dates_it_offers_to_add_them(fixed_app: App) -> None:
    chat = Chat(fixed_app.engine)
    await onboard(chat)
    await chat.press("deadlines:open")
    assert "9 thg 4, 2027 (còn 39 ngày)" in chat.text and "Giấy chứng nhận OCOP của anh/chị" not in chat.text
    assert "📋 Hồ sơ cần chuẩn bị" in chat.labels()
    await chat.click("Hồ sơ cần chuẩn bị")
    assert "loại hồ sơ nào" in chat.text


async def test_a_late_round_is_flagged_not_hidden(database: Database) -> None:
    late = datetime(2027, 4, 20, 3, 0, tzinfo=UTC)  # after the 09/04 filing day, before the 30/04 deadline
    app = await App.create(make_settings(database), db=database.engine(), clock=lambda: late)
    chat = Chat(app.engine)
    await onboard(chat)
    await chat.press("deadlines:open")
    assert "30 thg 4, 2027 (còn 10 ngày)\nHạn xã chuyển hồ sơ lên tỉnh cho Đợt 1 cấp tỉnh" in chat.text
    assert "(9 thg 4, 2027) đã qua" in chat.text
    await app.close()


async def test_an_officer_sees_the_yearly_report_deadline_a_producer_does_not(database: Database) -> None:
    app = await App.create(make_settings(database, officers=["console:off1"]), db=database.engine(),
                           clock=lambda: FIXED_NOW)
    try:
        officer, producer = Chat(app.engine, "off1"), Chat(app.engine, "u1")
        for chat in (officer, producer):
            await onboard(chat)
            await chat.press("deadlines:open")
        assert "15 thg 12, 2027" in officer.text and "Hạn gửi báo cáo kết quả thực hiện Chương trình OCOP năm 2027" in officer.text
        assert "15 thg 12, 2027" not in producer.text and "báo cáo kết quả" not in producer.text
    finally:
        await app.close()
