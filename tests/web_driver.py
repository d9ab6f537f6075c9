"""The officers' web console under test: the whole bot running (python-telegram-bot against the stand-in Bot
API, the delivery worker, the broadcast progress task, the console at /web on the bot's own server), and a
real Chromium (Debian's chromium + chromium-driver) driven by Selenium. Selenium blocks, so every browser
call runs in a thread while the bot keeps serving on the test's event loop.

Browser tests carry the `browser` mark: without Chromium they are skipped, or the run stops with an error
when OCOP_REQUIRE_BROWSER=1 (.ci/run sets it), as tests/conftest.py does for PostgreSQL.
OCOP_WEB_SCREENSHOTS=docs/web writes each page's screenshot there (the pictures in docs/web/).
"""

from __future__ import annotations

import asyncio
import io
import os
import shutil
import socket
import tempfile
import time as clock
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from typing import Any

import pytest

from bot.app import App
from bot.broadcasts.progress import BroadcastProgress
from bot.channels.telegram import TelegramChannel
from bot.core.http import HttpServer
from bot.push_wiring import start_pushes
from bot.web import mount_web_console
from tests.conftest import CHROMEDRIVER, CHROMIUM, Database
from tests.fakes import FakeBotApi
from tests.telegram_driver import telegram_settings

SECRET = "test-secret-" + "s" * 40
OFFICER, ADMIN = 4242, 4343


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class RunningConsole:
    app: App
    api: FakeBotApi
    http: HttpServer
    channel: TelegramChannel
    url: str  # http://127.0.0.1:PORT/web
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    tasks: list[asyncio.Task[Any]] = field(default_factory=list)
    scheduler: Any = None


async def start_console(database: Database, api: FakeBotApi, **extra: Any) -> RunningConsole:
    """What `ocop-bot run` starts, with the console on, quiet hours off (tests run at any hour)."""
    port = free_port()
    values: dict[str, Any] = {"web_enabled": True, "web_secret": SECRET, "http_port": port,
                              "web_base_url": f"http://127.0.0.1:{port}", "quiet_start": time(0), "quiet_end": time(0),
                              "officers": [f"telegram:{OFFICER}"]}
    values.update(extra)
    settings = telegram_settings(database, api, **values)
    app = await App.create(settings, db=database.engine())
    http = HttpServer("127.0.0.1", port)
    mount_web_console(http, app)
    channel = app.connect(TelegramChannel(app.engine.handle, settings, http=http, command_texts=app.command_texts()))
    await channel.start()
    running = RunningConsole(app, api, http, channel, settings.web_url)
    running.scheduler, worker = await start_pushes(app, {"telegram": channel})
    progress = BroadcastProgress(app.sessions, {"telegram": channel}, app.i18n, interval_seconds=0.3)
    running.tasks = [asyncio.create_task(worker.run(running.stop)), asyncio.create_task(progress.run(running.stop))]
    await http.start()
    return running


async def stop_console(running: RunningConsole) -> None:
    running.stop.set()
    running.scheduler.stop()
    await asyncio.gather(*running.tasks, return_exceptions=True)
    await running.http.stop()
    await running.channel.stop()
    await running.app.close()


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as server:
        yield server


async def ask_for_link(api: FakeBotApi, chat_id: int = OFFICER) -> str:
    """The officer sends /web over the stand-in Telegram API; returns the link the bot sent back."""
    api.clear_calls()
    api.push_command(chat_id, "/web")
    call = await api.wait_for(lambda c: c.chat_id == chat_id and "/web/login/" in (c.text or ""),
                              method="sendMessage", timeout=15)
    return next(word for word in (call.text or "").split() if "/web/login/" in word)


def save_small_png(png: bytes, path: Path) -> None:
    """64 colours are plenty for these pages and keep each picture in the tens of kilobytes."""
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    Image.open(io.BytesIO(png)).convert("RGB").quantize(colors=64).save(path, optimize=True)


