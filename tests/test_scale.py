"""Several `ocop-bot run` processes on one PostgreSQL, behind no load balancer but a random choice per
update: one user's updates keep their order, a bulk send goes out once per recipient at ONE overall rate,
a killed sender is replaced, and dropped database connections lose no acknowledged update."""

from __future__ import annotations

import asyncio
import os
import random
import signal
from collections import Counter
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import select, text

from bot.app import App
from bot.core.config import Settings
from db.models import OutboxMessage, utcnow
from db.repositories import processed_key
from tests.conftest import PG_URL, Database, make_settings
from tests.fakes import FakeBotApi
from tests.fakes.telegram_api import ApiError
from tests.processes import BotProcess, fresh_database, post, start_bot, stop_bot
from tests.pushes_support import add_producers, broadcast, set_limit, statuses
from tests.scale_script import UPDATES_PER_USER, processed_keys, reference_run, snapshot

pytestmark = pytest.mark.postgres
RATE = 100  # overall sends per second the stand-in server allows (Telegram: ~30)


@pytest.fixture
async def pg_url() -> Any:
    async with fresh_database(PG_URL) as url:
        yield url


async def migrated(url: str) -> App:
    return await App.create(Settings(database_url=url, officers=[], _env_file=None))  # type: ignore[call-arg]


async def reference(api: FakeBotApi, users: list[int], tmp_path: Path) -> tuple[dict, dict, dict]:
    """Scripts, reply counts and final states of the same conversations handled by ONE process."""
    db = Database("postgres", tmp_path)
    await db.create()
    app = await App.create(make_settings(db), db=db.engine())
    try:
        scripts, answers = await reference_run(app, api, users)
        return scripts, answers, await snapshot(app.sessions)
    finally:
        await app.close()
        await db.drop()


async def leaders(bots: list[BotProcess]) -> list[BotProcess]:
    async with aiohttp.ClientSession() as client:
        return [bot for bot in bots if (await bot.health(client))["checks"]["delivery"]["details"]["sending_on"]]


async def one_leader(bots: list[BotProcess], seconds: float = 20.0) -> BotProcess:
    for _ in range(int(seconds * 10)):
        found = await leaders(bots)
        if len(found) == 1:
            return found[0]
        assert len(found) < 2, "two processes hold the same channel's sending lock"
        await asyncio.sleep(0.1)
    raise AssertionError("no process took the telegram sending lock")


async def stop_all(bots: list[BotProcess]) -> None:
    for bot in bots:
        code = await stop_bot(bot)
        assert code in (0, -signal.SIGKILL), bot.log()


async def test_two_processes_handle_1000_updates_like_one(pg_url: str, tmp_path: Path) -> None:
    users = list(range(700_001, 700_101))
    async with FakeBotApi(record=False) as api:
        scripts, answers, expected = await reference(api, users, tmp_path)
        app = await migrated(pg_url)
        bots = [await start_bot(pg_url, api, tmp_path) for _ in range(2)]
        try:
            async with aiohttp.ClientSession() as client:
                async def play(uid: int) -> None:
                    for update in scripts[uid]:  # in the user's order, each answered before the next
                        bot = random.choice(bots)
                        status = await post(client, bot, update)
                        bot.statuses.append(status)
                        assert status == 200, bot.log()
                        await asyncio.sleep(random.uniform(0, 0.02))

                await asyncio.gather(*(play(uid) for uid in users))
            assert sum(len(b.statuses) for b in bots) == len(users) * UPDATES_PER_USER
            assert all(len(b.statuses) > 300 for b in bots), "both processes handled updates"
            assert await snapshot(app.sessions) == expected
            keys = await processed_keys(app.sessions)
            assert {processed_key(f"telegram:{u['update_id']}") for s in scripts.values() for u in s} <= keys
            assert {uid: api.delivered[uid] for uid in users} == answers
        finally:
            await stop_all(bots)
            await app.close()


async def test_bulk_send_through_two_processes_keeps_one_overall_rate(pg_url: str, tmp_path: Path) -> None:
    recipients = range(800_001, 802_001)
    app = await migrated(pg_url)
    try:
        users = await add_producers(app.sessions, recipients)
        await set_limit(app.sessions, "telegram", RATE)
        async with FakeBotApi(overall_per_second=RATE, per_chat_per_second=1, record=False) as api:
            bots = [await start_bot(pg_url, api, tmp_path) for _ in range(2)]
            try:
                await one_leader(bots)
                await broadcast(app.sessions, users, due=utcnow())
                await api.wait_until(lambda: sum(api.delivered.values()) >= len(recipients), timeout=120)
                await asyncio.sleep(1.0)  # a duplicate would arrive now
                assert api.rate_violations == 0
                assert sorted(api.delivered) == list(recipients)
                assert set(api.delivered.values()) == {1}
                assert await statuses(app.sessions) == {"sent": len(recipients)}
            finally:
                await stop_all(bots)
    finally:
        await app.close()


