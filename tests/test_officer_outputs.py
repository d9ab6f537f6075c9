"""The shared officer operations, fixed once for chat, CLI and web: `--segment` repeated keeps every filter,
stars as a range, a broadcast in quiet hours says when it will really go (chat and CLI), the inbox says who
asked, and bulletin errors come in the officer's language."""

from __future__ import annotations

from datetime import UTC, datetime, time
from pathlib import Path

import pytest
from sqlalchemy import select, update

from bot.app import App
from bot.broadcasts.bulletin import BulletinError, month_label, parse_prices
from bot.broadcasts.operations import BroadcastError, check_segment, goes_out_at, stars_match
from bot.cli import main
from bot.cli.broadcast import parse_segment
from bot.content import DEFAULT_ROOT, load_content
from bot.core.config import Settings
from bot.core.i18n import I18n
from db.models import Broadcast, Profile, Ticket
from tests.test_broadcast_cli import query, seed
from tests.test_officer_tools import NOW, add_ticket, officer, officer_app, user_id  # noqa: F401
from tests.test_onboarding import onboard
from tests.transcript import Chat

I18N = I18n(DEFAULT_ROOT / "locale")


def test_stars_are_a_range_or_an_exact_value() -> None:
    assert [s for s in range(6) if stars_match(s, "3+")] == [3, 4, 5]
    assert [s for s in range(6) if stars_match(s, "3")] == [3]
    assert [s for s in range(6) if stars_match(s, "0")] == [0]
    content = load_content()
    assert check_segment({"stars": "3+", "group": "thuc-pham"}, content) == {"stars": "3+", "group": "thuc-pham"}
    for bad in ("6", "0+", "3-", "+3", "ba"):
        with pytest.raises(BroadcastError):
            check_segment({"stars": bad}, content)


def test_repeated_segment_options_all_apply() -> None:
    assert parse_segment(["commune=phuong-an-binh", "group=thuc-pham", "stars=3+"]) == {
        "commune": "phuong-an-binh", "group": "thuc-pham", "stars": "3+"}
    with pytest.raises(BroadcastError, match="given twice"):
        parse_segment(["group=thuc-pham", "group=do-uong"])


def test_cli_send_keeps_every_repeated_segment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:  # noqa: ANN001
    url = f"sqlite+direct:///{tmp_path}/cli.db"
    monkeypatch.setenv("OCOP_DATABASE_URL", url)
    monkeypatch.setenv("OCOP_QUIET_START", "21:00")
    monkeypatch.setenv("OCOP_QUIET_END", "07:00")
    monkeypatch.chdir(tmp_path)
    seed(url)  # five producers: c0-c2 thuc-pham, c3-c4 do-uong, all htx, no commune
    assert main(["broadcast", "send", "--text", "Họp", "--segment", "group=thuc-pham", "--segment", "type=htx",
                 "--at", "2030-03-02 22:30"]) == 0
    out = capsys.readouterr().out
    assert "3 recipients, due 2030-03-02 22:30 (Asia/Ho_Chi_Minh)" in out
    assert "quiet hours (21:00-07:00); it will start going out at 2030-03-03 07:00 (Asia/Ho_Chi_Minh)" in out
    [(segment,)] = query(url, select(Broadcast.segment))
    assert segment == {"group": "thuc-pham", "type": "htx"}  # both filters, not only the last
    assert main(["broadcast", "send", "--text", "Họp", "--segment", "group=do-uong", "--segment", "type=dn"]) == 0
    assert "0 recipients" in capsys.readouterr().out
    assert main(["broadcast", "send", "--text", "Họp", "--segment", "group=do-uong", "--at", "2030-03-02 10:00"]) == 0
    assert "quiet hours" not in capsys.readouterr().out


def test_goes_out_at_is_the_end_of_quiet_hours() -> None:
    settings = Settings(_env_file=None, quiet_start=time(21), quiet_end=time(7))  # type: ignore[call-arg]
    evening = datetime(2026, 12, 1, 15, 30, tzinfo=UTC)  # 22:30 in Đồng Tháp
    assert goes_out_at(evening, settings) == datetime(2026, 12, 2, 0, 0, tzinfo=UTC)  # 07:00 next morning
    noon = datetime(2026, 12, 1, 5, 0, tzinfo=UTC)
    assert goes_out_at(noon, settings) == noon


