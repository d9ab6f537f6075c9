"""Typed answers over the real platforms: Telegram (python-telegram-bot against the stand-in Bot API, where
buttons show no numbers) and Zalo (signed webhook posts; buttons over the template's limit become lines,
numbered as typing takes them)."""

# ruff: noqa: F811 - `api` and `bot` are fixtures imported from tests/zalo_driver.py, then taken as parameters
from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from db.models import DossierItem
from tests.conftest import Database
from tests.fakes import FakeBotApi
from tests.fakes.zalo_api import FakeZaloApi
from tests.telegram_driver import TelegramUser, keyboard_labels, running_bot, stop_bot, walk_onboarding
from tests.zalo_driver import ZaloBot, ZaloUser, api, bot  # noqa: F401 - pytest fixtures (shared, see there)


@pytest.fixture
async def telegram_api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as server:
        yield server


async def stored_marks(app) -> dict[str, bool]:  # noqa: ANN001
    async with app.sessions() as session:
        return {row.item_id: row.has_it for row in (await session.execute(select(DossierItem))).scalars()}


async def test_typed_answers_over_telegram(database: Database, telegram_api: FakeBotApi) -> None:
    app, channel, http = await running_bot(database, telegram_api)
    try:
        user = TelegramUser(telegram_api)
        await walk_onboarding(user, "Phường Sa Đéc")
        await user.send("ho so can", "loại hồ sơ nào")  # "📋 Hồ sơ cần chuẩn bị", the start of the label
        call = await user.send("lan dau", "Trang 1/3")  # "Đăng ký lần đầu", whole words of it
        call = await user.send("trang sau", "Trang 2/3")
        assert keyboard_labels(call)[:2] == ["⬜ 9", "⬜ 10"]  # Telegram shows the item numbers only
        await user.send("9", "Danh sách lao động địa phương")  # item 9, not the 9th button ("◀ Trang trước")
        await user.send("co roi", "Đã ghi nhận")  # "✅ Đã có"
        assert await stored_marks(app) == {"danh-sach-lao-dong": True}
        await user.send("menu", "Bạn cần gì?")
        await user.send("kiem tra", "đúng không?")  # "✅ Kiểm tra điều kiện"
        await user.send("đúng rồi", "Sản phẩm")  # "✅ Đúng": the yes of a yes/no screen
        call = await user.send("bo so", "Bạn muốn chọn mục nào")  # two sets suggested for "Bánh phồng tôm"
        assert [label.split(":")[0] for label in keyboard_labels(call)] == ["Bộ số 6", "Bộ số 2"]
        await user.send("1", "Câu 1/9")  # the first of the two asked back
    finally:
        await stop_bot(app, channel, http)


async def test_typed_numbers_and_labels_over_zalo(bot: ZaloBot, api: FakeZaloApi) -> None:
    user = ZaloUser(bot, api)
    await user.answer_profile_until_phone()
    await user.send("khong")  # the phone question's "Bỏ qua"
    assert "Hồ sơ của bạn đã được lưu" in user.text
    await user.send("ho so")
    await user.press("Đăng ký lần đầu")
    await user.send("trang sau")
    assert "Trang 2/3" in user.text
    # Five template buttons (items 9–13); the rest are lines: items by their number, the others by label.
    assert user.labels() == ["⬜ 9", "⬜ 10", "⬜ 11", "⬜ 12", "⬜ 13"]
    assert "\n14. ⬜ 14" in user.text and "\n16. ⬜ 16" in user.text and "\n• ◀ Trang trước" in user.text
    await user.send("16")  # a numbered line
    assert "Chứng nhận hệ thống quản lý chất lượng" in user.text
    await user.send("chưa")  # "❌ Chưa có"
    assert "Đã ghi nhận: chưa có" in user.text
    await user.send("trang sau")  # a "•" line, typed by its label
    await user.press("⬜ 9")  # a template button (its payload comes back as text)
    assert "Danh sách lao động địa phương" in user.text
    await user.press("◀ Danh sách")
    await user.press("Trang sau ▶")  # the driver types the label of a "•" line
    assert "Trang 2/3" in user.text
    assert await stored_marks(bot.app) == {"he-thong-quan-ly-chat-luong": False}
