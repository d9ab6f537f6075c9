"""End to end over the real python-telegram-bot client against the stand-in Bot API server."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from sqlalchemy import func, select

from bot.app import App
from bot.channels.telegram import TelegramChannel
from bot.http import HttpServer
from db.models import Profile, User
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
    channel = TelegramChannel(app.engine.handle_all, settings, http=http, command_texts=app.command_texts())
    await channel.start()
    await http.start()
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


@pytest.mark.parametrize("typed", ["Phường Sa Đéc", "phuong sa dec"])
async def test_onboarding_over_telegram_polling(database: Database, api: FakeBotApi, typed: str) -> None:
    app, channel, http = await running_bot(database, api)
    try:
        await walk_onboarding(TelegramUser(api), typed)
        async with app.sessions() as session:
            user = (await session.execute(select(User).where(User.channel == "telegram"))).scalar_one()
            profile = await session.get(Profile, user.id)
        assert user.channel_user_id == str(USER)
        assert profile is not None and profile.commune_code == "phuong-sa-dec" and profile.phone == "+84912345678"
        assert api.commands[("default", "vi")] or api.commands  # the localized command menu was set
        languages = {language for (_scope, language) in api.commands}
        assert {"vi", "en"} <= languages
    finally:
        await stop_bot(app, channel, http)


async def test_long_text_is_split_at_4096(database: Database, api: FakeBotApi) -> None:
    from bot.messages import Button, Outgoing

    app, channel, http = await running_bot(database, api)
    try:
        text = ("Đoạn văn dài. " * 400).strip()  # ~5,600 characters
        await channel.send(str(USER), Outgoing(text=text, buttons=((Button("OK", "menu:open"),),)))
        sent = api.sent(USER)
        assert len(sent) == 2 and all(len(c.text) <= 4096 for c in sent)
        assert "reply_markup" not in sent[0].params and keyboard_labels(sent[1]) == ["OK"]
        assert "".join(c.text for c in sent).replace(" ", "") == text.replace(" ", "")
    finally:
        await stop_bot(app, channel, http)


async def test_group_chats_and_edited_messages_are_ignored(database: Database, api: FakeBotApi) -> None:
    app, channel, http = await running_bot(database, api)
    try:
        group = api.make_update_json("text", USER, "hello")
        group["message"]["chat"] = {"id": -100, "type": "group", "title": "g"}
        api.push_raw(group)
        edited = api.make_update_json("text", USER, "edited")
        edited["edited_message"] = edited.pop("message")
        api.push_raw(edited)
        await user_then_wait(api)
        assert api.sent(-100) == [] and [c for c in api.sent(USER) if "edited" in (c.text or "")] == []
    finally:
        await stop_bot(app, channel, http)


async def user_then_wait(api: FakeBotApi) -> None:
    """A normal /start after the ignored updates: once it is answered, the earlier ones were processed."""
    api.push_command(USER, "/start")
    await api.wait_for(lambda c: c.chat_id == USER and "ngôn ngữ" in (c.text or ""), method="sendMessage", timeout=10)


async def test_webhook_refuses_wrong_secret_and_changes_nothing(database: Database, api: FakeBotApi) -> None:
    app, channel, http = await running_bot(database, api, webhook_url="https://bot.example.org",
                                           webhook_secret="s3cret-token_ok")
    try:
        registered = api.calls_to("setWebhook")[-1].params
        assert registered["url"] == "https://bot.example.org/telegram/webhook"
        assert registered["secret_token"] == "s3cret-token_ok"
        url = f"{http.url}/telegram/webhook"
        update = api.make_update_json("command", USER, "/start")
        async with aiohttp.ClientSession() as client:
            for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}):
                async with client.post(url, json=update, headers=headers) as response:
                    assert response.status == 403
            async with app.sessions() as session:
                assert (await session.execute(select(func.count()).select_from(User))).scalar_one() == 0
            assert api.sent(USER) == []
            headers = {"X-Telegram-Bot-Api-Secret-Token": "s3cret-token_ok"}
            async with client.post(url, json=update, headers=headers) as response:
                assert response.status == 200
            assert "ngôn ngữ" in api.sent(USER)[-1].text  # handled before the 200
            async with client.post(url, json=update, headers=headers) as response:  # Telegram retries
                assert response.status == 200
            assert len(api.sent(USER)) == 2  # greeting + language question, once
            async with client.post(url, data=b"{not json", headers=headers) as response:
                assert response.status == 400
    finally:
        await stop_bot(app, channel, http)


async def test_many_rapid_presses_from_one_user_are_handled_in_order(database: Database, api: FakeBotApi) -> None:
    app, channel, http = await running_bot(database, api)
    try:
        user = TelegramUser(api)
        call = await user.command("/start", "ngôn ngữ")
        call = await user.press(call, "Tiếng Việt", "đồng ý")
        call = await user.press(call, "Đồng ý", "Câu 1/6")
        api.clear_calls()
        # Double taps and quick answers arrive together: each is handled once, in order.
        api.push_text(USER, "HTX Một")
        api.push_callback(USER, "prof:type:htx")
        api.push_callback(USER, "prof:type:htx")
        api.push_text(USER, "sa dec")
        await api.wait_for(lambda c: "xã/phường nào dưới đây" in (c.text or ""), method="sendMessage", timeout=10)
        texts = [c.text for c in api.sent(USER)]
        assert "Câu 2/6" in texts[0] and "Câu 3/6" in texts[1] and "Câu 3/6" in texts[2]
        assert "xã/phường nào dưới đây" in texts[3]
        async with app.sessions() as session:
            profile = (await session.execute(select(Profile))).scalar_one()
        assert profile.org_name == "HTX Một" and profile.producer_type == "htx"
    finally:
        await stop_bot(app, channel, http)
