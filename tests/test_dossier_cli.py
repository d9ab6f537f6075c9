"""`ocop-bot dossier`: the same operation from a terminal, on a database the migrations built: list (drafts
for every producer with a product), set (a refused step says why and exits 1, changing nothing), undo, and
the Mẫu 03 draft written as DOCX and PDF."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.app import App
from bot.cli import main
from bot.core.config import Settings
from db.models import Dossier, DossierEvent, OutboxMessage
from tests.dossier_support import PRODUCT, seed_producer


async def _seed() -> None:
    app = await App.create(Settings())
    try:
        async with app.sessions() as session, session.begin():
            await seed_producer(session, app.content, "p1")
    finally:
        await app.close()


async def _counts() -> tuple[str, int, int]:
    app = await App.create(Settings())
    try:
        async with app.sessions() as session:
            status = (await session.execute(select(Dossier.status))).scalar_one()
            events = (await session.execute(select(func.count()).select_from(DossierEvent))).scalar_one()
            pushes = (await session.execute(select(func.count()).select_from(OutboxMessage)
                                            .where(OutboxMessage.source == "dossier"))).scalar_one()
            return status, int(events), int(pushes)
    finally:
        await app.close()


def test_cli_lists_sets_undoes_and_writes_mau03(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:  # noqa: ANN001
    monkeypatch.setenv("OCOP_DATABASE_URL", f"sqlite+direct:///{tmp_path}/cli.db")
    assert main(["db", "upgrade"]) == 0
    asyncio.run(_seed())
    assert main(["dossier", "list"]) == 0
    listed = capsys.readouterr().out
    assert f"1\tdraft\tHTX p1\t{PRODUCT}" in listed and "1 dossier(s)" in listed
    assert main(["dossier", "set", "1", "result", "--stars", "4"]) == 1
    assert "chưa tới bước này" in capsys.readouterr().err
    assert asyncio.run(_counts()) == ("draft", 0, 0)
    assert main(["dossier", "set", "1", "filed", "--note", "Đã nhận bản giấy"]) == 0
    assert "draft -> filed" in capsys.readouterr().out
    assert main(["dossier", "undo", "1"]) == 0
    assert asyncio.run(_counts()) == ("draft", 2, 2)
    assert main(["dossier", "undo", "1"]) == 1  # the undo itself is not undone again: nothing left
    assert main(["dossier", "mau03", "1", "--out", str(tmp_path / "out")]) == 0
    written = sorted(p.suffix for p in (tmp_path / "out").iterdir())
    assert written == [".docx", ".pdf"]
