"""Download links (db/file_links.py) on SQLite and PostgreSQL: the token is never stored, a link stops at its
expiry and at its download count (also when requests race for the last one), and its row and bytes are
deleted a day after it expires."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import select

from bot.app import App
from db.file_links import KEPT_AFTER_EXPIRY, PruneExpiredFiles, digest, fetch_file, store_file
from db.models import FileLink, User, utcnow
from tests.conftest import Database, make_settings


async def test_links_expire_run_out_and_are_pruned(database: Database) -> None:
    app = await App.create(make_settings(database), db=database.engine())
    now = utcnow()
    try:
        async with app.sessions() as session, session.begin():
            user = User(channel="zalo", channel_user_id="42", locale="en")
            session.add(user)
            await session.flush()
            token, expires = await store_file(session, user.id, "Ho-so.zip", "application/zip", b"PK-bytes", now=now,
                                              minutes=60, locale="en")
            short, _ = await store_file(session, user.id, "Ho-so.zip", "application/zip", b"PK", now=now, minutes=5,
                                        locale="en")
        assert expires == now + timedelta(minutes=60) and token != short
        async with app.sessions() as session:
            hashes = set((await session.execute(select(FileLink.token_hash))).scalars())
        assert hashes == {digest(token), digest(short)} and token not in str(hashes)

        async def fetch(value: str, at=now, count=True):  # noqa: ANN001, ANN202
            async with app.sessions() as session, session.begin():
                return await fetch_file(session, value, now=at, max_fetches=3, count=count)

        assert (await fetch(token, count=False)).data == b"PK-bytes"  # a preview: not counted
        results = await asyncio.gather(*(fetch(token) for _ in range(5)))  # five race for three downloads
        assert sorted(r.reason for r in results) == ["", "", "", "used_up", "used_up"]
        assert {r.data for r in results if not r.reason} == {b"PK-bytes"}
        assert (await fetch(token)).reason == "used_up" and (await fetch(token)).locale == "en"
        assert (await fetch(short, at=now + timedelta(minutes=5))).reason == "expired"
        assert (await fetch("not-a-token")).reason == "unknown" and (await fetch("x" * 500)).reason == "unknown"

        async with app.sessions() as session, session.begin():  # the 5-minute link is a day past its expiry
            await PruneExpiredFiles().enqueue_due(session, now + timedelta(minutes=5) + KEPT_AFTER_EXPIRY
                                                  + timedelta(seconds=1))
        async with app.sessions() as session:
            assert list((await session.execute(select(FileLink.token_hash))).scalars()) == [digest(token)]
    finally:
        await app.close()
