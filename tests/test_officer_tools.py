"""Officer tools as transcripts (SQLite and PostgreSQL): forged officer payloads from a producer change
nothing; the inbox filters; deadlines changed in chat; statistics equal a hand count; the export opens with
openpyxl and holds the seeded rows."""

from __future__ import annotations

import io
import logging
import zipfile
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, update

from bot.app import App
from bot.broadcasts.operations import create_broadcast
from bot.cli import main
from db.models import (
    Assessment,
    Bulletin,
    DossierItem,
    OutboxMessage,
    Profile,
    ProvinceDeadlineRow,
    Ticket,
    User,
)
from db.province_deadlines import merged_deadlines
from tests.conftest import Database, make_settings
from tests.pushes_support import add_producer, broadcast
from tests.test_onboarding import onboard
from tests.transcript import Chat

NOW = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
async def officer_app(database: Database) -> AsyncIterator[App]:
    application = await App.create(make_settings(database, officers=["console:off1", "console:off2"]),
                                   db=database.engine())
    yield application
    await application.close()


async def officer(app: App, name: str = "off1") -> Chat:
    chat = Chat(app.engine, name)
    await chat.send("hi")  # the bot knows the officer from the first message on
    return chat


async def add_ticket(app: App, user_id: int, question: str, answered_by: int | None = None) -> int:
    async with app.sessions() as session, session.begin():
        ticket = Ticket(user_id=user_id, question=question, status="answered" if answered_by else "open",
                        created_at=NOW, answered_by=answered_by, answered_at=NOW if answered_by else None,
                        answer="Đã trả lời." if answered_by else None)
        session.add(ticket)
        await session.flush()
        return ticket.id


async def user_id(app: App, channel_user_id: str) -> int:
    async with app.sessions() as session:
        return (await session.execute(select(User.id).where(User.channel_user_id == channel_user_id))).scalar_one()


async def test_forged_officer_payloads_from_a_producer_are_refused_and_change_nothing(officer_app: App) -> None:
    producer = Chat(officer_app.engine, "u1")
    await onboard(producer)
    ticket = await add_ticket(officer_app, await user_id(officer_app, "u1"), "Hỏi về hồ sơ OCOP")
    for forged in ("export:make:xlsx", "export:ask", "calendar:rmok:bao-cao-nam-2026", "calendar:save", "calendar:add",
                   "calendar:d:2027-01-05", "stats:show", "inbox:list:open", "inbox:list:mine", "officer_bulletin:send:now"):
        replies = await producer.press(forged)
        assert "chỉ dành cho cán bộ" in producer.text, forged
        assert all(r.attachment is None for r in replies), forged
    await producer.press(f"inbox:reply:{ticket}")  # the Reply button of an inbox line
    await producer.send("Tôi tự trả lời")
    await producer.press("inbox:reply_send")
    async with officer_app.sessions() as session:
        assert (await session.execute(select(ProvinceDeadlineRow))).scalars().all() == []
        row = await session.get(Ticket, ticket)
        assert row is not None and row.status == "open" and row.answer is None
        assert "bao-cao-nam-2026" in {d.id for d in await merged_deadlines(session, officer_app.content.calendar)}