async def test_the_chat_warns_when_a_broadcast_falls_in_quiet_hours(officer_app: App) -> None:  # noqa: F811
    chat = await officer(officer_app)
    await chat.press("broadcast:new")
    await chat.send("Hội chợ OCOP")
    await chat.press("broadcast:preview")
    await chat.click("Nhập giờ khác")
    await chat.send("01/12 23:15")
    assert "giờ yên lặng" in chat.text and "07:00" in chat.text  # when it will really go
    await chat.press("broadcast:when:typed")
    await chat.send("01/12 09:15")
    assert "giờ yên lặng" not in chat.text


async def test_the_inbox_says_who_asked(officer_app: App) -> None:  # noqa: F811
    producer = Chat(officer_app.engine, "u1")
    await onboard(producer)
    uid = await user_id(officer_app, "u1")
    async with officer_app.sessions() as session, session.begin():
        await session.execute(update(Profile).where(Profile.user_id == uid)
                              .values(commune_code="phuong-an-binh", phone="0912345678"))
    await add_ticket(officer_app, uid, "Hồ sơ cần những gì?")
    chat = await officer(officer_app)
    await chat.press("inbox:list:open")
    profile_line = [line for line in chat.text.splitlines() if line.startswith("👤")]
    async with officer_app.sessions() as session:
        org = (await session.execute(select(Profile.org_name).where(Profile.user_id == uid))).scalar_one()
    assert profile_line == [f"👤 {org} · Phường An Bình · 0912345678"]
    await chat.press("inbox:tickets:open")  # the hand-off's own list says it too
    assert f"👤 {org} · Phường An Bình · 0912345678" in chat.text
    async with officer_app.sessions() as session:
        assert (await session.execute(select(Ticket.status))).scalar_one() == "open"


def test_bulletin_errors_in_the_officer_language() -> None:
    vi, en = I18N.translator("vi"), I18N.translator("en")
    with pytest.raises(BulletinError) as caught:
        parse_prices("product,market,unit,price,last_price\n", "chat")
    assert str(caught.value) == "chat: the header is there but no price rows follow"  # the CLI's words
    assert caught.value.explain(vi) == "có dòng tiêu đề nhưng chưa có dòng giá nào bên dưới"
    assert caught.value.explain(en) == "the header is there but no price rows follow"
    with pytest.raises(BulletinError) as caught:
        parse_prices("product,market,unit,price,last_price\nXoài,Chợ,kg,0,1\n", "chat")
    assert caught.value.explain(vi) == "dòng 2: cột price phải lớn hơn 0, không phải “0”"
    assert month_label("2026-12") == "12/2026"



async def test_the_officer_section_offers_the_web_console(officer_app: App) -> None:  # noqa: F811
    chat = await officer(officer_app)
    await chat.press("officer:menu")
    await chat.click("Làm việc trên web")
    assert "chưa được bật" in chat.text  # OCOP_WEB_ENABLED is off here: said so, no link
    producer = Chat(officer_app.engine, "u1")
    await onboard(producer)
    await producer.press("web:link")  # forged by a producer: refused like every officer button
    assert "chỉ dành cho cán bộ" in producer.text


def test_the_web_console_needs_a_strong_secret_and_never_shows_it() -> None:
    from bot.core.config import ConfigError

    weak = Settings(_env_file=None, web_enabled=True, web_secret="short")  # type: ignore[call-arg]
    with pytest.raises(ConfigError, match="OCOP_WEB_SECRET"):
        weak.require_web()
    strong = Settings(_env_file=None, web_enabled=True, web_secret="k" * 48,  # type: ignore[call-arg]
                      webhook_url="https://bot.example.org/")
    strong.require_web()
    assert "k" * 48 not in repr(strong) and "k" * 48 not in str(strong)
    assert strong.web_url == "https://bot.example.org/web"  # behind the webhooks' proxy by default
