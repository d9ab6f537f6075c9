"""End to end over the real python-telegram-bot client against the stand-in Bot API server."""
# ruff: noqa: F811 - `api` is a fixture imported from tests/telegram_driver.py, then taken as a parameter

from __future__ import annotations

import aiohttp
import pytest
from sqlalchemy import func, select

from db.models import Profile, User
from handlers.producer.menu import COMMANDS
from tests.conftest import Database
from tests.fakes import FakeBotApi
from tests.telegram_driver import (  # noqa: F401 - api is a fixture
    USER,
    TelegramUser,
    api,
    keyboard_labels,
    running_bot,
    stop_bot,
    walk_onboarding,
)


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
        for language in ("vi", "en", ""):  # "": the default menu, in the default language
            menu = api.commands.get(("default", language), [])
            assert [c["command"] for c in menu] == list(COMMANDS), (language, api.commands)
            assert all(c["description"] and not c["description"].startswith("commands.") for c in menu)
        assert api.commands[("default", "en")] != api.commands[("default", "vi")]  # really translated
        assert api.commands[("default", "")] == api.commands[("default", "vi")]
    finally:
        await stop_bot(app, channel, http)


async def test_long_text_is_split_at_4096(database: Database, api: FakeBotApi) -> None:
    from bot.core.messages import Button, Outgoing

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
        # Only the /start was answered: the group message and the edited message produced no reply (a
        # handled text from a new user would have been answered too), and no conversation state.
        assert api.sent(-100) == []
        assert [c.text for c in api.sent(USER)] == [c.text for c in api.sent(USER)[:2]] and len(api.sent(USER)) == 2
        async with app.sessions() as session:
            assert (await session.execute(select(func.count()).select_from(User))).scalar_one() == 1
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
        api.push_callback(USER, "profile:type:htx")
        api.push_callback(USER, "profile:type:htx")
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