async def test_inbox_filters_show_the_right_tickets_and_reply_from_the_list(officer_app: App) -> None:
    first, second = await officer(officer_app, "off1"), await officer(officer_app, "off2")
    producer = Chat(officer_app.engine, "u1")
    await onboard(producer)
    uid, me, other = [await user_id(officer_app, n) for n in ("u1", "off1", "off2")]
    mine = await add_ticket(officer_app, uid, "Câu hỏi A", answered_by=me)
    theirs = await add_ticket(officer_app, uid, "Câu hỏi B", answered_by=other)
    waiting = await add_ticket(officer_app, uid, "Câu hỏi C")
    await first.press("officer:menu")
    await first.click("Câu hỏi chờ trả lời")
    assert "chờ trả lời: 1" in first.text and "Câu hỏi C" in first.text and "Câu hỏi A" not in first.text
    await first.click("Tôi đã trả lời")
    assert "bạn đã trả lời: 1" in first.text and "Câu hỏi A" in first.text and "Câu hỏi B" not in first.text
    await second.press("inbox:list:mine")
    assert "Câu hỏi B" in second.text and "Câu hỏi A" not in second.text
    await first.press("inbox:list:answered")
    assert "đã trả lời: 2" in first.text and "Câu hỏi A" in first.text and "Câu hỏi B" in first.text
    assert "Câu hỏi C" not in first.text
    await first.press("inbox:list:open")
    await first.click(f"câu số {waiting}")  # the Reply button on the listed ticket: the hand-off reply flow
    await first.send("Anh liên hệ UBND xã nhé.")
    await first.click("Gửi")
    async with officer_app.sessions() as session:
        row = await session.get(Ticket, waiting)
        assert row is not None and row.status == "answered" and row.answered_by == me
    await first.press("inbox:list:mine")
    assert "bạn đã trả lời: 2" in first.text and mine and theirs


async def test_an_officer_adds_moves_and_removes_a_deadline_in_chat(officer_app: App) -> None:
    chat = await officer(officer_app)
    await chat.press("calendar:list")
    assert "Các hạn của tỉnh" in chat.text
    await chat.click("Thêm hạn mới")
    await chat.send("ab")  # too short: asked again, nothing kept
    assert "ít nhất 3 ký tự" in chat.text
    await chat.send("Hạn nộp báo cáo quý I")
    assert len(chat.labels()) == 12 + 1  # twelve months from this one, and the menu
    await chat.press("calendar:m:2027-02")
    assert "29" not in chat.labels() and "28" in chat.labels()  # February 2027 has 28 days
    await chat.click("28")
    assert "Hạn nộp báo cáo quý I" in chat.text
    await chat.click("Lưu")
    async with officer_app.sessions() as session:
        [row] = (await session.execute(select(ProvinceDeadlineRow))).scalars().all()
    assert (row.due_date, row.title, row.removed) == (date(2027, 2, 28), "Hạn nộp báo cáo quý I", False)
    await chat.press(f"calendar:month:{row.id}")
    await chat.press("calendar:m:2027-03")
    await chat.press("calendar:d:2027-03-05")
    await chat.click("Lưu")
    await chat.press("calendar:rm:bao-cao-nam-2026")
    await chat.click("Đúng, xoá")
    async with officer_app.sessions() as session:
        deadlines = {d.id: d.date for d in await merged_deadlines(session, officer_app.content.calendar)}
    assert deadlines[row.id] == date(2027, 3, 5) and "bao-cao-nam-2026" not in deadlines
    assert "bao-cao-nam-2027" in deadlines
    await chat.press("calendar:save")  # an old Save button: nothing to save, nothing changes
    async with officer_app.sessions() as session:
        assert len((await session.execute(select(ProvinceDeadlineRow))).scalars().all()) == 2


