"""Questions in free text, as transcripts on the real engine (SQLite and PostgreSQL): the answer with its
readable sources and related questions, "Ý bạn là …?" between two close entries, feedback stored, chatter
answered kindly, the menu's topics, English users reading no Vietnamese."""

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
    assert entry.answer in chat.text
    assert ("📚 Nguồn: QĐ 26/2026/QĐ-TTg, Điều 6 khoản 1 điểm a, Điều 6 khoản 2 điểm d, Điều 7 khoản 1; Phụ lục III "
            "(bản sao, chưa đối chiếu)") in chat.text  # this entry rests on an unchecked copy, and says so once
    assert "(chưa đối chiếu văn bản gốc)" not in chat.text
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
    assert chat.text.startswith("❓ What") and "👍 Yes" in chat.labels()
    assert ("📚 Source: Decision 26/2026/QĐ-TTg, Article 6(1)(a), Article 6(2)(d), Article 7(1); Annex III "
            "(copy, not yet checked against the official text)") in chat.text
    await chat.send("who is in charge of OCOP in Dong Thap")  # a press article: its title in English, and its site
    assert "📚 Source: “Đồng Tháp now has 1,002 OCOP products” — nld.com.vn (26/11/2025)" in chat.text
    await chat.send("what is the deadline")
    assert "Which of these did you mean?" in chat.text
    assert sorted(chat.labels()[:2]) == ["➡️ What is the deadline for round 1 OCOP dossiers?",
                                         "➡️ What is the deadline for round 2 OCOP dossiers?"]


async def test_sources_are_readable_titles_and_articles(app: App, chat: Chat) -> None:
    await chat.send("xa xem xet ho so mat bao lau")
    assert "📚 Nguồn: QĐ 26/2026/QĐ-TTg, Điều 7 khoản 2 (bản sao, chưa đối chiếu)" in chat.text
    await chat.send("giay chung nhan ocop co gia tri bao lau")
    assert "📚 Nguồn: QĐ 148/QĐ-TTg ngày 24/02/2023; QĐ 26/2026/QĐ-TTg, Điều 4 khoản 3 (bản sao, chưa đối chiếu)" in chat.text
    assert "print-3767" not in chat.text and "(chưa đối chiếu văn bản gốc)" not in chat.text
    await chat.send("thoi gian hoat dong toi thieu bao nhieu nam moi dc tham gia")  # unconfirmed, no copy cited alone
    assert "Trợ lý OCOP (hướng dẫn chung): không tìm thấy quy định số năm hoạt động tối thiểu" in chat.text


async def test_two_close_entries_are_asked_about_with_both_as_buttons(app: App, chat: Chat) -> None:
    await chat.send("han nop ho so ocop")
    assert "Ý bạn là câu nào dưới đây?" in chat.text and "Nguồn" not in chat.text
    first, second = (app.content.faq.by_id[e].question for e in ("han-nop-dot-1", "han-nop-dot-2"))
    assert sorted(chat.labels()[:2]) == [f"➡️ {first}", f"➡️ {second}"]
    assert chat.labels()[2:] == ["📨 Gửi cho cán bộ", "🏠 Menu chính"]
    await chat.click("đợt 1")
    assert chat.text.startswith(f"❓ {first}") and "30/4" in chat.text
    await chat.click("👎")  # the question typed is kept with the entry chosen
    rows = await feedback_rows(app)
    assert [(r.entry_id, r.helpful, r.question) for r in rows] == [("han-nop-dot-1", False, "han nop ho so ocop")]


async def test_neither_entry_fits_so_the_question_goes_to_an_officer(app: App, chat: Chat) -> None:
    await chat.send("ai cong nhan sao")
    assert "Ý bạn là" in chat.text
    await chat.click("Gửi cho cán bộ")
    async with app.sessions() as session:
        tickets = list((await session.execute(select(Ticket))).scalars())
    assert [t.question for t in tickets] == ["ai cong nhan sao"]
    await chat.press("faq:pick:no-such-entry")
    assert "không còn dùng được" in chat.text


async def test_forged_feedback_and_unknown_entries_change_nothing(app: App, chat: Chat) -> None:
    await chat.press("faq:up:no-such-entry")
    assert "không còn dùng được" in chat.text
    await chat.press("faq:show:no-such-entry")
    await chat.press("faq:topic:no-such-topic")
    assert "không còn dùng được" in chat.text
    assert await feedback_rows(app) == []
