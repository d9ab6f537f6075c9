"""The console channel as a newcomer uses it: `ocop-bot chat` in a real process, quit, start again."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bot.cli import main

ROOT = Path(__file__).resolve().parent.parent


def chat(tmp_path: Path, lines: list[str], user: str = "nong-dan-1") -> str:
    env = {**os.environ, "OCOP_DATABASE_URL": f"sqlite+direct:///{tmp_path / 'ocop.db'}", "PYTHONPATH": str(ROOT)}
    env.pop("OCOP_TELEGRAM_TOKEN", None)
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "chat", "--user", user],
        input="\n".join(lines) + "\n", capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_console_onboarding_survives_a_process_restart(tmp_path: Path) -> None:
    first = chat(tmp_path, ["1", "1", "HTX Sen Vàng", "1"])  # language, consent, name, type; then quit
    assert "1. Tiếng Việt" in first and "Câu 3/6" in first
    second = chat(tmp_path, ["cao lanh", "1", "1", "Xoài sấy", "/phone 0912345678"])
    assert second.count("Câu 1/6") == 0 and second.count("Câu 2/6") == 0  # nothing asked twice
    assert "tiếp tục" in second and "Câu 3/6" in second
    assert "Hồ sơ của bạn đã được lưu" in second and "7. ⚙️ Cài đặt" in second
    other = chat(tmp_path, ["2"], user="nong-dan-2")  # another producer starts afresh
    assert "Do you agree?" in other


def test_run_without_a_token_names_the_variable(monkeypatch, capsys, tmp_path: Path) -> None:  # noqa: ANN001
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("OCOP_TELEGRAM_TOKEN", raising=False)
    assert main(["run"]) == 2
    assert "OCOP_TELEGRAM_TOKEN" in capsys.readouterr().err


def test_webhook_without_secret_names_the_variable(monkeypatch, capsys, tmp_path: Path) -> None:  # noqa: ANN001
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("OCOP_TELEGRAM_TOKEN", "123:abc")
    monkeypatch.setenv("OCOP_WEBHOOK_URL", "https://bot.example.org")
    monkeypatch.delenv("OCOP_WEBHOOK_SECRET", raising=False)
    assert main(["run"]) == 2
    assert "OCOP_WEBHOOK_SECRET" in capsys.readouterr().err


def test_help_lists_every_command(capsys) -> None:  # noqa: ANN001
    try:
        main(["--help"])
    except SystemExit as exit_:
        assert exit_.code == 0
    out = capsys.readouterr().out
    for command in ("chat", "run", "db", "content"):
        assert command in out


def test_db_upgrade_creates_the_schema(monkeypatch, capsys, tmp_path: Path) -> None:  # noqa: ANN001
    monkeypatch.setenv("OCOP_DATABASE_URL", f"sqlite+direct:///{tmp_path / 'x.db'}")
    assert main(["db", "upgrade"]) == 0
    assert (tmp_path / "x.db").exists() and "newest schema" in capsys.readouterr().out