async def seed(app: App) -> dict[str, int]:
    """Four producers: two in one commune, an assessment each for three, one complete dossier, broadcasts."""
    async with app.sessions() as session, session.begin():
        users = [await add_producer(session, 500 + i, group=g, producer_type=t)
                 for i, (g, t) in enumerate([("thuc-pham", "htx"), ("thuc-pham", "hkd"),
                                             ("do-uong", "htx"), (None, None)])]
        await session.flush()
        for user, commune in zip(users, ["phuong-an-binh", "phuong-an-binh", "phuong-binh-xuan", None], strict=True):
            await session.execute(update(Profile).where(Profile.user_id == user.id)
                                  .values(commune_code=commune, phone=f"09000000{user.id:02d}"))
        for user, stars, total in ((users[0], 3, 55), (users[1], 4, 75), (users[2], None, 30)):
            session.add(Assessment(user_id=user.id, rule_set="qd26-2026", product_set="7", answers={}, status="done",
                                   total=total, stars=stars, part_points={"A": total // 2, "B": total - total // 2},
                                   started_at=NOW, updated_at=NOW, finished_at=NOW))
        session.add(Assessment(user_id=users[0].id, rule_set="qd26-2026", product_set="7", answers={}, status="in_progress",
                               started_at=NOW, updated_at=NOW))
    from tests.test_reminders_year import complete_dossier
    await complete_dossier(app, users[0].id)
    async with app.sessions() as session, session.begin():
        session.add(DossierItem(user_id=users[1].id, kind="lan-dau", item_id="x", has_it=False, updated_at=NOW))
    await broadcast(app.sessions, users[:3], key="b1")
    async with app.sessions() as session, session.begin():
        await session.execute(update(OutboxMessage).where(OutboxMessage.user_id == users[0].id).values(status="sent"))
    return {"first": users[0].id}


async def test_statistics_equal_a_hand_count_and_the_chart_is_a_png(officer_app: App) -> None:
    await seed(officer_app)
    chat = await officer(officer_app)
    await chat.press("officer:menu")
    replies = await chat.click("Thống kê")
    text = chat.text
    assert "Nhà sản xuất: 4" in text  # the officer is not counted
    # names, never codes: communes, product groups, types of producer, stars and outbox outcomes in words
    assert "Phường An Bình: 2" in text and "Phường Bình Xuân: 1" in text and "(chưa khai): 1" in text
    assert "Thực phẩm: 2" in text and "Đồ uống: 1" in text and "Hợp tác xã: 2" in text and "Hộ kinh doanh (đã đăng ký): 1" in text
    assert "phuong-" not in text and "thuc-pham" not in text and "htx" not in text and "hkd" not in text
    assert "Đã tự đánh giá: 3" in text and "3 sao: 1" in text and "4 sao: 1" in text and "Chưa đạt sao (0★): 1" in text
    assert "1 đã bắt đầu, 1 đủ giấy tờ" in text
    assert "Thông báo · chờ gửi: 2" in text and "Thông báo · đã gửi: 1" in text
    [image] = [r.attachment for r in replies if r.attachment is not None]
    assert image.is_image and image.data.startswith(PNG) and len(image.data) > 5000


async def test_the_export_opens_with_openpyxl_and_holds_the_seeded_rows(officer_app: App,
                                                                        caplog: pytest.LogCaptureFixture) -> None:
    ids = await seed(officer_app)
    async with officer_app.sessions() as session, session.begin():
        await create_broadcast(session, officer_app.content, officer_id=None, text="Hội chợ OCOP",
                               segment={"group": "thuc-pham", "stars": "3+"}, due_at=NOW)
    caplog.set_level(logging.INFO)
    chat = await officer(officer_app)
    await chat.press("export:ask")
    replies = await chat.click("Excel, mọi năm")
    [document] = [r.attachment for r in replies if r.attachment is not None]
    assert not document.is_image and document.name.endswith(".xlsx")
    book = load_workbook(io.BytesIO(document.data))
    assert book.sheetnames == ["Tổng hợp", "Nhà sản xuất", "Tự đánh giá", "Hồ sơ", "Thông báo"]
    producers = list(book["Nhà sản xuất"].iter_rows(values_only=True))
    assert producers[0] == ("Mã số", "Tên chủ thể", "Số điện thoại", "Loại hình", "Nhóm sản phẩm", "Xã/phường",
                            "Sản phẩm chính", "Ngày tham gia")
    assert len(producers) == 5 and producers[1][:3] == (ids["first"], "HTX 500", f"09000000{ids['first']:02d}")
    assert producers[1][3:6] == ("Hợp tác xã", "Thực phẩm", "Phường An Bình")  # names, not codes
    assert producers[1][7] == datetime(2026, 11, 28)  # T0 03:00 UTC is 10:00 on 28/11 in Đồng Tháp: a local date
    assert book["Nhà sản xuất"]["H2"].number_format == "DD/MM/YYYY"
    assessments = list(book["Tự đánh giá"].iter_rows(values_only=True))
    assert assessments[0][4:6] == ("Phần A (điểm)", "Phần B (điểm)")
    assert [(r[0], r[6], r[7], r[8]) for r in assessments[1:]] == [
        (ids["first"], 55, 3, "Hoàn thành"), (ids["first"] + 1, 75, 4, "Hoàn thành"), (ids["first"] + 2, 30, 0, "Hoàn thành")]
    dossiers = {r[0]: r[5] for r in book["Hồ sơ"].iter_rows(min_row=2, values_only=True)}
    assert dossiers[ids["first"]] == "Có" and list(dossiers.values()).count("Có") == 1
    [announcement] = list(book["Thông báo"].iter_rows(min_row=2, values_only=True))
    assert announcement[3:6] == ("Hội chợ OCOP", "Thực phẩm; 3★ trở lên", 2)  # the 3★ and the 4★ producer
    # the summary sheet holds the statistics themselves: it agrees with the chat and with the other sheets
    summary = dict(book["Tổng hợp"].iter_rows(min_row=2, values_only=True))
    assert summary["Nhà sản xuất"] == len(producers) - 1 == 4
    assert summary["Đã tự đánh giá"] == len(assessments) - 1 == 3
    assert summary["Hồ sơ lần đầu: đủ giấy tờ"] == 1 and summary["Xã/phường: Phường An Bình"] == 2
    await chat.press("stats:show")
    assert f"Nhà sản xuất: {summary['Nhà sản xuất']}" in chat.text
    assert f"{summary['Hồ sơ lần đầu: đã bắt đầu']} đã bắt đầu, {summary['Hồ sơ lần đầu: đủ giấy tờ']} đủ giấy tờ" in chat.text
    replies = await chat.press("export:make:csv")
    [archive] = [r.attachment for r in replies if r.attachment is not None]
    with zipfile.ZipFile(io.BytesIO(archive.data)) as files:
        assert sorted(files.namelist()) == ["assessments.csv", "broadcasts.csv", "dossiers.csv", "producers.csv",
                                            "summary.csv"]
        text = files.read("producers.csv").decode("utf-8-sig")
        assert "HTX 503" in text and "28/11/2026" in text
    actions = [r.getMessage() for r in caplog.records if r.name == "ocop.officer"]
    assert len(actions) == 2 and all('"action": "export"' in line for line in actions)
    assert "0900000" not in caplog.text and "HTX 50" not in caplog.text  # logs never hold phones or names


async def test_the_export_of_one_year_keeps_that_year_only(officer_app: App) -> None:
    ids = await seed(officer_app)
    async with officer_app.sessions() as session, session.begin():
        late = datetime(2027, 1, 3, 2, 0, tzinfo=UTC)
        session.add(Assessment(user_id=ids["first"] + 3, rule_set="qd26-2026", product_set="7", answers={},
                               status="done", total=80, stars=4, part_points={}, started_at=late, updated_at=late,
                               finished_at=late))
    chat = await officer(officer_app)
    await chat.press("export:ask")
    replies = await chat.click("Excel năm 2026")
    [document] = [r.attachment for r in replies if r.attachment is not None]
    assert document.name == "ocop-bao-cao-2026.xlsx"
    book = load_workbook(io.BytesIO(document.data))
    assert len(list(book["Tự đánh giá"].iter_rows(min_row=2))) == 3  # the 2027 assessment is not in 2026's report
    summary = dict(book["Tổng hợp"].iter_rows(min_row=2, values_only=True))
    assert summary["Năm"] == 2026 and summary["Đã tự đánh giá"] == 3


def test_cli_calendar_import_list_and_export(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:  # noqa: ANN001
    monkeypatch.setenv("OCOP_DATABASE_URL", f"sqlite+direct:///{tmp_path}/cli.db")
    monkeypatch.chdir(tmp_path)
    assert main(["db", "upgrade"]) == 0
    bad = tmp_path / "bad.csv"
    bad.write_text("id,date,title\nx,31/02/2027,Họp\n", encoding="utf-8")
    assert main(["calendar", "import", str(bad)]) == 1
    assert "31/02/2027" in capsys.readouterr().err
    good = tmp_path / "deadlines.yaml"
    good.write_text("province_deadlines:\n  - {date: 2027-03-01, title: Hạn báo cáo quý I}\n"
                    "  - {id: bao-cao-nam-2026, date: 20/12/2026, title: Hạn báo cáo năm 2026 (mới)}\n"
                    "  - {id: bao-cao-nam-2027, date: 2027-12-15, title: x, removed: true}\n", encoding="utf-8")
    assert main(["calendar", "import", str(good)]) == 0
    capsys.readouterr()
    assert main(["calendar", "list"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert listed == ["2026-12-20  bao-cao-nam-2026  Hạn báo cáo năm 2026 (mới)",
                      "2027-03-01  han-bao-cao-quy-i-2027-03-01  Hạn báo cáo quý I"]
    assert main(["export", "--format", "xlsx", "--out", str(tmp_path / "out")]) == 0
    [path] = (tmp_path / "out").glob("*.xlsx")
    assert load_workbook(path).sheetnames == ["Tổng hợp", "Nhà sản xuất", "Tự đánh giá", "Hồ sơ", "Thông báo"]
    assert main(["export", "--format", "xlsx", "--year", "2026", "--locale", "en", "--out", str(tmp_path / "en")]) == 0
    [path] = (tmp_path / "en").glob("*.xlsx")
    assert path.name == "ocop-bao-cao-2026.xlsx"
    assert load_workbook(path).sheetnames == ["Summary", "Producers", "Self-assessments", "Dossiers", "Announcements"]
    assert main(["export", "--format", "csv", "--out", str(tmp_path / "csv")]) == 0
    assert len(list((tmp_path / "csv").glob("*.csv"))) == 5


async def test_an_officer_creates_previews_and_sends_the_bulletin_in_chat(officer_app: App) -> None:
    producer = Chat(officer_app.engine, "u1")
    await onboard(producer)
    await producer.press("officer_bulletin:send:now")  # forged: refused, nothing scheduled
    assert "chỉ dành cho cán bộ" in producer.text
    chat = await officer(officer_app)
    await chat.press("officer:menu")
    await chat.click("Bản tin thị trường")
    assert len(chat.labels()) == 12 + 1  # two months back, this one, nine ahead; and the menu
    await chat.send("13/2027")
    assert "Chưa hiểu tháng này" in chat.text
    await chat.send("3/2031")  # any month can be typed
    assert "Bản tin tháng 03/2031" in chat.text
    await chat.press("officer_bulletin:start")
    month_label = chat.labels()[2]  # "Tháng MM/YYYY": this month
    month = "-".join(reversed(month_label.removeprefix("Tháng ").split("/")))
    await chat.click(month_label)
    await chat.send("product,market,unit,price,last_price\nXoài,Chợ Cao Lãnh,kg,nhiều,1\n")
    assert "Chưa dùng được" in chat.text  # a bad price: explained in the officer's language, asked again
    assert "dòng 2: cột price “nhiều” không phải số tiền" in chat.text
    await chat.send("product,market,unit,price,last_price\n")
    assert "có dòng tiêu đề nhưng chưa có dòng giá nào" in chat.text and "header" not in chat.text
    await chat.send("product,market,unit,price,last_price\nXoài cát Hòa Lộc,Chợ Cao Lãnh,kg,42000,38000\n")
    replies = await chat.send("Giá xoài tăng nhờ nhu cầu cuối năm.")
    [chart] = [r.attachment for r in replies if r.attachment is not None]
    assert chart.data.startswith(PNG)
    assert any("Xoài cát Hòa Lộc" in r.text for r in replies) and any("Giá xoài tăng" in r.text for r in replies)
    async with officer_app.sessions() as session:
        [bulletin] = (await session.execute(select(Bulletin))).scalars().all()
        assert bulletin.month == month and bulletin.scheduled_at is None
    await chat.click("Gửi ngay")
    assert f"tháng {month_label.removeprefix('Tháng ')} sẽ được gửi" in chat.text  # MM/YYYY, never 2026-12
    async with officer_app.sessions() as session:
        [bulletin] = (await session.execute(select(Bulletin))).scalars().all()
        assert bulletin.scheduled_at is not None
