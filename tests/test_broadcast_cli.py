"""`ocop-bot officer …` and `ocop-bot broadcast send|status|cancel` on a SQLite file: send prints the id and
the recipient count, status the counts by outcome (after a worker delivered), cancel stops pending rows."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.broadcast_source import BroadcastSource
from bot.cli import main
from bot.config import Settings
from bot.delivery import DeliveryWorker
from bot.ratelimit import ChannelLimiter
from db.migrate import upgrade
from db.models import AuditEntry, OutboxMessage, User
from db.session import create_engine, session_factory
from tests.pushes_support import RecordingChannel, add_producer


def seed(url: str) -> None:
    async def go() -> None:
        engine = create_engine(url)
        await upgrade(engine)
        async with session_factory(engine)() as session, session.begin():
            for index in range(5):
                await add_producer(session, f"c{index}", channel="console", group="thuc-pham" if index < 3 else "do-uong")
        await engine.dispose()

    asyncio.run(go())


def deliver(url: str) -> list[str]:
    async def go() -> list[str]:
        engine = create_engine(url)
        channel = RecordingChannel(clock=lambda: None, name="console")
        await DeliveryWorker(session_factory(engine), {"console": channel}, {"broadcast": BroadcastSource()},
                             limiters={"console": ChannelLimiter(100, 100)}).run_until_idle()
        await engine.dispose()
        return [user for user, _text, _when in channel.sent]

    return asyncio.run(go())


def query(url: str, statement):  # noqa: ANN001, ANN201
    async def go():  # noqa: ANN202
        engine = create_engine(url)
        async with session_factory(engine)() as session:
            rows = (await session.execute(statement)).all()
        await engine.dispose()
        return rows

    return asyncio.run(go())


def test_officer_and_broadcast_commands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:  # noqa: ANN001
    url = f"sqlite+aiosqlite:///{tmp_path}/cli.db"
    monkeypatch.setenv("OCOP_DATABASE_URL", url)
    monkeypatch.chdir(tmp_path)
    assert Settings().database_url == url
    seed(url)

    assert main(["officer", "add", "telegram:42"]) == 0
    assert main(["officer", "add", "console:boss", "--admin"]) == 0
    assert main(["officer", "add", "nonsense"]) == 1
    capsys.readouterr()
    assert main(["officer", "list"]) == 0
    assert capsys.readouterr().out.splitlines() == ["console:boss\tadmin", "telegram:42\tofficer"]
    assert main(["officer", "remove", "telegram:42"]) == 0
    assert main(["officer", "remove", "telegram:77"]) == 1
    assert "not known" in capsys.readouterr().err
    assert query(url, select(User.role).where(User.channel_user_id == "42")) == [("producer",)]

    assert main(["broadcast", "send", "--text", "Họp", "--segment", "group=ca-phe"]) == 1
    assert "unknown group" in capsys.readouterr().err
    assert main(["broadcast", "send", "--text", "Họp chủ thể thực phẩm", "--segment", "group=thuc-pham"]) == 0
    first = re.search(r"broadcast (\d+): (\d+) recipients", capsys.readouterr().out)
    assert first and first.groups() == ("1", "3")
    assert sorted(deliver(url)) == ["c0", "c1", "c2"]
    assert main(["broadcast", "status", "1"]) == 0
    assert "total 3, sent 3, blocked 0, failed 0, skipped 0, pending 0" in capsys.readouterr().out

    assert main(["broadcast", "send", "--text", "Sau", "--at", "2099-01-01 08:00"]) == 0
    assert "broadcast 2: 5 recipients" in capsys.readouterr().out
    assert deliver(url) == []  # not due yet
    assert main(["broadcast", "cancel", "2"]) == 0
    assert "5 messages will not be sent" in capsys.readouterr().out
    assert main(["broadcast", "status", "2"]) == 0
    assert "total 5, sent 0, blocked 0, failed 0, skipped 5, pending 0" in capsys.readouterr().out
    assert main(["broadcast", "cancel", "2"]) == 1
    statuses = query(url, select(OutboxMessage.status, OutboxMessage.outcome_detail)
                     .where(OutboxMessage.source_key == "broadcast:2"))
    assert set(statuses) == {("skipped", "cancelled")}
    actions = [a for (a,) in query(url, select(AuditEntry.action).order_by(AuditEntry.id))]
    assert actions == ["officer.add", "officer.add", "officer.remove", "broadcast.create", "broadcast.create",
                       "broadcast.cancel"]
