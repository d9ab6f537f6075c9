"""`ocop-bot officer …` and `ocop-bot broadcast send|status|cancel` on a SQLite file: send prints the id and
the recipient count, status the counts by outcome (after a worker delivered), cancel stops pending rows;
--photo/--document send a real file with the text, and a bad file is refused with nothing created."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.broadcasts.source import BroadcastSource
from bot.cli import main
from bot.core.config import Settings
from bot.core.messages import Outgoing, Purpose, Sent
from bot.pushes.delivery import DeliveryWorker
from bot.pushes.ratelimit import ChannelLimiter
from db.migrate import upgrade
from db.models import AuditEntry, Broadcast, BroadcastMedia, OutboxMessage, User
from db.session import create_engine, session_factory
from tests.broadcast_files import big_photo, pdf, photo, xlsx
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
    url = f"sqlite+direct:///{tmp_path}/cli.db"
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


@dataclass
class AttachmentChannel:
    """Records what each recipient got: (text, attachment name, bytes) per message."""

    name: str = "console"
    sent: list[tuple[str, str, str, bytes]] = field(default_factory=list)

    async def send(self, user_id: str, message: Outgoing, purpose: Purpose = Purpose.REPLY) -> Sent:
        item = message.attachment
        self.sent.append((user_id, message.text, item.name if item else "", item.data if item else b""))
        return Sent(message_id=str(len(self.sent)))


def deliver_files(url: str) -> list[tuple[str, str, str, bytes]]:
    async def go() -> list[tuple[str, str, str, bytes]]:
        engine = create_engine(url)
        channel = AttachmentChannel()
        await DeliveryWorker(session_factory(engine), {"console": channel}, {"broadcast": BroadcastSource()},
                             limiters={"console": ChannelLimiter(100, 100)}).run_until_idle()
        await engine.dispose()
        return channel.sent

    return asyncio.run(go())


def test_broadcast_send_with_a_photo_or_a_document(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:  # noqa: ANN001
    url = f"sqlite+direct:///{tmp_path}/cli.db"
    monkeypatch.setenv("OCOP_DATABASE_URL", url)
    monkeypatch.chdir(tmp_path)
    seed(url)
    poster = tmp_path / "Poster hội chợ.jpg"
    poster.write_bytes(photo())
    assert main(["broadcast", "send", "--text", "Hội chợ OCOP", "--photo", str(poster), "--segment",
                 "group=thuc-pham"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"broadcast 1: 3 recipients, due .*, with photo Poster hội chợ\.jpg \(\d+ KB\)", out)
    got = deliver_files(url)
    assert sorted(user for user, *_ in got) == ["c0", "c1", "c2"]
    assert {(text, name, data) for _user, text, name, data in got} == {("Hội chợ OCOP", "Poster hội chợ.jpg", photo())}
    assert main(["broadcast", "status", "1"]) == 0
    assert "broadcast 1 (scheduled) with photo Poster hội chợ.jpg" in capsys.readouterr().out  # no progress task ran

    big = tmp_path / "big.jpg"
    big.write_bytes(big_photo())
    assert main(["broadcast", "send", "--text", "Ảnh lớn", "--photo", str(big)]) == 0
    assert "made smaller" in capsys.readouterr().out
    invitation = tmp_path / "giay-moi.pdf"
    invitation.write_bytes(pdf())
    assert main(["broadcast", "send", "--text", "Giấy mời", "--document", str(invitation), "--at",
                 "2099-01-01 08:00"]) == 0
    assert "with document giay-moi.pdf" in capsys.readouterr().out
    assert (len(query(url, select(Broadcast.id))), len(query(url, select(BroadcastMedia.id)))) == (3, 3)


@pytest.mark.parametrize(("option", "name", "content", "error"), [
    ("--photo", "missing.jpg", None, "no such file"),
    ("--photo", "huge.jpg", b"\xff\xd8\xff" + b"0" * 10_000_001, "may be at most 10.0 MB"),
    ("--document", "huge.pdf", b"%PDF-1.4\n" + b"0" * 5_000_001, "may be at most 5.0 MB"),
    ("--photo", "notes.txt", b"just text", "is not JPG or PNG"),
    ("--photo", "file.pdf", pdf(), "is not JPG or PNG"),
    ("--document", "prices.xlsx", xlsx(), "is not PDF, DOCX or DOC"),
    ("--photo", "broken.jpg", b"\xff\xd8\xff broken", "cannot be read as an image"),
])
def test_a_bad_file_is_refused_and_nothing_is_created(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys,  # noqa: ANN001
                                                      option: str, name: str, content: bytes | None,
                                                      error: str) -> None:
    url = f"sqlite+direct:///{tmp_path}/cli.db"
    monkeypatch.setenv("OCOP_DATABASE_URL", url)
    monkeypatch.chdir(tmp_path)
    seed(url)
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    capsys.readouterr()
    assert main(["broadcast", "send", "--text", "Tin", option, str(path)]) == 1
    assert error in capsys.readouterr().err
    for table in (Broadcast, BroadcastMedia, OutboxMessage, AuditEntry):
        assert query(url, select(table.id)) == []


def test_photo_and_document_together_are_refused_by_the_parser(capsys) -> None:  # noqa: ANN001
    with pytest.raises(SystemExit) as stop:
        main(["broadcast", "send", "--text", "x", "--photo", "a.jpg", "--document", "b.pdf"])
    assert stop.value.code == 2 and "not allowed with argument" in capsys.readouterr().err
