"""One hand-off over the real python-telegram-bot against the stand-in Bot API: the producer and the
officer are two Telegram users; the officer's notification and the producer's answer arrive in their chats."""

from __future__ import annotations

from sqlalchemy import select

from db.models import Ticket
from tests.conftest import Database
from tests.fakes import FakeBotApi
from tests.telegram_driver import TelegramUser, api, running_bot, stop_bot  # noqa: F401 - api is a fixture

PRODUCER, OFFICER = 5001, 6001


async def test_hand_off_between_two_telegram_users(database: Database, api: FakeBotApi) -> None:  # noqa: F811
    app, channel, http = await running_bot(database, api, officers=[f"telegram:{OFFICER}"])
    try:
        producer, officer = TelegramUser(api, PRODUCER), TelegramUser(api, OFFICER)
        await officer.send("hi", "Xin chào")  # the bot learns who the officer is
        call = await producer.send("máy sấy của tôi bị hỏng thì sửa ở đâu", "chưa tìm được câu trả lời")

        api.clear_calls()
        api.push_callback(PRODUCER, "faq:handoff", message_id=call.result["message_id"])
        notification = await officer._wait_reply("Câu hỏi mới số 1")
        assert any("Đã gửi câu hỏi số 1" in (c.text or "") for c in api.sent(PRODUCER))
        assert "máy sấy" in notification.text

        call = await officer.press(notification, "Trả lời", "Bạn gõ câu trả lời")
        call = await officer.send("Anh liên hệ Trung tâm Khuyến nông tỉnh.", "Gửi câu trả lời này")
        api.clear_calls()
        api.push_callback(OFFICER, "inbox:reply_send", message_id=call.result["message_id"])
        answer = await producer._wait_reply("Cán bộ OCOP đã trả lời câu hỏi số 1")
        assert "Trung tâm Khuyến nông tỉnh" in answer.text
        await officer._wait_reply("Đã gửi câu trả lời")
        async with app.sessions() as session:
            ticket = (await session.execute(select(Ticket))).scalar_one()
        assert ticket.status == "answered"
    finally:
        await stop_bot(app, channel, http)
