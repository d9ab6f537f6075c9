"""An upgrade or a re-evaluation starts from the certified state (issue 12 item 4), on SQLite and PostgreSQL:
an officer records the certificate through the dossier operation (bot/officer/dossiers.py), and the producer's
self-assessment opens on it and compares its result with it, Mẫu 01's "Lần đăng ký đánh giá" is filled in from it
(ticked in the DOCX, shown on the summary, changeable there) or asked with the likely answer first, and the
dossier checklist puts that kind first. Without a certificate nothing changes."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.app import App
from bot.content.calendar import add_months
from bot.domain.certified import CertificateDates, likely_first, registration_kind
from bot.officer import dossiers as ops
from db import dossier_status as rows
from db.evidence import save_form_answer
from db.models import User
from tests.assessment_helpers import all_bottom, all_top, answer, sheet_of, start_assessment
from tests.dossier_support import now
from tests.test_dossier_forms import attachments, stored_answers
from tests.test_forms_render import docx_line
from tests.test_onboarding import onboard
from tests.transcript import Chat

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
DECISION = "1234/QĐ-UBND"
KIND_LINE = "4. Lần đăng ký đánh giá: "
ASK_KIND = "lần đăng ký đánh giá này là?"
SUMMARY = "câu đã trả lời"


def today() -> date:
    return datetime.now(ZONE).date()


async def user_id(app: App, channel_user_id: str = "u1") -> int:
    async with app.sessions() as session:
        return (await session.execute(select(User.id).where(User.channel_user_id == channel_user_id))).scalar_one()


async def record_result(app: App, stars: int, certified_on: date | None, channel_user_id: str = "u1") -> None:
    """The officer's way, through the shared operation: the producer's draft dossier filed at the commune, sent
    up, evaluated in round 1, and its result (a decision and certificate date from 3 stars)."""
    producer = await user_id(app, channel_user_id)
    async with app.sessions() as session, session.begin():
        await rows.ensure_drafts(session, now())
        dossier_id = (await rows.for_user(session, producer))[0].id
    result = {"stars": stars, "decision_number": DECISION if certified_on else None, "certificate_date": certified_on}
    for status, fields in (("filed", {}), ("forwarded", {}), ("evaluated", {"round_number": 1}), ("result", result)):
        async with app.sessions() as session, session.begin():
            await ops.change_status(session, app.content, dossier_id, None, ops.Change(status, **fields), now(),
                                    app.settings.timezone, by="test")


def in_window() -> date:
    """A certificate date whose re-evaluation window (180 to 120 days before expiry) holds today."""
    return add_months(today() + timedelta(days=150), -36)


async def skip_to_summary(chat: Chat) -> str:
    """From "Điền Mẫu 01, 02": skips every question asked until the summary; returns what was asked."""
    await chat.press("forms:open")
    asked = []
    for _ in range(40):
        if SUMMARY in chat.text:
            return "\n".join(asked)
        asked.append(chat.text)
        await chat.click("Bỏ qua")
    raise AssertionError("the forms never reached the summary")


async def mau01_kind_line(chat: Chat) -> str:
    await chat.press("forms:docs")
    mau01 = next(v for k, v in attachments(chat.replies).items() if k.startswith("Mau01") and k.endswith(".docx"))
    return docx_line(mau01, KIND_LINE)


def test_the_kind_rule_reads_the_window_and_the_stars() -> None:
    dates = CertificateDates(expiry=date(2027, 6, 1), opens=date(2026, 12, 3), closes=date(2027, 2, 1))
    assert registration_kind(dates, 4, None, date(2026, 12, 3)).kind == "danh-gia-lai"  # the window's first day
    assert registration_kind(dates, 4, 5, date(2027, 2, 1)).reason == "window"  # its last day, whatever the stars
    upgrade = registration_kind(dates, 4, 5, date(2026, 12, 2))
    assert (upgrade.kind, upgrade.known, upgrade.reason) == ("nang-hang", True, "more_stars")
    asked = registration_kind(dates, 4, 4, date(2026, 12, 2))
    assert (asked.kind, asked.known, asked.reason) == ("nang-hang", False, "before_window")
    late = registration_kind(dates, 4, None, date(2027, 2, 2))
    assert (late.kind, late.known, late.reason) == ("danh-gia-lai", False, "after_window")
    assert likely_first(("lan-dau", "nang-hang", "danh-gia-lai"), "danh-gia-lai") == \
        ["danh-gia-lai", "lan-dau", "nang-hang"]
    assert likely_first(("lan-dau", "nang-hang"), None) == ["lan-dau", "nang-hang"]


async def test_a_certified_product_upgrades_from_its_certificate(app: App, chat: Chat) -> None:
    await onboard(chat)
    certified_on = today() - timedelta(days=400)
    await record_result(app, 4, certified_on)
    vi = app.i18n.translator("vi")
    await chat.send("menu")
    await chat.click("Tự đánh giá")
    opening = chat.text.splitlines()[0]  # one short line, before the screen as it was
    assert "Xoài sấy dẻo đang giữ 4★" in opening and DECISION in opening and vi.date(certified_on) in opening
    assert vi.date(add_months(certified_on, 36)) in opening and "nâng hạng hoặc đánh giá lại" in opening
    assert "Tự đánh giá sản phẩm OCOP" in chat.text
    await chat.click("Làm bài mới")
    await chat.click("I.3.c ·")
    await chat.click("hiện hành")
    await answer(chat, all_top(sheet_of(app)))
    assert "⭐⭐⭐⭐⭐ 5 sao" in chat.text and "Đang giữ 4★: có thể lên 5★ (nâng hạng)" in chat.text

    # Mẫu 01: the kind is not asked, it is told on the summary, ticked in the DOCX, and changeable there
    asked = await skip_to_summary(chat)
    assert ASK_KIND not in asked
    assert "📌 Lần đăng ký (Mẫu 01): Nâng hạng sao." in chat.text and "được 5★" in chat.text
    assert await mau01_kind_line(chat) == f"{KIND_LINE}Lần đầu □   Nâng hạng: ☒   Đánh giá lại: □"
    await chat.press("forms:summary")
    await chat.click("Đổi lần đăng ký")
    assert ASK_KIND in chat.text and "Câu trả lời hiện tại: Nâng hạng sao" in chat.text
    await chat.click("Đăng ký lần đầu")  # another product, say: the producer's word wins
    assert "Đã lưu" in chat.text and "📌" not in chat.text
    assert await mau01_kind_line(chat) == f"{KIND_LINE}Lần đầu ☒   Nâng hạng: □   Đánh giá lại: □"
    stored = await stored_answers(app)
    assert (stored["kind"], stored["kind_on"]) == ("lan-dau", today().isoformat())


async def test_in_the_re_evaluation_window_the_dossier_is_a_re_evaluation(app: App, chat: Chat) -> None:
    await onboard(chat)
    certified_on = in_window()
    await record_result(app, 4, certified_on)
    await chat.press("dossier:open")  # the checklist's kind: re-evaluation first, marked, with why
    assert "trong thời gian nộp hồ sơ đánh giá lại" in chat.text
    assert chat.labels()[:3] == ["👉 Đánh giá lại (giấy sắp hết hạn)", "Đăng ký lần đầu", "Nâng hạng sao"]
    await chat.click("Đánh giá lại")
    assert "Hồ sơ Đánh giá lại (giấy sắp hết hạn)" in chat.text
    asked = await skip_to_summary(chat)
    assert ASK_KIND not in asked
    assert "📌 Lần đăng ký (Mẫu 01): Đánh giá lại (giấy sắp hết hạn)." in chat.text
    assert await mau01_kind_line(chat) == f"{KIND_LINE}Lần đầu □   Nâng hạng: □   Đánh giá lại: ☒"


async def test_when_the_kind_cannot_be_told_it_is_asked_with_the_likely_answer_first(app: App, chat: Chat) -> None:
    await onboard(chat)
    async with app.sessions() as session, session.begin():  # the first registration's answer, before the certificate
        await save_form_answer(session, await user_id(app), "kind", "lan-dau")
    await record_result(app, 4, today() - timedelta(days=400))
    await chat.press("dossier:open")
    assert chat.labels()[:3] == ["👉 Nâng hạng sao", "Đăng ký lần đầu", "Đánh giá lại (giấy sắp hết hạn)"]
    await chat.press("forms:open")
    for _ in range(20):
        if ASK_KIND in chat.text:
            break
        await chat.click("Bỏ qua")
    assert "Hồ sơ đánh giá lại nộp từ" in chat.text and "đang giữ 4★" in chat.text
    assert [label for label in chat.labels() if "Bỏ qua" not in label][:3] == \
        ["Nâng hạng sao", "Đăng ký lần đầu", "Đánh giá lại (giấy sắp hết hạn)"]
    await chat.click("Nâng hạng sao")
    assert (await stored_answers(app))["kind"] == "nang-hang"


async def test_the_result_keeps_or_falls_below_the_certified_stars(app: App, chat: Chat) -> None:
    await onboard(chat)
    await record_result(app, 4, today() - timedelta(days=400))
    await start_assessment(chat)
    await answer(chat, all_bottom(sheet_of(app)))
    assert "⚠️ Đang giữ 4★" in chat.text and "sẽ xuống dưới 4★" in chat.text
    assert "Để đạt 4 sao cần từ 70 điểm" in chat.text  # what holds it back from the certified stars…
    assert "Để đạt 3 sao cần từ 50 điểm" in chat.text  # …and the screen's own next step, as before
    assert "• 1.1 Nguồn nguyên liệu" in chat.text
    producer = Chat(app.engine, "u2")
    await onboard(producer)
    await record_result(app, 5, today() - timedelta(days=400), "u2")
    await start_assessment(producer)
    await answer(producer, all_top(sheet_of(app)))
    assert "🏅 So với giấy chứng nhận: giữ hạng 5★." in producer.text


async def test_without_a_certificate_nothing_changes(app: App, chat: Chat) -> None:
    await onboard(chat)
    await record_result(app, 2, None)  # 1–2 stars: a result, but no decision and no certificate
    await chat.send("menu")
    await chat.click("Tự đánh giá")
    assert "🏅" not in chat.text and chat.text.startswith("⭐ Tự đánh giá sản phẩm OCOP")
    await chat.press("dossier:open")
    assert chat.labels()[:3] == ["Đăng ký lần đầu", "Nâng hạng sao", "Đánh giá lại (giấy sắp hết hạn)"]
    assert "🏅" not in chat.text
    await chat.press("forms:open")
    for _ in range(20):
        if ASK_KIND in chat.text:
            break
        await chat.click("Bỏ qua")
    assert "🏅" not in chat.text
    assert [label for label in chat.labels() if "Bỏ qua" not in label][:3] == \
        ["Đăng ký lần đầu", "Nâng hạng sao", "Đánh giá lại (giấy sắp hết hạn)"]
    asked = await skip_to_summary(chat)  # the kind skipped like any question: blank, nothing filled in
    assert ASK_KIND in asked and "📌" not in chat.text
    assert await mau01_kind_line(chat) == f"{KIND_LINE}Lần đầu □   Nâng hạng: □   Đánh giá lại: □"
