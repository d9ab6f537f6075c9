""""Delete my data" means deleted (issue 15, item 7): a producer with a distinctive name, phone and ids
uses the bot (onboarding, a question sent on to an officer on another channel, FAQ feedback), deletes their
data, and then the WHOLE SQLite file (WAL checkpointed) and everything logged are searched, as bytes, for
the name, the phone, the ids and the question. Also: processed update keys older than the platforms'
redelivery window are pruned by a scheduler source."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.app import App
from bot.core.messages import Inbound, Kind
from db.models import OutboxMessage, ProcessedUpdate, utcnow
from db.repositories import PROCESSED_KEYS_KEPT, PruneProcessedUpdates, Repositories
from tests.conftest import Database, make_settings
from tests.transcript import Chat

NAME = "HTX Quýt Hồng Zetaxyq"
PHONE = "0987 650 321"
PRODUCER = "8877665544332211009"  # a Zalo-like id
QUESTION = "máy sấy quýt của tôi bị hỏng, gọi giúp tôi số 0987650321 nhé"


def needles() -> dict[str, bytes]:
    found = {"name": NAME, "name part": "Zetaxyq", "phone": PHONE, "phone digits": PHONE.replace(" ", ""),
             "producer id": PRODUCER, "question": QUESTION, "question part": "máy sấy quýt"}
    return {label: text.encode() for label, text in found.items()}


async def test_deleted_data_is_nowhere_in_the_database_file_or_the_logs(sqlite_database: Database,
                                                                       caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    app = await App.create(make_settings(sqlite_database, officers=["telegram:off1"]), db=sqlite_database.engine())
    try:
        producer = Chat(app.engine, PRODUCER, channel="zalo")
        officer = Chat(app.engine, "off1", channel="telegram")
        await officer.send("hi")  # the bot knows the officer: the producer's question is queued for them
        await app.engine.handle(Inbound("zalo", PRODUCER, Kind.STARTED, dedup_key=f"zalo:follow:{PRODUCER}:1700"))
        await producer.start()
        await producer.click("Tiếng Việt")
        await producer.click("Đồng ý")
        await producer.send(NAME)
        await producer.click("Hợp tác xã")
        await producer.send("cao lanh")
        await producer.click("Phường Cao Lãnh")
        await producer.click("Thực phẩm")
        await producer.send("Quýt hồng sấy")
        await producer.share_phone(PHONE)
        await producer.send(QUESTION)
        await producer.click("Gửi cho cán bộ")
        await producer.send("ocop co ton phi ko")
        await producer.click("👍")
        async with app.sessions() as session:
            about = (await session.execute(select(func.count()).select_from(OutboxMessage)
                                           .where(OutboxMessage.channel == "telegram"))).scalar_one()
        assert about >= 1, "the officer's notice is an outbox row (they are on another channel)"
        await producer.press("settings:delete")
        await producer.press("settings:delete_yes")
        assert "xoá" in producer.text.lower() or "xóa" in producer.text.lower()
        async with app.db.connect() as connection:
            await connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        await app.close()
    path = Path(sqlite_database.url.split(":///", 1)[1])
    files = {p.name: p.read_bytes() for p in path.parent.glob(path.name + "*")}
    logged = "\n".join(f"{r.getMessage()} {r.exc_text or ''}" for r in caplog.records).encode()
    left = {f"{label} in {where}": True for label, needle in needles().items()
            for where, data in [*files.items(), ("the log", logged)] if needle in data}
    print(f"\npersonal data left after deletion: {len(left)} ({sorted(left)}); files searched: "
          f"{ {name: len(data) for name, data in files.items()} }, log records: {len(caplog.records)}")
    assert files and sum(len(d) for d in files.values()) > 10_000
    assert left == {}


async def test_processed_keys_past_the_redelivery_window_are_pruned(sqlite_database: Database) -> None:
    app = await App.create(make_settings(sqlite_database), db=sqlite_database.engine())
    try:
        async with app.sessions() as session, session.begin():
            repos = Repositories(session)
            assert await repos.updates.mark_processed("telegram:1")
            assert await repos.updates.mark_processed("telegram:2")
            assert not await repos.updates.mark_processed("telegram:1")
        async with app.sessions() as session, session.begin():
            old = (await session.execute(select(ProcessedUpdate))).scalars().all()[0]
            old.processed_at = utcnow() - PROCESSED_KEYS_KEPT - timedelta(minutes=1)
            assert "telegram" not in old.key, "keys are stored hashed"
        async with app.sessions() as session, session.begin():
            assert await PruneProcessedUpdates().enqueue_due(session, utcnow()) == 0
        async with app.sessions() as session:
            assert (await session.execute(select(func.count()).select_from(ProcessedUpdate))).scalar_one() == 1
    finally:
        await app.close()


async def test_settled_replies_are_pruned_after_a_day_and_pending_ones_never(sqlite_database: Database) -> None:
    """Every reply is an outbox row holding its rendered text: once settled it is kept a day, then deleted;
    a reply not yet sent, and a broadcast row (the officers' reports count those), stay."""
    from bot.core.outbox import SETTLED_REPLIES_KEPT, PruneSettledReplies
    from db.models import OutboxMessage, User

    app = await App.create(make_settings(sqlite_database), db=sqlite_database.engine())
    try:
        async with app.sessions() as session, session.begin():
            user = User(channel="telegram", channel_user_id="777")
            session.add(user)
            await session.flush()
            old = utcnow() - SETTLED_REPLIES_KEPT - timedelta(minutes=1)
            for key, source, status, due in (("a", "reply", "sent", old), ("b", "direct", "blocked", old),
                                             ("c", "reply", "sent", utcnow()), ("d", "reply", "pending", old),
                                             ("e", "reply", "sending", old), ("f", "broadcast", "sent", old)):
                session.add(OutboxMessage(source=source, source_key=key, user_id=user.id, channel="telegram",
                                          channel_user_id="777", purpose="reply", data={"text": "0912345678"},
                                          status=status, due_at=due))
        async with app.sessions() as session, session.begin():
            assert await PruneSettledReplies().enqueue_due(session, utcnow()) == 0
        async with app.sessions() as session:
            kept = sorted((await session.execute(select(OutboxMessage.source_key))).scalars())
        assert kept == ["c", "d", "e", "f"]
    finally:
        await app.close()
