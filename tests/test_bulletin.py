"""The monthly market bulletin: CSV validation naming lines, text in both languages with Babel money and
percentages, a real PNG chart, delivery to subscribers through the outbox, the CLI and the archive."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from bot.app import App
from bot.broadcasts.bulletin import (
    BulletinError,
    create_bulletin,
    parse_prices,
    render_chart,
    render_text,
    schedule_bulletin,
)
from bot.cli import main
from bot.content import DEFAULT_ROOT
from bot.push_wiring import build_sources
from bot.pushes.delivery import DeliveryWorker
from bot.pushes.scheduler import PushScheduler
from db.models import Bulletin, OutboxMessage
from db.pushes import PushPreferences
from tests.conftest import Database, make_settings
from tests.fakes import FakeBotApi
from tests.pushes_support import T0, add_producer, deliver_all, send_only_telegram, statuses
from tests.test_onboarding import onboard
from tests.transcript import Chat

SAMPLES = DEFAULT_ROOT / "samples"
CSV = (SAMPLES / "bulletin-2026-11.csv").read_text(encoding="utf-8")
SUMMARY = (SAMPLES / "bulletin-2026-11-summary.txt").read_text(encoding="utf-8")
SUMMARY_EN = (SAMPLES / "bulletin-2026-11-summary.en.txt").read_text(encoding="utf-8")
HEADER = "product,market,unit,price,last_price\n"


def test_the_sample_is_labelled_and_parses() -> None:
    assert CSV.startswith("# SAMPLE DATA") and "SAMPLE DATA" in SUMMARY
    assert "SAMPLE DATA" in (SAMPLES / "README.md").read_text(encoding="utf-8")
    prices = parse_prices(CSV)
    assert len(prices) == 8 and prices[0].product == "Xoài cát Hòa Lộc" and prices[0].price == 42000


@pytest.mark.parametrize(("text", "expected"), [
    ("product,market,price\nA,B,1\n", "line 1: header must be"),
    (HEADER + "Xoài,Chợ,kg,42000,38000\nSen,Chợ,kg,abc,70000\n", "line 3: price 'abc' is not a number"),
    ("# comment\n" + HEADER + "Xoài,Chợ,kg,42000\n", "line 3: 4 values, expected 5"),
    (HEADER + "Xoài,Chợ,kg,42000,0\n", "line 2: last_price must be more than 0"),
    (HEADER + "Xoài,Chợ,kg,1,2\nXoài,Chợ,kg,3,4\n", "line 3: 'Xoài' at 'Chợ' is listed twice"),
    (HEADER + ",Chợ,kg,1,2\n", "line 2: product must be 1 to 80 characters"),
    (HEADER, "no price rows follow"),
])
def test_bad_price_tables_are_refused_naming_the_line(text: str, expected: str) -> None:
    with pytest.raises(BulletinError) as caught:
        parse_prices(text, "gia.csv")
    assert str(caught.value).startswith("gia.csv") and expected in str(caught.value)


def test_text_in_both_languages_and_a_real_png_chart(app: App) -> None:
    bulletin = Bulletin(id=1, month="2026-11", summary_vi=SUMMARY, summary_en=SUMMARY_EN,
                        prices=[p.as_dict() for p in parse_prices(CSV)], groups=[])
    vi = render_text(bulletin, app.i18n.translator("vi")).replace("\xa0", " ")
    en = render_text(bulletin, app.i18n.translator("en")).replace("\xa0", " ")
    assert "BẢN TIN THỊ TRƯỜNG THÁNG 11/2026" in vi and "MARKET BULLETIN, 11/2026" in en
    assert "• Xoài cát Hòa Lộc – Chợ Cao Lãnh: 42.000 ₫/kg ▲ 10,5%" in vi
    assert "• Xoài cát Hòa Lộc – Chợ Cao Lãnh: ₫42,000/kg ▲ 10.5%" in en
    assert "Sen tươi (gương sen) – Chợ Sa Đéc: 65.000 ₫/kg ▼ -7,1%" in vi
    assert "120.000 ₫/hộp 500 g = 0,0%" in vi
    assert "Fresh lotus eased" in en and "Sen tươi giảm nhẹ" in vi
    chart = render_chart(bulletin, app.i18n.translator("en"))
    assert chart.startswith(b"\x89PNG\r\n\x1a\n") and len(chart) > 10_000


async def test_bulletin_goes_to_subscribers_with_chart_and_text(database: Database) -> None:
    app = await App.create(make_settings(database), db=database.engine())
    try:
        async with app.sessions() as session, session.begin():
            vi_food = await add_producer(session, 501, group="thuc-pham")
            en_drink = await add_producer(session, 502, group="do-uong", locale="en")
            craft = await add_producer(session, 503, group="thu-cong-my-nghe")
            leaver = await add_producer(session, 504, group="thuc-pham")
            await add_producer(session, 505, consent=False)
            await PushPreferences(session).set(leaver.id, "bulletin", enabled=False)
            await create_bulletin(session, "2026-11", SUMMARY, CSV, summary_en=SUMMARY_EN,
                                  groups=["thuc-pham", "do-uong"], known_groups=set(app.content.programme.group_by_code))
            await schedule_bulletin(session, app.settings, "2026-11", now=T0)  # 1/11 08:00 has passed: now
        sources = build_sources(app)
        scheduler = PushScheduler(app.sessions, sources["reminder"], sources["bulletin"])  # type: ignore[arg-type]
        assert await scheduler.tick(T0) == 2
        assert await scheduler.tick(T0) == 0  # enqueued once
        async with FakeBotApi(per_chat_per_second=1.0) as api:
            worker = DeliveryWorker(app.sessions, {"telegram": await send_only_telegram(api)}, sources)
            await deliver_all(worker, app.sessions)
            assert set(api.delivered) == {501, 502} and api.rate_violations == 0
            for chat, words in ((501, "BẢN TIN THỊ TRƯỜNG"), (502, "MARKET BULLETIN")):
                photo, text = api.sent(chat)
                assert photo.method == "sendPhoto" and photo.files["photo"][1].startswith(b"\x89PNG")
                assert text.method == "sendMessage" and words in text.text
                assert text.time - photo.time >= 0.99  # one message per second per chat
        assert craft.id and vi_food.id and en_drink.id
        assert await statuses(app.sessions) == {"sent": 2}
        async with app.sessions() as session:
            parts = (await session.execute(select(OutboxMessage.parts_done))).scalars().all()
        assert parts == [2, 2]
    finally:
        await app.close()


def test_officer_cli_create_preview_send(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:  # noqa: ANN001
    monkeypatch.setenv("OCOP_DATABASE_URL", f"sqlite+direct:///{tmp_path}/cli.db")
    monkeypatch.chdir(tmp_path)
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "Xoài,Chợ,kg,42.000,38000\nSen,Chợ,kg,nhiều,1\n", encoding="utf-8")
    args = ["bulletin", "create", "--month", "2026-11", "--summary", str(SAMPLES / "bulletin-2026-11-summary.txt")]
    assert main([*args, "--prices", str(bad)]) == 1
    assert "bad.csv: line 3: price 'nhiều'" in capsys.readouterr().err
    assert main([*args, "--prices", str(SAMPLES / "bulletin-2026-11.csv"), "--groups", "ca-phe"]) == 1
    assert "unknown product group" in capsys.readouterr().err
    assert main([*args, "--prices", str(SAMPLES / "bulletin-2026-11.csv"),
                 "--summary-en", str(SAMPLES / "bulletin-2026-11-summary.en.txt")]) == 0
    assert main(["bulletin", "preview", "--month", "2026-11", "--out", str(tmp_path / "out")]) == 0
    out = tmp_path / "out"
    assert (out / "bulletin-2026-11.vi.png").read_bytes().startswith(b"\x89PNG")
    assert "MARKET BULLETIN" in (out / "bulletin-2026-11.en.txt").read_text(encoding="utf-8")
    assert "BẢN TIN" in (out / "bulletin-2026-11.vi.txt").read_text(encoding="utf-8")
    assert main(["bulletin", "send", "--month", "2026-12"]) == 1
    assert main(["bulletin", "send", "--month", "2026-11", "--now"]) == 0
    assert "goes out at" in capsys.readouterr().out


async def test_archive_lists_sent_bulletins_shows_one_and_toggles_subscription(app: App, chat: Chat) -> None:
    await onboard(chat)
    await chat.press("bulletin:list")
    assert "Chưa có bản tin" in chat.text
    async with app.sessions() as session, session.begin():
        bulletin = await create_bulletin(session, "2026-11", SUMMARY, CSV)
        bulletin.scheduled_at = bulletin.enqueued_at = T0
        await create_bulletin(session, "2026-12", SUMMARY, CSV)  # not sent yet: not in the archive
    await chat.send("menu")
    await chat.click("Bản tin thị trường")
    assert chat.labels()[0] == "11/2026" and "12/2026" not in chat.labels()
    await chat.click("11/2026")
    assert chat.last.attachment is not None and chat.last.attachment.data.startswith(b"\x89PNG")
    assert "Xoài cát Hòa Lộc" in chat.last.text
    await chat.press("bulletin:show:2026-12")  # forged: not sent yet
    assert chat.last.attachment is None and "11/2026" in chat.labels()
    await chat.click("Không nhận bản tin")
    assert "không nhận bản tin thị trường nữa" in chat.text and "🔔 Nhận bản tin hằng tháng" in chat.labels()
    async with app.sessions() as session:
        user_id = (await session.execute(select(OutboxMessage.user_id))).scalar_one_or_none()
        assert user_id is None
        assert await PushPreferences(session).turned_off(1) == {"bulletin"}
