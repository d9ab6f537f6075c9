"""The producer's own set, chosen once in the profile, to a star result over the real channels: set #9 (fish
sauce) over Zalo (signed webhook events, OA API out) and set #23 (flowers) over Telegram (python-telegram-bot
against the stand-in Bot API server). The held-back answers are those of tests/test_assessment_sets.py."""

# ruff: noqa: F811 - `api` and `bot` are fixtures imported from tests/zalo_driver.py, then taken as parameters
from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.domain.scoring import score
from tests.assessment_helpers import assessments_of
from tests.conftest import Database
from tests.fakes import FakeBotApi
from tests.fakes.zalo_api import FakeZaloApi
from tests.telegram_driver import TelegramUser, running_bot, stop_bot, walk_onboarding
from tests.test_assessment_sets import held_back, sheet_for
from tests.zalo_driver import ZaloBot, ZaloUser, api, bot  # noqa: F401 - pytest fixtures (shared, see there)

ZALO_USER = "2468458835296117922"


async def test_fish_sauce_set_9_over_zalo(bot: ZaloBot, api: FakeZaloApi) -> None:
    sheet = sheet_for(bot.app, "I.4.a")
    answers, lowered = held_back(sheet)
    expected = score(sheet, answers)  # type: ignore[arg-type]
    user = ZaloUser(bot, api, ZALO_USER)
    await user.answer_profile_until_phone()
    await user.send("0912 345 678")
    await user.choose_product_set("Thực phẩm", "#9 I.4.a")
    await user.press("Menu chính")
    await user.press("Tự đánh giá")
    await user.press("Làm bài mới")
    assert "Bộ sản phẩm theo hồ sơ của bạn: #9 I.4.a" in user.text and "Câu 1/" in user.text
    asked = await user.answer_assessment(answers)
    assert asked == [c.code for c in sheet.criteria()] and lowered in asked
    assert f"Tổng: {expected.total}/100 điểm" in user.text and "chưa đạt hạng sao" in user.text
    [row] = await assessments_of(bot.app, ZALO_USER)
    assert (row.product_set, row.total, row.stars) == ("I.4.a", expected.total, None)


@pytest.fixture
async def telegram_api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as server:
        yield server


async def test_flowers_set_23_over_telegram(database: Database, telegram_api: FakeBotApi) -> None:
    app, channel, http = await running_bot(database, telegram_api)
    try:
        sheet = sheet_for(app, "V.1")
        answers, lowered = held_back(sheet)
        expected = score(sheet, answers)  # type: ignore[arg-type]
        user = TelegramUser(telegram_api)
        await walk_onboarding(user, "Phường Sa Đéc")
        call = telegram_api.sent(user.user_id)[-1]
        call = await user.press(call, "Cài đặt", "Cài đặt")
        call = await user.press(call, "Hồ sơ của tôi", "Bộ sản phẩm")
        call = await user.press(call, "Đổi bộ sản phẩm", "Chọn bộ đúng")
        call = await user.press(call, "Sinh vật cảnh", "Chọn bộ sản phẩm")
        call = await user.press(call, "#23 V.1", "Đã lưu bộ sản phẩm")
        call = await user.press(call, "Menu chính", "Chọn một mục")
        call = await user.press(call, "Tự đánh giá", "Tự đánh giá sản phẩm OCOP")
        call = await user.press(call, "Làm bài mới", "Câu 1/")
        asked: list[str] = []
        while True:
            rows = (call.params.get("reply_markup") or {}).get("inline_keyboard") or []
            data = [b["callback_data"] for row in rows for b in row if b["callback_data"].startswith("assessment:ans:")]
            if not data:
                break
            _, _, assessment_id, code, _ = data[0].split(":")
            asked.append(code)
            wanted = f"assessment:ans:{assessment_id}:{code}:{answers[code]}"
            telegram_api.clear_calls()
            telegram_api.push_callback(user.user_id, wanted, message_id=call.result["message_id"])
            call = await user._wait_reply("Câu" if len(asked) < len(sheet.criteria()) else "Tổng")
            assert len(asked) <= 40
        assert asked == [c.code for c in sheet.criteria()] and lowered in asked
        texts = "\n".join(c.text or "" for c in telegram_api.sent(user.user_id))
        assert f"Tổng: {expected.total}/100 điểm" in texts and "chưa đạt hạng sao" in texts
        [row] = await assessments_of(app, str(user.user_id))
        assert (row.product_set, row.total, row.stars) == ("V.1", expected.total, None)
    finally:
        await stop_bot(app, channel, http)
