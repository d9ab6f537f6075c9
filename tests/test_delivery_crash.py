"""SIGKILL a delivery worker (a real subprocess, `ocop-bot deliver`) in the middle of 1,000 messages,
restart it, and check every recipient got exactly one.

From send number KILL_AT on, the stand-in server stops answering (those requests hang: in flight, not
accepted), gives the worker up to a few seconds to commit what was accepted, then SIGKILLs it. If any row
the dead worker left `sending` had in fact been accepted, the kill hit the residual window (accepted,
not yet committed; bot/pushes/delivery.py): the test says so by name instead of counting on luck. Killing at a
random instant would hit that window now and then by design (a few ms per message); the window itself is
measured by the commit wait below."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.app import App
from db.models import OutboxMessage
from tests.conftest import Database, make_settings
from tests.fakes import FakeBotApi
from tests.fakes.telegram_api import ApiError
from tests.pushes_support import add_producers, broadcast, set_limit, statuses

ROOT = Path(__file__).resolve().parent.parent
RECIPIENTS = 1000
KILL_AT = 400
LEASE = 2.0


def start_worker(database: Database, api: FakeBotApi) -> subprocess.Popen[bytes]:
    env = {**os.environ, "OCOP_DATABASE_URL": database.url, "OCOP_TELEGRAM_TOKEN": api.token,
           "OCOP_TELEGRAM_API_URL": api.base_url, "OCOP_TELEGRAM_FILE_URL": api.file_base_url}
    command = [sys.executable, "-m", "bot.cli", "deliver", "--no-quiet-hours", "--concurrency", "8", "--lease", str(LEASE)]
    if database.schema:
        command += ["--schema", database.schema]
    return subprocess.Popen(command + ["--until-idle"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


async def wait_exit(process: subprocess.Popen[bytes], seconds: float) -> int:
    return await asyncio.wait_for(asyncio.to_thread(process.wait), seconds)


async def test_sigkill_mid_run_then_restart_sends_each_message_exactly_once(database: Database) -> None:
    app = await App.create(make_settings(database), db=database.engine())
    try:
        users = await add_producers(app.sessions, range(10_001, 10_001 + RECIPIENTS))
        await broadcast(app.sessions, users)
        await set_limit(app.sessions, "telegram", 100)  # 10 ms between sends: a quick run, still paced
        async with FakeBotApi() as api:
            arrivals = 0
            hang = asyncio.Event()  # set: sends are no longer answered
            release = asyncio.Event()  # set after the kill: hung requests fail, never count as delivered

            async def send_or_hang(params: dict[str, Any], files: dict[str, Any]) -> Any:
                nonlocal arrivals
                arrivals += 1
                if arrivals >= KILL_AT and not release.is_set():
                    hang.set()
                    await release.wait()
                    raise ApiError(500, "the worker died before this message was accepted")
                return api._send_message(params, files)

            api.on("sendMessage", send_or_hang)
            first = start_worker(database, api)
            await asyncio.wait_for(hang.wait(), 60)
            accepted = {str(chat) for chat in api.delivered}
            for _ in range(60):  # up to 3 s for the worker to commit what the server accepted
                async with app.sessions() as session:
                    committed = set((await session.execute(select(OutboxMessage.channel_user_id)
                                                           .where(OutboxMessage.status == "sent"))).scalars())
                if accepted <= committed:
                    break
                await asyncio.sleep(0.05)
            os.kill(first.pid, signal.SIGKILL)
            assert await wait_exit(first, 10) == -signal.SIGKILL
            release.set()
            delivered_before = sum(api.delivered.values())
            assert delivered_before == KILL_AT - 1, "the kill came mid-run"

            async with app.sessions() as session:
                in_flight = (await session.execute(select(OutboxMessage.channel_user_id)
                                                   .where(OutboxMessage.status == "sending"))).scalars().all()
            window_hits = [chat for chat in in_flight if api.delivered[int(chat)]]
            assert not window_hits, (
                f"RESIDUAL WINDOW HIT: {len(window_hits)} message(s) were accepted by the server but the worker died "
                f"before committing them ({window_hits[:5]}); they will be sent twice. See bot/pushes/delivery.py.")
            assert in_flight, "rows the dead worker had claimed are still marked sending"

            await asyncio.sleep(LEASE + 0.2)  # the dead worker's leases run out
            restarted = start_worker(database, api)
            assert await wait_exit(restarted, 120) == 0, restarted.stderr.read().decode()[-2000:] if restarted.stderr else ""

            twice = {chat: n for chat, n in api.delivered.items() if n != 1}
            missing = [chat for chat in range(10_001, 10_001 + RECIPIENTS) if chat not in api.delivered]
            assert not twice, f"sent more than once: {list(twice.items())[:10]}"
            assert not missing, f"never sent: {missing[:10]}"
        assert await statuses(app.sessions) == {"sent": RECIPIENTS}
    finally:
        await app.close()


async def test_sigkill_at_a_random_instant_loses_nothing_and_names_any_residual_window_hit(database: Database) -> None:
    """The same run killed at an arbitrary moment, with requests possibly between "accepted" and "committed".
    Nothing may be lost; a message may arrive twice ONLY if the server accepted it while its row was still
    `sending` at the kill (the residual window). If that happened, the test ends as xfail naming the rows,
    so a hit is reported, never passed over in silence; any other duplicate is a failure."""
    app = await App.create(make_settings(database), db=database.engine())
    try:
        users = await add_producers(app.sessions, range(30_001, 30_001 + RECIPIENTS))
        await broadcast(app.sessions, users)
        await set_limit(app.sessions, "telegram", 100)
        async with FakeBotApi() as api:
            first = start_worker(database, api)
            await api.wait_until(lambda: sum(api.delivered.values()) >= 1, timeout=30)
            await asyncio.sleep(random.uniform(1.5, 4.0))  # well inside the ~10 s run, at no chosen instant
            os.kill(first.pid, signal.SIGKILL)
            assert await wait_exit(first, 10) == -signal.SIGKILL
            await asyncio.sleep(0.3)  # responses in flight have landed on the server's side by now
            assert 0 < sum(api.delivered.values()) < RECIPIENTS, "the kill came mid-run"
            async with app.sessions() as session:
                in_flight = (await session.execute(select(OutboxMessage.channel_user_id)
                                                   .where(OutboxMessage.status == "sending"))).scalars().all()
            window_hits = sorted(int(chat) for chat in in_flight if api.delivered[int(chat)])
            await asyncio.sleep(LEASE + 0.2)
            restarted = start_worker(database, api)
            assert await wait_exit(restarted, 120) == 0
            missing = [chat for chat in range(30_001, 30_001 + RECIPIENTS) if chat not in api.delivered]
            twice = sorted(chat for chat, n in api.delivered.items() if n > 1)
            assert not missing, f"never sent: {missing[:10]}"
            assert all(n <= 2 for n in api.delivered.values())
            assert set(twice) <= set(window_hits), f"duplicates outside the residual window: {set(twice) - set(window_hits)}"
        assert await statuses(app.sessions) == {"sent": RECIPIENTS}
        if window_hits:
            pytest.xfail(f"RESIDUAL WINDOW HIT: the kill fell between the server accepting and the worker "
                         f"committing {len(window_hits)} message(s) (chats {window_hits[:5]}), sent twice as "
                         f"documented in bot/pushes/delivery.py; everything else exactly once, nothing lost")
    finally:
        await app.close()
