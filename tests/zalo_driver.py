"""Drives the bot over Zalo as Zalo would: signed webhook posts to the real aiohttp server, answers
read back from the stand-in OA API (tests/fakes/zalo_api.py)."""

from __future__ import annotations

import hashlib
import itertools
import json
import re
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.app import App
from bot.channels.zalo import ZaloChannel
from bot.core.config import Settings
from bot.core.http import HttpServer
from bot.core.messages import DEFAULT_LIMITS, Handled, Inbound, Limits
from bot.file_links import mount_file_links
from bot.zalo_setup import build_zalo_channel
from tests.conftest import Database, make_settings
from tests.fakes.zalo_api import FakeZaloApi, SentMessage

OA_SECRET = "oa-secret-for-tests"
TOKEN_KEY = "bXktdGVzdC1rZXktZm9yLXphbG8tdG9rZW5zLTMyYiE="  # Fernet key of the tests: tokens stored encrypted
FIXTURES = Path(__file__).parent / "data" / "zalo"
_msg_ids = itertools.count(1)
NUMBERED = re.compile(r"^\d+\. ")


def zalo_settings(database: Database, api: FakeZaloApi, **extra: Any) -> Settings:
    values: dict[str, Any] = dict(zalo_app_id=api.app_id, zalo_app_secret=api.app_secret, zalo_oa_secret=OA_SECRET,
                                  zalo_refresh_token=api.issue_refresh_token(), zalo_api_url=api.url,
                                  zalo_oauth_url=api.url, zalo_token_key=TOKEN_KEY)
    values.update(extra)
    return make_settings(database, **values)


def sign(body: bytes, event: dict[str, Any], secret: str = OA_SECRET) -> str:
    material = str(event["app_id"]).encode() + body + str(event["timestamp"]).encode() + secret.encode()
    return "mac=" + hashlib.sha256(material).hexdigest()


def fixture(name: str, **changes: Any) -> dict[str, Any]:
    """A raw Zalo event from tests/data/zalo, stamped now (the webhook refuses old timestamps)."""
    event = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    event["timestamp"] = str(int(time.time() * 1000))
    event.update(changes)
    return event


@dataclass
class ZaloBot:
    app: App
    channel: ZaloChannel
    http: HttpServer
    seen: list[Inbound] = field(default_factory=list)  # what the channel handed the engine

    @property
    def webhook_url(self) -> str:
        return f"{self.http.url}{self.app.settings.zalo_webhook_path}"

    async def post(self, event: dict[str, Any], *, body: bytes | None = None, signature: str | None = None) -> int:
        """POST one event, signed unless `signature` is given; `body` replaces the signed bytes.
        Waits until the answered event has been handled; returns the HTTP status."""
        raw = json.dumps(event, ensure_ascii=False).encode()
        header = sign(raw, event) if signature is None else signature
        headers = {"Content-Type": "application/json"}
        if header:
            headers["X-ZEvent-Signature"] = header
        async with aiohttp.ClientSession() as client, client.post(
            self.webhook_url, data=body if body is not None else raw, headers=headers
        ) as response:
            status = response.status
        await self.channel.drain()
        return status

    async def stop(self) -> None:
        await self.http.stop()
        await self.channel.stop()
        await self.app.close()


async def running_zalo(database: Database, api: FakeZaloApi, settings: Settings | None = None,
                       officer_channels: dict[str, Any] | None = None) -> ZaloBot:
    settings = settings or zalo_settings(database, api)
    app = await App.create(settings, db=database.engine())
    http = HttpServer("127.0.0.1", 0)
    seen: list[Inbound] = []
    handle = app.engine.handle

    async def recording_handle(inbound: Inbound, limits: Limits = DEFAULT_LIMITS) -> Handled:
        seen.append(inbound)
        return await handle(inbound, limits)

    app.engine.handle = recording_handle  # type: ignore[method-assign]
    channel = build_zalo_channel(app, http, officer_channels)
    mount_file_links(http, app)  # as bot/runner.py does
    await channel.start()
    await http.start()
    if settings.public_url == "http://bot.test":  # the address only known now: the port the OS chose
        settings.public_url = http.url
    return ZaloBot(app, channel, http, seen)