class Browser:
    """A headless Chromium with a fresh profile; async methods run Selenium in a thread."""

    def __init__(self, width: int = 1280, height: int = 900) -> None:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        self.profile = tempfile.mkdtemp(prefix="ocop-chromium-")
        self.downloads = Path(self.profile) / "downloads"
        self.downloads.mkdir()
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--disable-dev-shm-usage", "--lang=vi-VN", f"--user-data-dir={self.profile}", f"--window-size={width},{height}"):
            options.add_argument(flag)
        options.add_experimental_option("prefs", {"download.default_directory": str(self.downloads),
                                                  "download.prompt_for_download": False})
        self.driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
        self.driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(self.downloads)})
        self.phone = width < 500  # a desktop window cannot be that narrow: emulate the phone's screen instead
        if self.phone:
            self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": True})
        self.size = (width, height)

    async def run(self, function: Any, *args: Any) -> Any:
        return await asyncio.to_thread(function, *args)

    async def open(self, url: str) -> None:
        await self.run(self.driver.get, url)

    async def find(self, css: str) -> Any:
        from selenium.webdriver.common.by import By

        return await self.run(self.driver.find_element, By.CSS_SELECTOR, css)

    async def click(self, css: str) -> None:
        element = await self.find(css)
        await self.run(element.click)

    async def type(self, css: str, text: str) -> None:
        element = await self.find(css)
        await self.run(element.clear)
        await self.run(element.send_keys, text)

    async def choose(self, name: str, value: str) -> None:
        from selenium.webdriver.support.ui import Select

        element = await self.find(f"select[name={name}]")
        await self.run(lambda: Select(element).select_by_value(value))

    async def text(self, css: str = "main") -> str:
        element = await self.find(css)
        return await self.run(lambda: element.text)

    async def wait_text(self, css: str, wanted: str, seconds: float = 20.0) -> str:
        """Wait until the element's text contains `wanted` (the page may update itself meanwhile)."""
        deadline = clock.monotonic() + seconds
        seen = ""
        while clock.monotonic() < deadline:
            try:
                seen = await self.text(css)
            except Exception:  # noqa: BLE001 - the page is reloading: look again
                seen = ""
            if wanted in seen:
                return seen
            await asyncio.sleep(0.2)
        raise AssertionError(f"{wanted!r} never appeared in {css}; last seen: {seen!r}")

    @property
    def url(self) -> str:
        return self.driver.current_url

    async def wait_download(self, suffix: str, seconds: float = 20.0) -> Path:
        """The downloaded file, once Chromium has finished it: it may create the file under its final name
        before the bytes are in, so wait until no partial download is left and the size holds still."""
        deadline = clock.monotonic() + seconds
        last: tuple[Path, int] | None = None
        while clock.monotonic() < deadline:
            files = list(self.downloads.iterdir())
            partial = any(p.name.endswith((".crdownload", ".tmp")) for p in files)
            done = [p for p in files if p.name.endswith(suffix)]
            if done and not partial:
                size = done[0].stat().st_size
                if size and last == (done[0], size):
                    return done[0]
                last = (done[0], size)
            await asyncio.sleep(0.2)
        raise AssertionError(f"no {suffix} downloaded: {list(self.downloads.iterdir())}")

    async def screenshot(self, name: str) -> None:
        """A small PNG of the whole page under OCOP_WEB_SCREENSHOTS (docs/web), when set."""
        folder = os.environ.get("OCOP_WEB_SCREENSHOTS")
        if not folder:
            return
        width, height = self.size
        if not self.phone:  # the whole page: measured at the usual size, then the window made that tall
            await self.run(self.driver.set_window_size, width, height)
            page = await self.run(self.driver.execute_script, "return document.documentElement.scrollHeight")
            await self.run(self.driver.set_window_size, width, min(max(page + 140, 600), 2600))
        png = await self.run(self.driver.get_screenshot_as_png)
        if not self.phone:
            await self.run(self.driver.set_window_size, width, height)
        await self.run(save_small_png, png, Path(folder) / f"{name}.png")

    def close(self) -> None:
        self.driver.quit()
        shutil.rmtree(self.profile, ignore_errors=True)
