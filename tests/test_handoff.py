"""Hand-off to officers as transcripts (SQLite and PostgreSQL): a question the FAQ cannot answer becomes a
ticket, officers are told with a Reply button, the answer reaches the producer, forged payloads change
nothing, and a restart between question and answer loses nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from bot.app import App
from bot.core.messages import Inbound, Kind
from db.models import OutboxMessage, Ticket, User
from tests.conftest import Database, make_settings
from tests.transcript import Chat

OFF_FAQ = "máy sấy của tôi bị hỏng thì sửa ở đâu"


@pytest.fixture
async def officer_app(database: Database) -> AsyncIterator[App]:
    application = await App.create(make_settings(database, officers=["console:off1"]), db=database.engine())
    yield application
    await application.close()


async def tickets(app: App) -> list[Ticket]:
    async with app.sessions() as session:
        return list((await session.execute(select(Ticket).order_by(Ticket.id))).scalars())


async def user_id(app: App, channel_user_id: str) -> int:
    async with app.sessions() as session:
        return (await session.execute(select(User.id).where(User.channel_user_id == channel_user_id))).scalar_one()


async def ask_and_send(producer: Chat, officer: Chat) -> str:
    """The officer has written once (so the bot knows them); the producer asks off-FAQ and sends it on.
    Returns the Reply payload the officer received."""
    await officer.send("hi")
    await producer.send(OFF_FAQ)
    assert "chưa tìm được câu trả lời" in producer.text
    await producer.click("Gửi cho cán bộ")
    assert "Đã gửi câu hỏi số 1" in producer.text and "❓ Hỏi đáp" in producer.labels()
    [push] = producer.pushes
    assert push.user_id == "off1" and "Câu hỏi mới số 1" in push.message.text and OFF_FAQ in push.message.text
    [reply] = [b for b in push.message.flat_buttons() if "Trả lời" in b.label]
    return reply.payload


async def test_question_goes_to_the_officer_and_the_answer_comes_back(officer_app: App) -> None:
    producer, officer = Chat(officer_app.engine, "u1"), Chat(officer_app.engine, "off1")
    reply_payload = await ask_and_send(producer, officer)
    [ticket] = await tickets(officer_app)
    assert ticket.status == "open" and ticket.question == OFF_FAQ and ticket.user_id == await user_id(officer_app, "u1")

    await officer.press(reply_payload)
    assert "Câu hỏi số 1" in officer.text and OFF_FAQ in officer.text
    await officer.send("Anh liên hệ Trung tâm Khuyến nông tỉnh, số 0277 xxx.")
    assert "Gửi câu trả lời này" in officer.text and officer.pushes == []
    await officer.click("Sửa")
    await officer.send("Bản nháp thứ hai.")
    await officer.send("Anh liên hệ Trung tâm Khuyến nông tỉnh để được hỗ trợ.")  # typing again replaces the draft
    assert "«Anh liên hệ Trung tâm Khuyến nông tỉnh để được hỗ trợ.»" in officer.text
    await officer.click("✅ Gửi")
    assert "Đã gửi câu trả lời cho câu hỏi số 1" in officer.text
    [push] = officer.pushes
    assert push.user_id == "u1" and "Cán bộ OCOP đã trả lời câu hỏi số 1" in push.message.text
    assert "Trung tâm Khuyến nông tỉnh để được hỗ trợ" in push.message.text and OFF_FAQ in push.message.text

    [ticket] = await tickets(officer_app)
    assert ticket.status == "answered" and ticket.answer == "Anh liên hệ Trung tâm Khuyến nông tỉnh để được hỗ trợ."
    assert ticket.answered_by == await user_id(officer_app, "off1") and ticket.answered_at is not None

    await officer.send("/tickets")
    assert "Câu hỏi chờ trả lời: 0" in officer.text and "Không có câu hỏi nào" in officer.text
    await officer.click("Câu hỏi đã trả lời")
    assert "Câu hỏi đã trả lời: 1" in officer.text and "#1" in officer.text and "Khuyến nông" in officer.text

    await officer.press(reply_payload)  # the old Reply button again
    assert "đã được trả lời rồi" in officer.text


async def test_a_producer_cannot_answer_even_with_forged_payloads(officer_app: App) -> None:
    producer, officer = Chat(officer_app.engine, "u1"), Chat(officer_app.engine, "off1")
    reply_payload = await ask_and_send(producer, officer)
    for forged in (reply_payload, "inbox:reply_send", "inbox:tickets:open", "inbox:tickets:answered"):
        await producer.press(forged)
        assert "chỉ cán bộ OCOP" in producer.text and producer.pushes == []
    await producer.send("/tickets")
    assert "chỉ cán bộ OCOP" in producer.text
    await producer.send("inbox:reply:1")  # typed as text, as Zalo sends payloads
    assert "chỉ cán bộ OCOP" in producer.text
    [ticket] = await tickets(officer_app)
    assert ticket.status == "open" and ticket.answer is None and ticket.answered_by is None


async def test_unknown_tickets_and_double_sends_change_nothing(officer_app: App) -> None:
    producer, officer = Chat(officer_app.engine, "u1"), Chat(officer_app.engine, "off1")
    await ask_and_send(producer, officer)
    await officer.press("inbox:reply:999")
    assert "Không tìm thấy câu hỏi này" in officer.text
    await officer.press("inbox:reply:abc")
    assert "Không tìm thấy câu hỏi này" in officer.text
    await producer.press("faq:handoff")  # the send button again: no second ticket, asks for a new question
    assert "gõ câu hỏi muốn gửi" in producer.text
    assert len(await tickets(officer_app)) == 1


async def test_a_typed_question_for_an_officer(officer_app: App) -> None:
    producer, officer = Chat(officer_app.engine, "u1"), Chat(officer_app.engine, "off1")
    await officer.send("hi")
    await producer.send("menu")
    await producer.click("Hỏi đáp")
    await producer.click("Hỏi cán bộ OCOP")
    await producer.send("Xã tôi khi nào họp hội đồng?")
    assert "«Xã tôi khi nào họp hội đồng?»" in producer.text
    await producer.click("Gửi cho cán bộ")
    assert "số 1" in producer.text and [p.user_id for p in producer.pushes] == ["off1"]
    await officer.send("menu")
    await officer.click("Hỏi đáp")
    await officer.click("Câu hỏi chờ trả lời")
    assert "Câu hỏi chờ trả lời: 1" in officer.text and "Xã tôi khi nào họp hội đồng?" in officer.text


async def test_a_restart_between_question_and_answer_loses_nothing(database: Database) -> None:
    settings = make_settings(database, officers=["console:off1"])
    first = await App.create(settings, db=database.engine())
    reply_payload = await ask_and_send(Chat(first.engine, "u1"), Chat(first.engine, "off1"))
    await first.close()

    second = await App.create(settings, db=database.engine())
    try:
        officer = Chat(second.engine, "off1")
        await officer.press(reply_payload)
        await officer.send("Đã có câu trả lời sau khi khởi động lại.")
        await officer.click("✅ Gửi")
        assert [p.user_id for p in officer.pushes] == ["u1"]
        [ticket] = await tickets(second)
        assert ticket.status == "answered" and ticket.answer == "Đã có câu trả lời sau khi khởi động lại."
    finally:
        await second.close()


async def queued_direct(app: App) -> list[OutboxMessage]:
    async with app.sessions() as session:
        query = select(OutboxMessage).where(OutboxMessage.source == "direct").order_by(OutboxMessage.id)
        return list((await session.execute(query)).scalars())


async def test_officers_on_another_channel_are_kept_for_the_delivery_worker(app: App) -> None:
    async with app.sessions() as session, session.begin():
        session.add(User(channel="telegram", channel_user_id="7001", role="officer", active=True))
        session.add(User(channel="telegram", channel_user_id="7002", role="officer", active=False))
    producer = Chat(app.engine, "u1")
    await producer.send(OFF_FAQ)
    await producer.click("Gửi cho cán bộ")
    assert producer.pushes == []  # the console cannot reach a Telegram user
    pending = await queued_direct(app)
    officer_id = await user_id(app, "7001")
    # the inactive officer is skipped; the other waits in the outbox as a conversation message
    assert [(p.user_id, p.channel, p.status, p.purpose) for p in pending] == [(officer_id, "telegram", "pending", "reply")]
    assert "Câu hỏi mới số 1" in pending[0].data["text"] and pending[0].data["buttons"][0][0][1] == "inbox:reply:1"


async def test_handle_without_pushes_keeps_them_pending(officer_app: App) -> None:
    """A channel that only takes replies (Engine.handle) loses nothing: the pushes wait in the database."""
    await Chat(officer_app.engine, "off1").send("hi")
    producer = Chat(officer_app.engine, "u1")
    await producer.send(OFF_FAQ)
    replies = (await officer_app.engine.handle(Inbound("console", "u1", Kind.BUTTON, dedup_key="x1", payload="faq:handoff"))).replies
    assert "Đã gửi câu hỏi số 1" in replies[0].text
    pending = await queued_direct(officer_app)
    assert [p.user_id for p in pending] == [await user_id(officer_app, "off1")]


async def test_deleting_my_data_removes_my_tickets_and_feedback(officer_app: App) -> None:
    from db.models import FaqFeedback

    producer, officer = Chat(officer_app.engine, "u1"), Chat(officer_app.engine, "off1")
    await ask_and_send(producer, officer)
    await producer.send("ocop co ton phi ko")
    await producer.click("👍")
    await producer.press("settings:delete")
    await producer.press("settings:delete_yes")
    assert await tickets(officer_app) == []
    async with officer_app.sessions() as session:
        assert list((await session.execute(select(FaqFeedback))).scalars()) == []
    await officer.send("/tickets")
    assert "Câu hỏi chờ trả lời: 0" in officer.text


async def test_the_delivery_worker_brings_a_cross_channel_ticket_to_the_officer(app: App) -> None:
    """A producer on the console asks; the officer is on Telegram: the worker delivers the notification
    with its Reply button through the real python-telegram-bot, ahead of bulk pushes."""
    from bot.push_wiring import build_sources
    from bot.pushes.delivery import DeliveryWorker
    from tests.fakes import FakeBotApi
    from tests.pushes_support import add_producers, broadcast, deliver_all, send_only_telegram

    async with app.sessions() as session, session.begin():
        session.add(User(channel="telegram", channel_user_id="7001", role="officer", active=True))
    bulk = await add_producers(app.sessions, range(9000, 9020))
    await broadcast(app.sessions, bulk, key="bulk")  # 20 bulk messages already waiting
    producer = Chat(app.engine, "u1")
    await producer.send(OFF_FAQ)
    await producer.click("Gửi cho cán bộ")
    async with FakeBotApi() as api:
        channel = await send_only_telegram(api)
        worker = DeliveryWorker(app.sessions, {"telegram": channel}, build_sources(app), concurrency=1)
        await worker.load_limits()
        await deliver_all(worker, app.sessions)
        sent = api.sent()
        officer_messages = [c for c in sent if c.chat_id == 7001]
        assert len(officer_messages) == 1 and "Câu hỏi mới số 1" in officer_messages[0].text
        buttons = officer_messages[0].params["reply_markup"]["inline_keyboard"]
        assert buttons[0][0]["callback_data"] == "inbox:reply:1"
        assert sent.index(officer_messages[0]) == 0  # the conversation message went before the bulk
        await channel.application.shutdown()
    assert [p.status for p in await queued_direct(app)] == ["sent"]
