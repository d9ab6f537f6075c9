"""What producers store as evidence, as officers see it: `ocop-bot evidence` (usage per producer, totals, over
quota) and the yearly export's evidence count per producer, which never holds a file's contents."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from bot.app import App
from bot.cli import main
from bot.officer.files import write_export
from bot.officer.yearly import export_tables
from db.evidence import add_evidence
from db.models import User, utcnow
from tests.test_dossier_forms import onboard_plain
from tests.transcript import Chat

SECRET = b"%PDF-1.4 secret-contents-of-a-scan"


async def seed(app: App, user_id: str, files: list[int]) -> int:
    async with app.sessions() as session, session.begin():
        user = (await session.execute(select(User).where(User.channel_user_id == user_id))).scalar_one()
        for n, size in enumerate(files):
            await add_evidence(session, user.id, "t:dang-ky-kinh-doanh", f"scan{n}.pdf", "application/pdf",
                               SECRET + b"x" * size, utcnow())
        return user.id


async def test_the_export_counts_evidence_and_holds_no_file(app: App, tmp_path: Path) -> None:
    await onboard_plain(Chat(app.engine, "u1"))
    await onboard_plain(Chat(app.engine, "u2"))
    first = await seed(app, "u1", [10, 20, 30])
    async with app.sessions() as session:
        export = await export_tables(session, app.content, app.i18n.translator("vi"))
    header, *rows = export.tables["dossiers"]
    assert header[-1] == "Số tệp minh chứng"
    assert {row[0]: row[-1] for row in rows} == {first: 3, first + 1: 0}
    [path] = write_export(export, tmp_path, "xlsx", "report")
    assert b"secret-contents" not in path.read_bytes()
    book = load_workbook(io.BytesIO(path.read_bytes()))
    assert [r[-1] for r in book["Hồ sơ"].iter_rows(min_row=2, values_only=True)] == [3, 0]


def test_cli_evidence_reports_usage_per_producer_and_totals(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    import asyncio

    from bot.core.config import Settings

    monkeypatch.setenv("OCOP_DATABASE_URL", f"sqlite+direct:///{tmp_path}/cli.db")
    monkeypatch.setenv("OCOP_EVIDENCE_QUOTA_FILES", "2")
    monkeypatch.chdir(tmp_path)
    assert main(["db", "upgrade"]) == 0

    async def prepare() -> tuple[int, int]:
        app = await App.create(Settings())
        try:
            await onboard_plain(Chat(app.engine, "u1"))
            await onboard_plain(Chat(app.engine, "u2"))
            return await seed(app, "u1", [1024 * 1024, 0, 0]), await seed(app, "u2", [0])
        finally:
            await app.close()

    first, second = asyncio.run(prepare())
    capsys.readouterr()
    assert main(["evidence"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].split()[:3] == [str(first), "console", "3"] and lines[1].endswith("OVER")  # 3 files > quota 2
    assert lines[2].split()[:3] == [str(second), "console", "1"] and not lines[2].endswith("OVER")
    assert lines[-1].startswith("total: 2 producers, 4 files, 1.00 MB")