class ZaloUser:
    """One Zalo user talking to the OA: follow, type, tap a button of the bot's last messages."""

    def __init__(self, bot: ZaloBot, api: FakeZaloApi, user_id: str = "2468458835296117922") -> None:
        self.bot = bot
        self.api = api
        self.user_id = user_id
        self.replies: list[SentMessage] = []

    async def _deliver(self, event: dict[str, Any]) -> list[SentMessage]:
        before = len(self.api.to(self.user_id))
        assert await self.bot.post(event) == 200
        self.replies = self.api.to(self.user_id)[before:]
        return self.replies

    async def follow(self) -> list[SentMessage]:
        return await self._deliver(fixture("follow", follower={"id": self.user_id}))

    async def answer_profile_until_phone(self) -> None:
        """Follow, choose Vietnamese, agree, and answer the profile up to the phone question (6/6)."""
        await self.follow()
        for label in ("Tiếng Việt", "Đồng ý"):
            await self.press(label)
        await self.send("HTX Sen Vàng")
        await self.press("Hợp tác xã")
        await self.send("cao lanh")
        await self.press("Phường Cao Lãnh")
        await self.press("Thực phẩm")
        await self.send("Xoài sấy dẻo")
        assert "Câu 6/6" in self.text, self.text

    async def choose_product_set(self, group: str, label: str) -> None:
        """From any screen: Settings → My profile → change the product set to the one labelled `label`."""
        for step in ("Cài đặt", "Hồ sơ của tôi", "Đổi bộ sản phẩm", group, label):
            await self.press(step)
        assert "Đã lưu bộ sản phẩm" in self.text, self.text

    async def answer_assessment(self, answers: dict[str, str]) -> list[str]:
        """Presses the answer `answers` gives for each question the self-assessment asks, until it stops
        asking; returns the criteria codes in the order they were asked."""
        asked: list[str] = []
        while payloads := [b["payload"] for m in self.replies for b in m.buttons
                           if b["payload"].startswith("assessment:ans:")]:
            _, _, assessment_id, code, _ = payloads[0].split(":")
            asked.append(code)
            await self.send(f"assessment:ans:{assessment_id}:{code}:{answers[code]}")
            assert len(asked) <= 60, asked
        return asked

    async def send(self, text: str) -> list[SentMessage]:
        event = fixture("text", sender={"id": self.user_id}, message={"text": text, "msg_id": f"t{next(_msg_ids):019d}"})
        return await self._deliver(event)

    async def press(self, label_part: str) -> list[SentMessage]:
        """Tap an `oa.query.hide` button (Zalo sends its payload back as the user's text), or, for a
        choice shown as a numbered line ("6. label") because of the button limit, type its number; for one
        shown as a "• label" line (a list numbering its own items), type its label."""
        matches = [b for m in self.replies for b in m.buttons if label_part.lower() in b["title"].lower()]
        numbered = [line.split(". ", 1)[0] for line in self.text.splitlines()
                    if NUMBERED.match(line) and label_part.lower() in line.lower()]
        tails = [m.text.rpartition("\n\n")[2] for m in self.replies if m.buttons]  # where the lines for buttons go
        bullets = [line[2:] for tail in tails for line in tail.splitlines()
                   if line.startswith("• ") and label_part.lower() in line.lower()] if not matches + numbered else []
        assert len(matches) + len(numbered) + len(bullets) == 1, f"{label_part!r} in {self.labels()} / {numbered}"
        if numbered or bullets:
            return await self.send(numbered[0] if numbered else bullets[0])
        assert matches[0]["type"] == "oa.query.hide"
        return await self.send(matches[0]["payload"])

    async def submit_phone(self, phone: str) -> list[SentMessage]:
        return await self._deliver(fixture("submit_info", sender={"id": self.user_id}, info={"phone": phone}))

    @property
    def text(self) -> str:
        return "\n".join(m.text for m in self.replies)

    def labels(self) -> list[str]:
        return [label for m in self.replies for label in m.labels]


# Fixtures shared by the Zalo test modules (import them by name: `from tests.zalo_driver import api, bot`).
@pytest.fixture
async def api() -> AsyncIterator[FakeZaloApi]:
    """The stand-in Zalo OA API and OAuth server."""
    async with FakeZaloApi() as server:
        yield server


@pytest.fixture
async def bot(database: Database, api: FakeZaloApi) -> AsyncIterator[ZaloBot]:
    """The bot with its Zalo channel on the stand-in API, on each database backend."""
    running = await running_zalo(database, api)
    yield running
    await running.stop()
