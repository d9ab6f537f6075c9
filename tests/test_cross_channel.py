"""One transcript, run unchanged on the console, Telegram and Zalo, gives the same answers.

Each driver speaks its platform for real (console: the engine as the console channel calls it;
Telegram: python-telegram-bot's webhook against the stand-in Bot API; Zalo: signed webhook posts and
the stand-in OA API) and reports what the user saw as (text, choice labels) per message. Platform
renderings are undone only where they are on purpose: Telegram's share-contact button, Zalo's
numbered lines for buttons over its limit."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any, Protocol

import pytest

from bot.app import App
from tests.conftest import Database, make_settings
from tests.fakes import FakeBotApi
from tests.fakes.zalo_api import FakeZaloApi, SentMessage
from tests.telegram_driver import running_bot, stop_bot
from tests.transcript import Chat
from tests.zalo_driver import ZaloUser, running_zalo

View = tuple[str, tuple[str, ...]]  # one message as the user saw it: text and choice labels
NUMBERED = re.compile(r"^(\d+)\. (.+)$")

STEPS: list[tuple[str, str]] = [
    ("start", ""),
    ("press", "Tiếng Việt"),
    ("press", "Đồng ý"),
    ("type", "HTX Sen Vàng"),
    ("press", "Hợp tác xã"),
    ("type", "sa dec"),
    ("press", "Phường Sa Đéc"),
    ("number", "1"),
    ("type", "Bánh phồng tôm"),
    ("type", "0912 345 678"),
    ("press", "Cài đặt"),
    ("press", "Hồ sơ của tôi"),
    ("press", "Sửa sản phẩm chính"),
    ("type", "Trà sen"),
    ("type", "menu"),
    ("press", "Cài đặt"),
    ("press", "Ngôn ngữ"),
    ("press", "English"),
]


class Driver(Protocol):
    async def step(self, action: str, arg: str) -> list[View]: ...


class ConsoleDriver:
    def __init__(self, app: App) -> None:
        self.chat = Chat(app.engine, user_id="console-1", channel="console")

    async def step(self, action: str, arg: str) -> list[View]:
        if action == "start":
            await self.chat.start()
        elif action == "press":
            await self.chat.click(arg)
        else:
            await self.chat.send(arg)
        return [(r.text, tuple(b.label for b in r.flat_buttons())) for r in self.chat.replies]


class TelegramDriver:
    user = 5001

    def __init__(self, api: FakeBotApi, webhook_url: str) -> None:
        self.api = api
        self.url = webhook_url
        self.last: list[Any] = []

    async def step(self, action: str, arg: str) -> list[View]:
        if action == "start":
            update = self.api.make_update_json("command", self.user, "/start")
        elif action == "press" and (data := self._callback_data(arg)) is not None:
            update = self.api.make_update_json("callback", self.user, data)
        else:  # typed text, a number, or a reply-keyboard button (which sends its label as text)
            update = self.api.make_update_json("text", self.user, arg)
        self.api.clear_calls()
        # The Telegram webhook handles the update before answering: the replies are all sent now.
        assert await self.api.post_to_webhook(update, self.url, secret_token="cross-channel-secret") == 200
        self.last = [c for c in self.api.sent(self.user) if c.method == "sendMessage"]
        return [(c.text, tuple(self._labels(c))) for c in self.last]

    @staticmethod
    def _labels(call: Any) -> list[str]:
        markup = call.params.get("reply_markup") or {}
        rows = markup.get("inline_keyboard") or markup.get("keyboard") or []
        # The share-contact button is Telegram's own rendering of `request_contact`, not a choice.
        return [b["text"] for row in rows for b in row if not b.get("request_contact")]

    def _callback_data(self, label: str) -> str | None:
        found = [b["callback_data"] for c in self.last
                 for row in (c.params.get("reply_markup") or {}).get("inline_keyboard", [])
                 for b in row if label.lower() in b["text"].lower()]
        assert len(found) <= 1, (label, found)
        return found[0] if found else None


class ZaloDriver:
    def __init__(self, user: ZaloUser) -> None:
        self.user = user

    async def step(self, action: str, arg: str) -> list[View]:
        if action == "start":
            await self.user.follow()
        elif action == "press":
            await self.user.press(arg)
        else:
            await self.user.send(arg)
        return [zalo_view(m) for m in self.user.replies]


def zalo_view(message: SentMessage) -> View:
    """Template buttons plus the numbered lines that stand for buttons over Zalo's limit."""
    text, labels = message.text, list(message.labels)
    head, separator, tail = text.rpartition("\n\n")
    lines = tail.splitlines()
    if labels and separator and lines and all(NUMBERED.match(line) for line in lines) \
            and lines[0].startswith(f"{len(labels) + 1}. "):
        text = head
        labels += [NUMBERED.match(line).group(2) for line in lines]  # type: ignore[union-attr]
    return text, tuple(labels)


@pytest.fixture
async def telegram_api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as server:
        yield server


@pytest.fixture
async def zalo_api() -> AsyncIterator[FakeZaloApi]:
    async with FakeZaloApi() as server:
        yield server


async def run(driver: Driver) -> list[list[View]]:
    transcript = []
    for action, arg in STEPS:
        views = await driver.step(action, arg)
        assert views, f"no answer to {action} {arg!r}"
        transcript.append(views)
    return transcript


async def test_one_transcript_same_answers_on_console_telegram_and_zalo(
    database: Database, telegram_api: FakeBotApi, zalo_api: FakeZaloApi
) -> None:
    console_app = await App.create(make_settings(database), db=database.engine())
    try:
        console = await run(ConsoleDriver(console_app))
    finally:
        await console_app.close()

    app, channel, http = await running_bot(database, telegram_api, webhook_url="https://bot.example.org",
                                           webhook_secret="cross-channel-secret")
    try:
        telegram = await run(TelegramDriver(telegram_api, f"{http.url}/telegram/webhook"))
    finally:
        await stop_bot(app, channel, http)

    bot = await running_zalo(database, zalo_api)
    try:
        zalo = await run(ZaloDriver(ZaloUser(bot, zalo_api, user_id="7000000000000000001")))
    finally:
        await bot.stop()

    for index, (action, arg) in enumerate(STEPS):
        assert telegram[index] == console[index], f"telegram differs at step {index}: {action} {arg!r}"
        assert zalo[index] == console[index], f"zalo differs at step {index}: {action} {arg!r}"
    # The transcript went where it should, so the comparison is not between three empty answers.
    assert "Hồ sơ của bạn đã được lưu" in " ".join(text for text, _ in console[9])
    assert "Language saved" in " ".join(text for text, _ in console[-1])
    assert any(len(labels) > 5 for views in zalo for _, labels in views)  # Zalo's numbered fallback was used
