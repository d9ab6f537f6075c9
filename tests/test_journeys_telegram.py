"""The journeys over the real python-telegram-bot client against the stand-in Bot API server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date

import pytest
from sqlalchemy import select

from db.models import DossierItem, User, UserDate
from tests.conftest import Database
from tests.fakes import FakeBotApi
from tests.telegram_driver import TelegramUser, keyboard_labels, running_bot, stop_bot, walk_onboarding


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as server:
        yield server


async def test_dossier_and_eligibility_over_telegram(database: Database, api: FakeBotApi) -> None:
    app, channel, http = await running_bot(database, api)
    try:
        user = TelegramUser(api)
        await walk_onboarding(user, "Phường Sa Đéc")
        menu = api.sent(user.user_id)[-1]
        call = await user.press(menu, "Hồ sơ cần chuẩn bị", "loại hồ sơ nào")
        call = await user.press(call, "Đăng ký lần đầu", "0/18 sẵn sàng")
        assert keyboard_labels(call)[:3] == ["⬜ 1", "⬜ 2", "⬜ 3"] and len(call.text) < 2000
        call = await user.press(call, "⬜ 1", "Mẫu 01")
        call = await user.press(call, "Đã có", "1/18 sẵn sàng")
        call = await user.press(call, "⬜ 4", "an toàn thực phẩm")
        call = await user.press(call, "Đã có", "hết hạn ngày nào")
        await user.send("31/02/2027", "chưa hiểu ngày này")
        call = await user.send("15/06/2028", "2/18 sẵn sàng")
        assert "✅ 4" in keyboard_labels(call)
        async with app.sessions() as session:
            tg_user = (await session.execute(select(User).where(User.channel == "telegram"))).scalar_one()
            items = (await session.execute(select(DossierItem).where(DossierItem.user_id == tg_user.id))).scalars()
            assert {(i.item_id, i.has_it) for i in items} == {("mau-01", True), ("chung-nhan-attp", True)}
            assert (await session.get(UserDate, (tg_user.id, "food_safety_expiry"))).value == date(2028, 6, 15)

        call = await user.press(call, "Menu chính", "Chọn một mục bên dưới")
        call = await user.press(call, "Kiểm tra điều kiện", "Theo hồ sơ: Hợp tác xã — đúng không?")
        call = await user.press(call, "Đúng", "Bánh phồng tôm")
        call = await user.press(call, "Bộ số 6", "Câu 1/9")
        call = await user.press(call, "Quay lại", "Bánh phồng tôm")
    finally:
        await stop_bot(app, channel, http)
