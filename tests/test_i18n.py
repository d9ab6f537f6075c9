"""Every text a user can see exists in every catalog; content check reports broken files by file and key."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from bot.cli import main
from bot.content import DEFAULT_ROOT, load_content
from bot.core.i18n import I18n, load_catalogs
from bot.core.i18n_check import code_msgids, missing_translations
from bot.forms import TOPIC_LABELS


def test_every_code_id_and_content_text_is_translated() -> None:
    content = load_content()
    catalogs = load_catalogs(DEFAULT_ROOT / "locale")
    assert missing_translations(content, catalogs, TOPIC_LABELS) == []
    assert len(code_msgids()) > 60 and len(content.texts()) > 20 and len(TOPIC_LABELS) == 15


def test_a_missing_translation_is_reported() -> None:
    content = load_content()
    catalogs = load_catalogs(DEFAULT_ROOT / "locale")
    without = {loc: dict(cat) for loc, cat in catalogs.items()}
    del without["en"]["menu.title"]
    del without["en"]["Hợp tác xã"]
    del without["en"]["Giấy đăng ký kinh doanh"]  # a row of Mẫu 02's guidance table (bot/forms/topics.py)
    problems = missing_translations(content, without, TOPIC_LABELS)
    assert any("'menu.title' has no en translation" in p for p in problems)
    assert any("'Hợp tác xã'" in p for p in problems)
    assert any("'Giấy đăng ký kinh doanh'" in p for p in problems)


def test_dates_and_numbers_use_babel_for_the_locale() -> None:
    i18n = I18n(DEFAULT_ROOT / "locale")
    vi, en = i18n.translator("vi"), i18n.translator("en")
    assert vi.number(1234567.5) == "1.234.567,5" and en.number(1234567.5) == "1,234,567.5"
    assert "30" in vi.date(date(2027, 4, 30)) and "thg 4" in vi.date(date(2027, 4, 30))
    assert en.date(date(2027, 4, 30)) == "Apr 30, 2027"
    assert vi.money(125000).replace("\xa0", " ") == "125.000 ₫"


def test_content_check_command(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    assert main(["content", "check"]) == 0
    broken = tmp_path / "content"
    shutil.copytree(DEFAULT_ROOT, broken)
    text = (broken / "programme.yaml").read_text(encoding="utf-8")
    (broken / "programme.yaml").write_text(text.replace("registered: true", "registered: maybe", 1), encoding="utf-8")
    assert main(["content", "check", "--dir", str(broken)]) == 1
    err = capsys.readouterr().err
    assert "programme.yaml" in err and "producer_types.items.0.registered" in err
