"""Drives the bot over the real python-telegram-bot client against the stand-in Bot API server
(tests/fakes/telegram_api.py): a running bot, a Telegram user who sends, presses and waits, and the
onboarding walk other tests start from. The Telegram twin of tests/zalo_driver.py."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.app import App
from bot.channels.telegram import TelegramChannel
from bot.core.http import HttpServer
from bot.file_links import mount_file_links
from tests.conftest import Database, make_settings
from tests.fakes import FakeBotApi

USER = 5001


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as server:
        yield server


def telegram_settings(database: Database, api: FakeBotApi, **extra: object):  # noqa: ANN201
    return make_settings(database, telegram_token=api.token, telegram_api_url=api.base_url,
                         telegram_file_url=api.file_base_url, **extra)


async def running_bot(database: Database, api: FakeBotApi, **extra: object) -> tuple[App, TelegramChannel, HttpServer]:
    settings = telegram_settings(database, api, **extra)
    app = await App.create(settings, db=database.engine())
    http = HttpServer("127.0.0.1", 0)
    channel = app.connect(TelegramChannel(app.engine.handle, settings, http=http, command_texts=app.command_texts()))
    mount_file_links(http, app)  # as bot/runner.py does
    await channel.start()
    await http.start()
    if settings.public_url == "http://bot.test":  # the address only known now: the port the OS chose
        settings.public_url = http.url
    return app, channel, http


async def stop_bot(app: App, channel: TelegramChannel, http: HttpServer) -> None:
    await http.stop()
    await channel.stop()
    await app.close()


def keyboard_labels(call) -> list[str]:  # noqa: ANN001
    markup = call.params.get("reply_markup") or {}
    rows = markup.get("inline_keyboard") or markup.get("keyboard") or []
    return [button["text"] for row in rows for button in row]


def payload_for(call, label_part: str) -> str:  # noqa: ANN001
    rows = call.params["reply_markup"]["inline_keyboard"]
    matches = [b["callback_data"] for row in rows for b in row if label_part in b["text"]]
    assert len(matches) == 1, (label_part, rows)
    return matches[0]


class TelegramUser:
    """Drives one Telegram user: sends, presses the buttons of the bot's last message, waits for answers."""

    def __init__(self, api: FakeBotApi, user_id: int = USER) -> None:
        self.api = api
        self.user_id = user_id
        self.seen = 0

    async def _wait_reply(self, containing: str):  # noqa: ANN202
        def arrived(call) -> bool:  # noqa: ANN001
            return call.chat_id == self.user_id and call.ok and containing in (call.text or "")

        call = await self.api.wait_for(arrived, method="sendMessage", timeout=10)
        return call

    async def send(self, text: str, expect: str):  # noqa: ANN201
        self.api.clear_calls()
        self.api.push_text(self.user_id, text)
        return await self._wait_reply(expect)

    async def command(self, text: str, expect: str):  # noqa: ANN201
        self.api.clear_calls()
        self.api.push_command(self.user_id, text)
        return await self._wait_reply(expect)

    async def press(self, last_call, label: str, expect: str):  # noqa: ANN001, ANN201
        data = payload_for(last_call, label)
        self.api.clear_calls()
        self.api.push_callback(self.user_id, data, message_id=last_call.result["message_id"])
        return await self._wait_reply(expect)

    async def contact(self, phone: str, expect: str):  # noqa: ANN201
        self.api.clear_calls()
        self.api.push_contact(self.user_id, phone)
        return await self._wait_reply(expect)


async def walk_onboarding(user: TelegramUser, commune_typed: str) -> None:
    call = await user.command("/start", "Bạn muốn dùng ngôn ngữ nào")
    assert keyboard_labels(call) == ["Tiếng Việt", "English"]
    call = await user.press(call, "Tiếng Việt", "Bạn có đồng ý không?")
    assert keyboard_labels(call) == ["✅ Đồng ý", "Không, cảm ơn"]
    call = await user.press(call, "Đồng ý", "Câu 1/6")
    call = await user.send("HTX Sen Vàng", "Câu 2/6")
    assert "Hợp tác xã" in keyboard_labels(call)
    call = await user.press(call, "Hợp tác xã", "Câu 3/6")
    call = await user.send(commune_typed, "xã/phường nào dưới đây")
    assert keyboard_labels(call)[0] == "Phường Sa Đéc"
    call = await user.press(call, "Phường Sa Đéc", "Câu 4/6")
    call = await user.press(call, "Thực phẩm", "Câu 5/6")
    call = await user.send("Bánh phồng tôm", "Câu 6/6")
    markup = call.params["reply_markup"]
    assert markup["keyboard"][0][0]["request_contact"] is True  # Telegram's share-contact button
    call = await user.contact("+84 912 345 678", "Hồ sơ của bạn đã được lưu")
    assert "⚙️ Cài đặt" in keyboard_labels(call)
