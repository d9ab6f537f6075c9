"""Questions in free text, as transcripts on the real engine (SQLite and PostgreSQL): the answer with its
source and related questions, feedback stored, chatter answered kindly, the menu's topics."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.app import App
from db.models import FaqFeedback, Ticket, User
from tests.transcript import Chat


async def feedback_rows(app: App) -> list[FaqFeedback]:
    async with app.sessions() as session:
        return list((await session.execute(select(FaqFeedback).order_by(FaqFeedback.entry_id))).scalars())


async def test_ask_read_related_and_rate(app: App, chat: Chat) -> None:
    faq = app.content.faq
    entry = faq.by_id["ho-so-gom-gi"]
    await chat.send("hs ocop can chuan bi nhung gi a")
    assert chat.text.startswith(f"❓ {entry.question}")
    assert entry.answer in chat.text and f"📚 Nguồn: {entry.source}" in chat.text
    assert "(chưa đối chiếu văn bản gốc)" in chat.text  # this entry rests on an unchecked copy
    assert "Câu trả lời này có hữu ích không?" in chat.text
    related = [faq.by_id[r].question for r in entry.related]
    assert chat.labels() == [f"➡️ {q}" for q in related] + ["👍 Có", "👎 Chưa", "🏠 Menu chính"]

    await chat.click(related[0])
    shown = faq.by_id[entry.related[0]]
    assert chat.text.startswith(f"❓ {shown.question}") and shown.answer in chat.text
    await chat.click("👍")
    assert "Cảm ơn bạn đã góp ý" in chat.text
    rows = await feedback_rows(app)
    assert [(r.entry_id, r.helpful, r.question) for r in rows] == [(shown.id, True, None)]


async def test_thumbs_down_keeps_the_question_and_offers_an_officer(app: App, chat: Chat) -> None:
    await chat.send("ocop co ton phi ko")
    assert "Tham gia OCOP có mất phí không?" in chat.text
    assert "(chưa đối chiếu văn bản gốc)" not in chat.text  # a checked fact says nothing more
    await chat.click("👎")
    assert "gửi câu hỏi cho cán bộ" in chat.text and "📨 Gửi cho cán bộ" in chat.labels()
    rows = await feedback_rows(app)
    assert [(r.entry_id, r.helpful, r.question) for r in rows] == [("chi-phi", False, "ocop co ton phi ko")]
    await chat.send("ocop co ton phi ko")
    await chat.click("👍")  # changing one's mind replaces the verdict
    assert [(r.entry_id, r.helpful) for r in await feedback_rows(app)] == [("chi-phi", True)]


async def test_chatter_gets_a_short_answer_and_the_menu(app: App, chat: Chat) -> None:
    for text, expected in (("cảm ơn", "Không có gì"), ("ok", "Vâng ạ"), ("hi", "Xin chào")):
        await chat.send(text)
        assert expected in chat.text and "❓ Hỏi đáp" in chat.labels()
        assert "Nguồn" not in chat.text and "cán bộ" not in chat.text
    async with app.sessions() as session:
        assert (await session.execute(select(func.count()).select_from(Ticket))).scalar_one() == 0


async def test_off_topic_text_offers_an_officer_instead_of_a_wrong_answer(chat: Chat) -> None:
    await chat.send("điện thoại tôi bị hỏng màn hình")
    assert "chưa tìm được câu trả lời" in chat.text and "Nguồn" not in chat.text
    assert chat.labels() == ["📨 Gửi cho cán bộ", "🏠 Menu chính"]


async def test_menu_questions_shows_how_to_ask_and_topics(app: App, chat: Chat) -> None:
    await chat.send("menu")
    await chat.click("Hỏi đáp")
    assert "gõ câu hỏi" in chat.text and "📂 Hồ sơ" in chat.labels() and "💰 Chi phí, hỗ trợ" in chat.labels()
    assert "📋 Câu hỏi chờ trả lời" not in chat.labels()  # officers only
    await chat.click("Chi phí")
    topic = [e.question for e in app.content.faq.entries if e.topic == "chi-phi"]
    assert chat.labels()[: len(topic)] == topic
    await chat.click(topic[0])
    assert chat.text.startswith(f"❓ {topic[0]}")


async def test_answers_in_english_for_an_english_user(app: App, chat: Chat) -> None:
    await chat.send("hi")
    async with app.sessions() as session, session.begin():
        user = (await session.execute(select(User))).scalar_one()
        user.locale = "en"
    await chat.send("what documents do I need for OCOP")
    assert chat.text.startswith("❓ What") and "📚 Source:" in chat.text
    assert "(not yet checked against the original text)" in chat.text and "👍 Yes" in chat.labels()


async def test_forged_feedback_and_unknown_entries_change_nothing(app: App, chat: Chat) -> None:
    await chat.press("faq:up:no-such-entry")
    assert "không còn dùng được" in chat.text
    await chat.press("faq:show:no-such-entry")
    await chat.press("faq:topic:no-such-topic")
    assert "không còn dùng được" in chat.text
    assert await feedback_rows(app) == []
