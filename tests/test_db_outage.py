"""The database away: the engine retries an update over a lost connection, then gives up with
DatabaseUnavailable, and the Telegram webhook answers 503 (Telegram delivers the update again) instead
of 200; once the database is back, the same update is handled. (Real connections: a port nobody
listens on, then the test's own database.)"""

from __future__ import annotations

import time

import aiohttp
import pytest
from sqlalchemy.exc import IntegrityError, OperationalError

from bot.core.engine import DatabaseUnavailable, is_connectivity_error
from bot.core.messages import Inbound, Kind
from db.session import create_engine, session_factory
from tests.conftest import Database
from tests.fakes import FakeBotApi
from tests.telegram_driver import USER, running_bot, stop_bot

UNREACHABLE = "postgresql+asyncpg://postgres@127.0.0.1:1/nowhere"
SECRET = "s3cret-token_ok"


def test_only_connection_failures_count_as_connectivity_errors() -> None:
    assert is_connectivity_error(OperationalError("SELECT 1", {}, Exception("server closed the connection")))
    assert is_connectivity_error(ConnectionRefusedError(111, "refused"))
    assert not is_connectivity_error(IntegrityError("INSERT", {}, Exception("duplicate key")))
    assert not is_connectivity_error(ValueError("a handler bug"))


async def test_webhook_answers_503_while_the_database_is_away_then_handles_the_update(database: Database) -> None:
    async with FakeBotApi() as api:
        app, channel, http = await running_bot(database, api, webhook_url="https://bot.example.org",
                                               webhook_secret=SECRET)
        working = app.engine.sessions
        away = create_engine(UNREACHABLE)
        try:
            app.engine.sessions = session_factory(away)
            app.engine.db_retry_seconds = 1.0
            started = time.monotonic()
            with pytest.raises(DatabaseUnavailable):
                await app.engine.handle(Inbound("console", "x", Kind.STARTED, dedup_key="outage:1"))
            assert 1.0 <= time.monotonic() - started < 5, "retried for about db_retry_seconds"
            update = api.make_update_json("command", USER, "/start")
            headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
            async with aiohttp.ClientSession() as client:
                async with client.post(f"{http.url}/telegram/webhook", json=update, headers=headers) as response:
                    assert response.status == 503
                assert api.sent(USER) == []
                app.engine.sessions = working  # the database is back: Telegram's redelivery is handled
                async with client.post(f"{http.url}/telegram/webhook", json=update, headers=headers) as response:
                    assert response.status == 200
            assert "ngôn ngữ" in api.sent(USER)[-1].text
        finally:
            app.engine.sessions = working
            await away.dispose()
            await stop_bot(app, channel, http)
