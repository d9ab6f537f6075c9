"""Fault test: PostgreSQL refusing NEW connections for 15 s under load (issue 15, item 2).

A database of the test's own is switched to `ALLOW_CONNECTIONS false` and its backends are terminated:
every connection the bot opens then fails with SQLSTATE 55000 ("not currently accepting connections").
Twenty Telegram users keep sending through the real webhook meanwhile, and the test plays Telegram:
an update answered with anything but 200 is delivered again a moment later. Nothing may be lost: every
update ends answered 200 with a real reply (not the "something went wrong" apology a handler bug gets),
and no handler error is logged. Before db/errors.py, 55000 counted as a handler bug: the webhook
answered 200 with the apology and nothing was redelivered."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid

import aiohttp
import pytest
from sqlalchemy.engine import make_url

from bot.core.messages import Inbound, Kind
from db.session import create_engine
from tests.conftest import PG_URL, Database
from tests.fakes import FakeBotApi
from tests.telegram_driver import running_bot, stop_bot

pytestmark = pytest.mark.postgres

SECRET = "refusing-secret_1"
USERS = 20
REFUSE_SECONDS = 15.0
APOLOGY = "Xin lỗi, đã có lỗi"


class OwnDatabase(Database):
    """A whole PostgreSQL database for the test (ALLOW_CONNECTIONS is per database, not per schema)."""

    def __init__(self) -> None:
        self.backend = "postgres"
        self.schema = ""
        self.name = f"ocop_refuse_{uuid.uuid4().hex[:10]}"
        self.url = make_url(PG_URL).set(database=self.name).render_as_string(hide_password=False)
        self.admin_url = make_url(PG_URL).set(database="postgres").render_as_string(hide_password=False)

    def engine(self):  # noqa: ANN201
        return create_engine(self.url)

    async def admin(self, *statements: str) -> None:
        engine = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        try:
            async with engine.connect() as connection:
                for statement in statements:
                    await connection.exec_driver_sql(statement)
        finally:
            await engine.dispose()

    async def create(self) -> None:
        await self.admin(f'CREATE DATABASE "{self.name}"')

    async def drop(self) -> None:
        await self.admin(f'ALTER DATABASE "{self.name}" ALLOW_CONNECTIONS true',
                         f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{self.name}'",
                         f'DROP DATABASE IF EXISTS "{self.name}"')

    async def refuse(self, refusing: bool) -> None:
        statements = [f'ALTER DATABASE "{self.name}" ALLOW_CONNECTIONS {"false" if refusing else "true"}']
        if refusing:
            statements.append(
                f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{self.name}'")
        await self.admin(*statements)


@pytest.fixture
async def own_database():  # noqa: ANN201
    db = OwnDatabase()
    await db.create()
    yield db
    await db.drop()


async def test_refused_connections_for_15_s_lose_no_update(own_database: OwnDatabase,
                                                           caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    async with FakeBotApi() as api:
        app, channel, http = await running_bot(own_database, api, webhook_url="https://bot.example.org",
                                               webhook_secret=SECRET)
        app.engine.db_retry_seconds = 2.0  # give up quickly: the platform's redelivery is what is tested
        statuses: dict[int, list[int]] = {}
        sent_by_user: dict[int, int] = {}
        url = f"{http.url}/telegram/webhook"
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        stop_sending = asyncio.Event()

        async def deliver(client: aiohttp.ClientSession, update: dict) -> None:
            """Telegram: deliver until answered 200, a moment apart."""
            seen = statuses.setdefault(update["update_id"], [])
            while True:
                async with client.post(url, json=update, headers=headers) as response:
                    seen.append(response.status)
                    if response.status == 200:
                        return
                await asyncio.sleep(0.5)

        async def user(client: aiohttp.ClientSession, user_id: int) -> None:
            deliveries = []
            number = 0
            while not stop_sending.is_set():
                number += 1
                kind = ("command", user_id, "/start") if number == 1 else ("text", user_id, f"câu hỏi số {number}")
                update = api.make_update_json(*kind)
                # One user's updates in order, as Telegram sends them: the next after the previous got its 200.
                await deliver(client, update)
                deliveries.append(update["update_id"])
                await asyncio.sleep(0.3)
            sent_by_user[user_id] = len(deliveries)

        try:
            async with aiohttp.ClientSession() as client:
                users = [asyncio.create_task(user(client, 7000 + n)) for n in range(USERS)]
                await asyncio.sleep(2)
                await own_database.refuse(True)
                refused_at = time.monotonic()
                # The engine really sees 55000 now (not a connection error Python raises itself).
                with pytest.raises(Exception) as refused:
                    await app.engine._handle_in_transaction(Inbound("telegram", "probe", Kind.TEXT, text="x"),
                                                            channel.limits)
                assert "55000" in repr(refused.value.__cause__ or refused.value) or "accepting" in str(refused.value)
                await asyncio.sleep(REFUSE_SECONDS - (time.monotonic() - refused_at))
                await own_database.refuse(False)
                await asyncio.sleep(3)
                stop_sending.set()
                await asyncio.wait_for(asyncio.gather(*users), timeout=120)
        finally:
            await stop_bot(app, channel, http)

    not_200 = sum(1 for seen in statuses.values() for status in seen if status != 200)
    apologies = [call for call in api.sent() if APOLOGY in (call.text or "")]
    without_reply = [uid for uid in range(7000, 7000 + USERS) if len(api.sent(uid)) < sent_by_user.get(uid, 0)]
    handler_errors = [r for r in caplog.records if r.getMessage().startswith("handler failed")]
    print(f"\nrefusing connections {REFUSE_SECONDS:.0f} s: {len(statuses)} updates, {not_200} deliveries "
          f"answered 503 and redelivered, {len(apologies)} lost (answered 200 with the apology), "
          f"{len(without_reply)} users with a missing reply, {len(handler_errors)} handler errors logged")
    assert not_200 > 0, "the window refused nothing: the fault was not injected"
    assert all(seen[-1] == 200 for seen in statuses.values())
    assert apologies == [] and handler_errors == [] and without_reply == []
