"""Officer broadcasts (SQLite and PostgreSQL): segments reach exactly the hand-computed producers, the chat
flow creates one broadcast with its outbox rows, forged officer payloads change nothing, scheduled
broadcasts wait for their time, cancelling stops pending rows, and the audit log records it all."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.app import App
from bot.broadcasts.operations import create_broadcast, recipients
from bot.broadcasts.progress import BroadcastProgress
from bot.channels.base import SendError, SendFailure
from bot.core.messages import FileRef, Kind, Outgoing, Purpose, Sent
from bot.officer.roles import set_role
from bot.push_wiring import build_sources
from bot.pushes.delivery import DeliveryWorker
from bot.pushes.ratelimit import ChannelLimiter
from db.models import AuditEntry, Broadcast, ConversationState, OutboxMessage, User
from tests.broadcast_support import A, B, seed
from tests.conftest import Database, make_settings
from tests.pushes_support import T0, RecordingChannel, statuses
from tests.transcript import Chat

EVERYONE = {"p1", "p2", "p3", "p4", "p8", "p9"}


@pytest.fixture
async def officer_app(database: Database) -> AsyncIterator[App]:
    application = await App.create(make_settings(database, officers=["console:off1"]), db=database.engine(),
                                   clock=lambda: T0)
    yield application
    await application.close()


@pytest.mark.parametrize(("segment", "expected"), [
    ({}, EVERYONE),
    ({"commune": A}, {"p1", "p2", "p8"}),
    ({"group": "thuc-pham"}, {"p1", "p3", "p4", "p8"}),
    ({"type": "htx"}, {"p1", "p3", "p8"}),
    ({"stars": "3"}, {"p1", "p8"}),
    ({"stars": "4"}, {"p4"}),
    ({"stars": "2"}, {"p2"}),
    ({"stars": "0"}, {"p9"}),
    ({"dossier": "complete"}, {"p1", "p4"}),
    ({"dossier": "incomplete"}, {"p2", "p3", "p8", "p9"}),
    ({"commune": A, "group": "thuc-pham", "stars": "3"}, {"p1", "p8"}),
    ({"commune": A, "group": "thuc-pham", "stars": "3", "dossier": "complete"}, {"p1"}),
    ({"group": "thuc-pham", "dossier": "incomplete"}, {"p3", "p8"}),
    ({"group": "du-lich"}, set()),
    # stars as a range: N and above (the latest finished self-assessment; knocked out counts as 0)
    ({"stars": "3+"}, {"p1", "p2", "p4", "p8"} - {"p2"}),
    ({"stars": "2+"}, {"p1", "p2", "p4", "p8"}),
    ({"stars": "4+"}, {"p4"}),
    ({"stars": "5+"}, set()),
    # the filters combine: commune AND group AND stars ≥ 3
    ({"commune": A, "group": "thuc-pham", "stars": "3+"}, {"p1", "p8"}),
    ({"commune": B, "group": "thuc-pham", "stars": "3+"}, {"p4"}),
    ({"commune": B, "group": "thuc-pham", "type": "htx", "stars": "3+"}, set()),
])
async def test_segments_reach_the_hand_computed_producers(officer_app: App, segment: dict, expected: set) -> None:
    await seed(officer_app.sessions, officer_app.content)
    async with officer_app.sessions() as session:
        found = {u.channel_user_id for u in await recipients(session, officer_app.content, segment)}
    assert found == expected


async def outbox_count(app: App) -> int:
    async with app.sessions() as session:
        return (await session.execute(select(func.count()).select_from(OutboxMessage))).scalar_one()


async def test_officer_composes_filters_previews_and_confirms(officer_app: App) -> None:
    await seed(officer_app.sessions, officer_app.content)
    officer = Chat(officer_app.engine, "off1")
    await officer.send("hi")
    await officer.press("officer:menu")
    await officer.click("Gửi thông báo")
    await officer.send("Hội chợ OCOP tỉnh mở đăng ký đến 15/12.")
    assert "Số chủ thể sẽ nhận: 6" in officer.text
    await officer.click("Nhóm sản phẩm")
    await officer.click("Thực phẩm")
    assert "Số chủ thể sẽ nhận: 4" in officer.text and "Nhóm sản phẩm: Thực phẩm" in officer.text
    await officer.click("Số sao")
    await officer.click("3★ trở lên")
    assert "Số chủ thể sẽ nhận: 3" in officer.text and "Số sao dự kiến: 3★ trở lên" in officer.text  # p1, p4, p8
    await officer.click("Xem trước")
    assert officer.replies[1].text == "Hội chợ OCOP tỉnh mở đăng ký đến 15/12."  # exactly what producers get
    await officer.click("Sau 1 giờ")
    assert "tới 3 chủ thể" in officer.text
    assert await outbox_count(officer_app) == 0  # nothing before the confirmation
    await officer.click("Xác nhận gửi")
    assert "Đã lên lịch thông báo số 1 tới 3 chủ thể" in officer.text
    async with officer_app.sessions() as session:
        broadcast = (await session.execute(select(Broadcast))).scalar_one()
        rows = list((await session.execute(select(OutboxMessage))).scalars())
        entry = (await session.execute(select(AuditEntry))).scalar_one()
    assert broadcast.total == 3 and broadcast.segment == {"group": "thuc-pham", "stars": "3+"}
    assert broadcast.due_at == T0 + timedelta(hours=1)
    assert {r.channel_user_id for r in rows} == {"p1", "p4", "p8"}
    assert {r.source_key for r in rows} == {"broadcast:1"} and {r.due_at for r in rows} == {T0 + timedelta(hours=1)}
    assert entry.action == "broadcast.create" and entry.details["audience"] == 3


async def test_typed_time_is_local_and_a_bad_one_changes_nothing(officer_app: App) -> None:
    officer = Chat(officer_app.engine, "off1")
    await officer.send("hi")
    await officer.press("broadcast:new")
    await officer.send("Nhắc lịch tập huấn")
    await officer.click("Xem trước")
    await officer.click("Nhập giờ khác")
    await officer.send("ngày mai")
    assert "Chưa đọc được thời gian" in officer.text
    await officer.send("05/12 08:30")  # 08:30 in Vietnam is 01:30 UTC
    assert "Gửi thông báo tới 0 chủ thể" in officer.text
    await officer.click("Xác nhận gửi")
    async with officer_app.sessions() as session:
        broadcast = (await session.execute(select(Broadcast))).scalar_one()
    assert broadcast.due_at == T0.replace(month=12, day=5, hour=1, minute=30)


@pytest.mark.parametrize("forged", ["broadcast:confirm", "broadcast:cancel:1", "roles:ok", "roles:rm:1", "roles:pick:1", "broadcast:set:group=thuc-pham"])
async def test_a_producer_pressing_officer_payloads_is_refused_and_nothing_changes(officer_app: App, forged: str) -> None:
    ids = await seed(officer_app.sessions, officer_app.content)
    async with officer_app.sessions() as session, session.begin():  # a real broadcast a producer tries to cancel
        await create_broadcast(session, officer_app.content, officer_id=ids["p7"], text="x", segment={},
                               due_at=T0 + timedelta(hours=1), now=T0)
    producer = Chat(officer_app.engine, "p1")
    # The producer even has a broadcast-like state, as if they had been shown the screens.
    async with officer_app.sessions() as session, session.begin():
        session.add(ConversationState(user_id=ids["p1"], flow="bc", step="confirm",
                                      data={"text": "spam", "segment": {}, "due": T0.isoformat(),
                                            "address": "console:p1"}))
    await producer.press(forged)
    assert "chỉ dành cho cán bộ OCOP" in producer.text
    async with officer_app.sessions() as session:
        broadcasts = list((await session.execute(select(Broadcast))).scalars())
        roles = dict((await session.execute(select(User.channel_user_id, User.role))).all())
        audit_rows = (await session.execute(select(func.count()).select_from(AuditEntry))).scalar_one()
    assert [(b.id, b.status) for b in broadcasts] == [(1, "scheduled")]
    assert await statuses(officer_app.sessions) == {"pending": 6}
    assert roles["p1"] == "producer" and roles["p7"] == "officer" and audit_rows == 0


async def test_scheduled_broadcast_waits_for_its_time_and_cancel_sends_nothing(officer_app: App) -> None:
    await seed(officer_app.sessions, officer_app.content)
    async with officer_app.sessions() as session, session.begin():
        later = await create_broadcast(session, officer_app.content, officer_id=None, text="Sau", segment={},
                                       due_at=T0 + timedelta(hours=2), now=T0)
        cancelled = await create_broadcast(session, officer_app.content, officer_id=None, text="Hủy",
                                           segment={"commune": A}, due_at=T0 + timedelta(hours=2), now=T0)
    now = [T0]
    channel = RecordingChannel(clock=lambda: now[0], name="console")
    worker = DeliveryWorker(officer_app.sessions, {"console": channel}, build_sources(officer_app),
                            clock=lambda: now[0])
    await worker.run_until_idle()
    assert channel.sent == []  # before its time

    officer = Chat(officer_app.engine, "off1")
    await officer.send("hi")
    await officer.press(f"broadcast:cancel:{cancelled.id}")
    assert "Đã hủy thông báo số 2: 3 tin" in officer.text
    now[0] = T0 + timedelta(hours=2, seconds=1)
    await worker.run_until_idle()
    assert sorted((user, text) for user, text, _ in channel.sent) == sorted((u, "Sau") for u in EVERYONE)
    assert all(when >= T0 + timedelta(hours=2) for _, _, when in channel.sent)
    async with officer_app.sessions() as session:
        rows = list((await session.execute(select(OutboxMessage).where(
            OutboxMessage.source_key == f"broadcast:{cancelled.id}"))).scalars())
        entry = (await session.execute(select(AuditEntry))).scalar_one()
    assert {(r.status, r.outcome_detail) for r in rows} == {("skipped", "cancelled")} and len(rows) == 3
    assert entry.action == "broadcast.cancel" and entry.details == {"broadcast": cancelled.id, "stopped": 3}
    assert later.id == 1
    await officer.press("broadcast:history")
    assert "Số 2 (đã hủy" in officer.text and "Số 1 (đã lên lịch" in officer.text


async def test_admin_adds_and_removes_an_officer_in_chat_and_reads_the_audit_log(database: Database) -> None:
    app = await App.create(make_settings(database, officers=[]), db=database.engine(), clock=lambda: T0)
    try:
        admin, producer = Chat(app.engine, "boss"), Chat(app.engine, "p1")
        await admin.send("hi")
        await producer.send("hi")
        async with app.sessions() as session, session.begin():
            await set_role(session, "console", "boss", "admin")
        await admin.press("officer:menu")
        await admin.click("Quản lý cán bộ")
        await admin.click("Thêm cán bộ")
        await admin.send("không phải mã")
        assert "Chưa đúng dạng" in admin.text
        await admin.send("console:p1")
        assert "Cấp quyền cán bộ OCOP cho console:p1" in admin.text
        await admin.click("Xác nhận")
        assert "console:p1 đã là cán bộ OCOP" in admin.text
        await producer.press("officer:menu")
        assert "Công cụ cán bộ" in producer.text and "Quản lý cán bộ" not in producer.text  # officer, not admin
        await producer.press("roles:menu")
        assert "chỉ dành cho cán bộ" in producer.text  # officers cannot manage officers
        await admin.press("roles:menu")
        await admin.click("Bỏ quyền")
        assert "không còn là cán bộ" in admin.text
        await admin.press("audit:list")
        assert "officer.add" in admin.text and "officer.remove" in admin.text
    finally:
        await app.close()


async def test_configured_officers_already_known_are_promoted_at_start(database: Database) -> None:
    app = await App.create(make_settings(database), db=database.engine())
    await Chat(app.engine, "off9").send("hi")
    await app.close()
    app = await App.create(make_settings(database, officers=["console:off9"]), db=database.engine())
    try:
        async with app.sessions() as session:
            role = (await session.execute(select(User.role).where(User.channel_user_id == "off9"))).scalar_one()
        assert role == "officer"
    finally:
        await app.close()


async def test_a_photo_on_a_channel_that_cannot_download_is_explained_and_the_text_still_asked(officer_app: App) -> None:
    officer = Chat(officer_app.engine, "off1")
    await officer.send("hi")
    await officer.press("broadcast:new")
    photo = officer._inbound(Kind.FILE, text="Ảnh hội chợ", file=FileRef("AgAD-file", "photo.jpg", "image/jpeg", True))
    await officer._deliver(photo)  # the console channel cannot fetch files
    assert "Chưa lấy được tệp này" in officer.text
    await officer.send("Hội chợ tháng 12")
    assert "Số chủ thể sẽ nhận: 0" in officer.text and "Kèm" not in officer.text


@dataclass
class BlockingChannel:
    """Records sends; one chat has blocked the bot."""

    blocked: str
    name: str = "console"
    sent: list[str] = field(default_factory=list)

    async def send(self, user_id: str, message: Outgoing, purpose: Purpose = Purpose.REPLY) -> Sent:
        if user_id == self.blocked:
            raise SendError(SendFailure.BLOCKED, "Forbidden: bot was blocked by the user")
        self.sent.append(user_id)
        return Sent(str(len(self.sent)))


async def test_history_shows_outcomes_and_who_was_not_reached(officer_app: App) -> None:
    await seed(officer_app.sessions, officer_app.content)
    async with officer_app.sessions() as session, session.begin():
        broadcast = await create_broadcast(session, officer_app.content, officer_id=None, text="Tin", segment={},
                                           due_at=T0, now=T0)
    channel = BlockingChannel(blocked="p3")
    await DeliveryWorker(officer_app.sessions, {"console": channel}, build_sources(officer_app), clock=lambda: T0,
                         limiters={"console": ChannelLimiter(100, 100)}).run_until_idle()
    assert sorted(channel.sent) == sorted(EVERYONE - {"p3"})
    officer = Chat(officer_app.engine, "off1")
    await officer.send("hi")
    await officer.press(f"broadcast:show:{broadcast.id}")
    assert "tổng 6, đã gửi 5, bị chặn 1, lỗi 0" in officer.text
    assert "• HTX p3 (đã chặn bot)" in officer.text
    assert "Hủy thông báo này" in officer.labels()[0]  # still "scheduled": the progress task has not run
    await officer.press("broadcast:show:999")
    assert "Không tìm thấy" in officer.text


async def test_a_channel_without_edit_gets_only_the_final_report(officer_app: App) -> None:
    await seed(officer_app.sessions, officer_app.content)
    officer = Chat(officer_app.engine, "off1")
    await officer.send("hi")
    async with officer_app.sessions() as session, session.begin():
        off = (await session.execute(select(User).where(User.channel_user_id == "off1"))).scalar_one()
        broadcast = await create_broadcast(session, officer_app.content, officer_id=off.id, text="Tin",
                                           segment={"commune": A}, due_at=T0, now=T0)
    channel = RecordingChannel(clock=lambda: T0, name="console")
    progress = BroadcastProgress(officer_app.sessions, {"console": channel}, officer_app.i18n, clock=lambda: T0)
    assert await progress.tick() == 0 and channel.sent == []  # running: a console cannot edit, so no message yet
    await DeliveryWorker(officer_app.sessions, {"console": channel}, build_sources(officer_app), clock=lambda: T0,
                         limiters={"console": ChannelLimiter(100, 100)}).run_until_idle()
    assert await progress.tick() == 1
    assert await progress.tick() == 0  # reported once
    reports = [text for user, text, _ in channel.sent if user == "off1"]
    assert reports == [f"✅ Thông báo số {broadcast.id} đã gửi xong: đã gửi 3/3, bị chặn 0, lỗi 0, bỏ qua 0."]
    async with officer_app.sessions() as session:
        assert (await session.get(Broadcast, broadcast.id)).status == "done"
