"""Zalo tokens encrypted at rest (issue 15, item 5): with OCOP_ZALO_TOKEN_KEY the access and refresh tokens
are stored as Fernet tokens (the SQLite file holds neither in clear), a row stored in plain text before
is encrypted when a store with the key starts, and a wrong or missing key says so instead of sending
garbage to Zalo."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from db.migrate import upgrade
from db.models import ZaloToken
from db.session import session_factory
from db.zalo_tokens import TokenCipher, ZaloTokenStore
from tests.conftest import Database

KEY = Fernet.generate_key().decode()
ACCESS, REFRESH, NEXT_REFRESH = "ACCESS-tok-aaaa1111", "REFRESH-tok-bbbb2222", "REFRESH-tok-cccc3333"


async def exchange(refresh: str) -> tuple[str, str, datetime]:
    assert refresh == REFRESH, "the store hands Zalo the refresh token in clear"
    return ACCESS, NEXT_REFRESH, datetime.now(UTC) + timedelta(hours=1)


async def test_tokens_are_encrypted_at_rest_and_plain_rows_are_encrypted_on_start(sqlite_database: Database) -> None:
    engine = sqlite_database.engine()
    await upgrade(engine)
    sessions = session_factory(engine)
    try:
        plain = ZaloTokenStore(sessions, "app1", REFRESH)  # no key: as the bot stored them before
        await plain.current()
        async with sessions() as session:
            row = await session.get(ZaloToken, "app1")
            assert row is not None and row.refresh_token == REFRESH
        store = ZaloTokenStore(sessions, "app1", REFRESH, key=KEY)
        assert await store.current() is None  # no access token yet; the plain row is now encrypted
        async with sessions() as session:
            row = await session.get(ZaloToken, "app1")
            assert row is not None and row.refresh_token.startswith(TokenCipher.PREFIX) and REFRESH not in row.refresh_token
        access, _ = await store.refresh(exchange, "")
        assert access == ACCESS and (await store.current() or ("",))[0] == ACCESS
        async with sessions() as session:
            row = await session.get(ZaloToken, "app1")
            assert row is not None and ACCESS not in row.access_token and NEXT_REFRESH not in row.refresh_token
        with pytest.raises(LookupError, match="OCOP_ZALO_TOKEN_KEY"):
            await ZaloTokenStore(sessions, "app1", key=Fernet.generate_key().decode()).current()
        with pytest.raises(LookupError, match="encrypted"):
            await ZaloTokenStore(sessions, "app1").current()
        async with engine.connect() as connection:
            await connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        await engine.dispose()
    path = Path(sqlite_database.url.split(":///", 1)[1])
    data = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
    assert ACCESS.encode() not in data and NEXT_REFRESH.encode() not in data and REFRESH.encode() not in data