async def test_sigkill_of_the_sending_process_the_other_finishes(pg_url: str, tmp_path: Path) -> None:
    recipients = range(900_001, 902_001)
    kill_at = 600
    app = await migrated(pg_url)
    try:
        users = await add_producers(app.sessions, recipients)
        await set_limit(app.sessions, "telegram", RATE)
        async with FakeBotApi(overall_per_second=RATE, record=False) as api:
            arrivals = 0
            hang, release = asyncio.Event(), asyncio.Event()

            async def send_or_hang(params: dict[str, Any], files: dict[str, Any]) -> Any:
                nonlocal arrivals
                arrivals += 1
                if arrivals >= kill_at and not release.is_set():  # the sender dies with these on the wire
                    hang.set()
                    await release.wait()
                    raise ApiError(500, "the sender died before this message was accepted")
                return api._send_message(params, files)

            api.on("sendMessage", send_or_hang)
            bots = [await start_bot(pg_url, api, tmp_path) for _ in range(2)]
            try:
                leader = await one_leader(bots)
                standby = next(bot for bot in bots if bot is not leader)
                await broadcast(app.sessions, users, due=utcnow())
                await asyncio.wait_for(hang.wait(), 60)
                accepted = {str(chat) for chat in api.delivered}
                for _ in range(60):  # the leader commits what the server accepted
                    async with app.sessions() as session:
                        committed = set((await session.execute(select(OutboxMessage.channel_user_id)
                                                               .where(OutboxMessage.status == "sent"))).scalars())
                    if accepted <= committed:
                        break
                    await asyncio.sleep(0.05)
                os.kill(leader.process.pid, signal.SIGKILL)
                assert await stop_bot(leader, signal.SIGKILL, 10) == -signal.SIGKILL
                window_hits = accepted - committed
                release.set()
                assert 0 < sum(api.delivered.values()) < len(recipients), "the kill came mid-send"
                await api.wait_until(lambda: sum(api.delivered.values()) >= len(recipients) - len(window_hits),
                                     timeout=120)
                await asyncio.sleep(1.0)
                assert not window_hits, f"RESIDUAL WINDOW HIT: accepted, not committed at the kill: {sorted(window_hits)[:5]}"
                assert sorted(api.delivered) == list(recipients), "nothing lost"
                assert set(api.delivered.values()) == {1}, "no duplicates"
                assert api.rate_violations == 0
                assert await statuses(app.sessions) == {"sent": len(recipients)}
                assert await leaders([standby]) == [standby]
            finally:
                await stop_all(bots)
    finally:
        await app.close()


async def test_database_connections_terminated_mid_run_lose_no_acknowledged_update(pg_url: str, tmp_path: Path) -> None:
    users = list(range(600_001, 600_041))
    async with FakeBotApi(record=False) as api:
        scripts, answers, expected = await reference(api, users, tmp_path)
        app = await migrated(pg_url)
        bots = [await start_bot(pg_url, api, tmp_path) for _ in range(2)]
        outcomes: Counter[int] = Counter()
        acknowledged: set[str] = set()
        terminated = 0
        done = asyncio.Event()
        database = app.db.url.database

        async def terminate_backends() -> None:
            nonlocal terminated
            while not done.is_set():
                async with app.db.connect() as connection:
                    result = await connection.execute(text(
                        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                        "WHERE datname = :db AND pid <> pg_backend_pid()"), {"db": database})
                    terminated += int(result.scalar() or 0)
                    await connection.commit()
                await asyncio.sleep(random.uniform(0.1, 0.4))

        try:
            async with aiohttp.ClientSession() as client:
                async def play(uid: int) -> None:
                    for update in scripts[uid]:
                        for _attempt in range(60):  # like Telegram: an update not answered 200 comes again
                            status = await post(client, random.choice(bots), update)
                            outcomes[status] += 1
                            if status == 200:
                                acknowledged.add(f"telegram:{update['update_id']}")
                                break
                            await asyncio.sleep(0.5)

                killer = asyncio.create_task(terminate_backends())
                await asyncio.gather(*(play(uid) for uid in users))
                done.set()
                await killer
            assert terminated > 20, "backends were terminated while updates ran"
            assert all(bot.process.poll() is None for bot in bots), "no restart was needed"
            assert {processed_key(key) for key in acknowledged} <= await processed_keys(app.sessions)
            assert len(acknowledged) == len(users) * UPDATES_PER_USER, outcomes
            assert await snapshot(app.sessions) == expected
            assert {uid: api.delivered[uid] for uid in users} == answers, "every acknowledged update was answered once"
            print(f"terminated {terminated} backends; webhook answers {dict(outcomes)}")
        finally:
            await stop_all(bots)
            await app.close()
