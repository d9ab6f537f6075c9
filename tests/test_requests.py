"""Requests that are not questions go where they are served, before the FAQ, in Vietnamese typed any way
and in English (issue 14 item 1): transcripts against the real engine, one per request kind and language."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.app import App
from db.models import Ticket, User
from tests.test_onboarding import onboard
from tests.transcript import Chat

# (typed, what the answer must contain) per request kind, Vietnamese then English.
REQUESTS = {
    "officer": (("cho toi gap can bo", "Bạn gõ câu hỏi muốn gửi cho cán bộ"),
                ("I want to talk to an officer", "Type the question you want to send to an OCOP officer")),
    "notifications_off": (("ko muon nhan thong bao nua", "Đã dừng mọi nhắc nhở và bản tin"),
                          ("stop notifications", "All reminders and bulletins are stopped")),
    "notifications_on": (("bat lai nhac nho", "Đã bật nhắc nhở và bản tin"),
                         ("turn notifications back on", "Reminders and bulletins are on")),
    "deadlines": (("han chot cua toi", "Hạn chót sắp tới"), ("my deadlines", "Coming deadlines")),
    "dossier": (("hs cua toi", "Anh/chị chuẩn bị loại hồ sơ nào?"),
                ("my dossier", "Which kind of dossier are you preparing?")),
    "assessment": (("muon tu danh gia san pham", "Tự đánh giá sản phẩm OCOP"),
                   ("start a self-assessment", "OCOP self-assessment")),
    "stars": (("sp cua toi dc may sao", "Số sao do phiếu chấm điểm của chính bộ sản phẩm của bạn"),
              ("how many stars would my product get", "Stars come from the score sheet of your product's own")),
    "bulletin": (("cho xem ban tin", "Chưa có bản tin thị trường nào"),
                 ("market bulletin", "No market bulletin yet")),
    "angry": (("😡😡😡", "Xin lỗi bạn, Trợ lý chưa giúp được"), ("this bot is useless", "Sorry, the assistant has not helped")),
    "greeting": (("chao ad", "Xin chào!"), ("hello", "Hello")),
}


async def in_language(chat: Chat, locale: str) -> None:
    await onboard(chat)
    if locale == "en":
        await chat.press("settings:change_language")
        await chat.click("English")


@pytest.mark.parametrize("locale", ["vi", "en"])
@pytest.mark.parametrize("kind", sorted(REQUESTS))
async def test_a_typed_request_opens_its_screen(app: App, chat: Chat, kind: str, locale: str) -> None:
    typed, expected = REQUESTS[kind][0 if locale == "vi" else 1]
    await in_language(chat, locale)
    if kind == "notifications_on":
        await chat.send("dừng nhắc")
    await chat.send(typed)
    assert expected in chat.text, (kind, locale, chat.text)
    assert "Vâng ạ" not in chat.text and "chưa tìm được câu trả lời" not in chat.text


async def test_asking_for_an_officer_asks_the_question_first_and_sends_that(app: App, chat: Chat) -> None:
    """The request is not the question: the ticket carries what the producer types next."""
    await onboard(chat)
    await chat.send("cho em gap can bo voi")
    assert "Bạn gõ câu hỏi muốn gửi cho cán bộ" in chat.text
    await chat.send("Xã tôi nộp hồ sơ đợt 1 ở đâu?")
    await chat.click("Gửi cho cán bộ")
    async with app.sessions() as session:
        tickets = (await session.execute(select(Ticket.question))).scalars().all()
    assert tickets == ["Xã tôi nộp hồ sơ đợt 1 ở đâu?"]


@pytest.mark.parametrize(("typed", "locale"), [("đổi sang tiếng anh", "en"), ("doi ngon ngu", "en")])
async def test_changing_the_language_by_typing(app: App, chat: Chat, typed: str, locale: str) -> None:
    await onboard(chat)
    await chat.send(typed)
    assert "Language saved." in chat.text
    await chat.send("switch to Vietnamese")
    assert "Đã lưu ngôn ngữ." in chat.text
    async with app.sessions() as session:
        assert (await session.execute(select(User.locale))).scalar_one() == "vi"


async def test_a_question_still_reaches_the_faq(app: App, chat: Chat) -> None:
    await onboard(chat)
    await chat.send("hs ocop can gi")
    assert "Mẫu" in chat.text and "Bạn gõ câu hỏi muốn gửi cho cán bộ" not in chat.text
