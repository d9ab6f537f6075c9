"""The Mẫu 02 Part III draft (read back from the PDF), the history with the change since the previous
assessment, and one full self-assessment over Telegram ending in sendDocument."""

from __future__ import annotations

from bot.app import App
from bot.content.criteria import Sheet
from tests.assessment_helpers import (
    all_bottom,
    all_top,
    answer,
    assessments_of,
    bottom,
    choose_set_if_asked,
    question_code,
    sheet_of,
    start_assessment,
)
from tests.conftest import Database
from tests.fakes import FakeBotApi
from tests.pdf_text import pdf_text
from tests.telegram_driver import USER, TelegramUser, api, payload_for, running_bot, stop_bot, walk_onboarding
from tests.test_onboarding import onboard
from tests.transcript import Chat

__all__ = ["api"]  # the Bot API stand-in fixture, shared with test_telegram


def mixed(sheet: Sheet) -> dict[str, int]:
    """A different scored option on most criteria, so each chosen text must really be looked up."""
    answers = {}
    for position, criterion in enumerate(sheet.criteria()):
        scored = [i for i, o in enumerate(criterion.options) if o.knock_out is None]
        answers[criterion.code] = scored[position % len(scored)]
    return answers


def folded(text: str) -> str:
    return " ".join(text.split())


async def test_mau02_draft_holds_every_criterion_and_chosen_option(app: App, chat: Chat) -> None:
    await onboard(chat)
    await start_assessment(chat)
    sheet = sheet_of(app)
    answers = mixed(sheet)
    await answer(chat, answers)
    [row] = await assessments_of(app)
    assert row.status == "done"
    await chat.click("Mẫu 02")
    attachment = chat.last.attachment
    assert attachment is not None and not attachment.is_image
    assert attachment.name.endswith(".pdf") and attachment.data.startswith(b"%PDF")
    assert "Bản nháp Mẫu 02" in chat.last.text
    text = pdf_text(attachment.data)
    assert "HTX Sen Vàng" in text and "Xoài sấy dẻo" in text
    assert "I.3.c – Chế biến từ rau, củ, quả, hạt" in text and "Quyết định 26/2026/QĐ-TTg" in text
    assert "BẢN NHÁP từ bài tự đánh giá trên Trợ lý OCOP – không phải kết quả đánh giá chính thức" in text
    assert f"Tổng điểm: {row.total}/100 điểm" in text
    assert app.i18n.translator("vi").date(row.finished_at.astimezone(app.i18n.translator("vi").tz).date()) in text
    for criterion in sheet.criteria():
        chosen = criterion.options[answers[criterion.code]]
        assert f" {criterion.code} {folded(criterion.title)} " in text, criterion.code
        assert f"{folded(chosen.text)} {chosen.points}/{criterion.max}" in text, criterion.code
        assert folded(criterion.evidence[0]) in text
    not_chosen = sheet.criterion("1.1").options[1 if answers["1.1"] != 1 else 2].text
    assert folded(not_chosen) not in text  # only the chosen level is printed


async def test_history_shows_the_change_since_the_previous_assessment(app: App, chat: Chat) -> None:
    await onboard(chat)
    sheet = sheet_of(app)
    await start_assessment(chat)
    await answer(chat, all_bottom(sheet))
    await start_assessment(chat)
    knock_out = next(i for i, o in enumerate(sheet.criterion("2.1").options) if o.knock_out)
    await answer(chat, {**all_top(sheet), "2.1": knock_out})
    await chat.click("Làm bài mới")
    await choose_set_if_asked(chat)
    await chat.click("hiện hành")
    await answer(chat, all_top(sheet))
    first, knocked, last = await assessments_of(app)
    assert first.total == sum(c.options[bottom(c)].points for c in sheet.criteria())
    assert knocked.status == "knocked_out" and last.total == 100
    await chat.click("Lịch sử")
    t = app.i18n.translator("vi")
    day = t.date(last.finished_at.astimezone(t.tz).date())
    lines = chat.text.splitlines()
    assert lines[1] == f"• {day} – bộ I.3.c: 100 điểm, ⭐⭐⭐⭐⭐ 5 sao"
    assert lines[2] == f"   so với lần trước: +{100 - first.total} điểm (chưa có sao → ⭐⭐⭐⭐⭐ 5 sao)"
    assert lines[3] == f"• {day} – bộ I.3.c: bị loại (tiêu chí loại)"
    assert lines[4] == f"• {day} – bộ I.3.c: {first.total} điểm, chưa có sao" and len(lines) == 5
    await chat.click("(100 điểm)")  # each finished assessment can be exported again from the history
    assert chat.last.attachment is not None and chat.last.attachment.data.startswith(b"%PDF")


async def test_unfinished_or_knocked_out_assessment_cannot_be_exported(app: App, chat: Chat) -> None:
    await onboard(chat)
    await start_assessment(chat)
    await answer(chat, {"1.1": 3})
    [row] = await assessments_of(app)
    await chat.press(f"assessment:pdf:{row.id}")
    assert chat.last.attachment is None and "đã hoàn thành" in chat.text
    assert question_code(chat) is None


async def test_self_assessment_over_telegram_ends_with_a_pdf_document(database: Database, api: FakeBotApi) -> None:
    app, channel, http = await running_bot(database, api)
    try:
        user = TelegramUser(api)
        await walk_onboarding(user, "Phường Sa Đéc")
        call = await user.command("/menu", "Chọn một mục bên dưới")
        call = await user.press(call, "Tự đánh giá", "Tự đánh giá sản phẩm OCOP")
        call = await user.press(call, "Làm bài mới", "bộ sản phẩm")
        assert "I.3.b · Chế biến từ gạo, ngũ cốc" in str(call.params["reply_markup"])  # "Bánh phồng tôm"
        call = await user.press(call, "Xem tất cả", "nhóm nào")
        call = await user.press(call, "Thực phẩm", "Chọn bộ sản phẩm")
        call = await user.press(call, "I.3.c ·", "hai bộ tiêu chí")
        call = await user.press(call, "hiện hành", "Câu 1/32")
        sheet = sheet_of(app)
        answers = all_top(sheet)
        for number, criterion in enumerate(sheet.criteria(), start=1):
            assert f"Câu {number}/32" in call.text and f"{criterion.code} " in call.text
            expect = f"Câu {number + 1}/32" if number < 32 else "Bộ Nông nghiệp và Môi trường quyết định"
            call = await user.press(call, criterion.options[answers[criterion.code]].text, expect)
        assert any("Tổng: 100/100 điểm" in (c.text or "") for c in api.sent(USER))
        api.clear_calls()
        api.push_callback(USER, payload_for(call, "Mẫu 02"), message_id=call.result["message_id"])
        document = await api.wait_for(method="sendDocument", chat_id=USER, ok=True, timeout=15)
        name, data = document.files["document"]
        assert name.endswith(".pdf") and data.startswith(b"%PDF")
        assert "Bản nháp Mẫu 02" in document.params["caption"]
        assert "100/100 điểm" in pdf_text(data)
    finally:
        await stop_bot(app, channel, http)
