"""Mẫu 01 and Mẫu 02 filled in chat (transcripts on the real engine, SQLite and PostgreSQL): only what the bot
does not know is asked, a name typed without diacritics is offered for fixing, every question may be skipped,
a paused walk resumes with its answers, an answer can be changed later, and the DOCX read back with
python-docx has every Phần, the ticked boxes, the answers and the Phần III points of the self-assessment."""

from __future__ import annotations

import io
import zipfile

from sqlalchemy import select

from bot.app import App
from bot.core.messages import Outgoing
from db.evidence import form_answers
from db.models import Profile, User
from tests.assessment_helpers import all_top, answer, sheet_of, start_assessment
from tests.test_forms_render import docx_line, docx_text, in_order, pdf_flat
from tests.transcript import Chat


async def onboard_plain(chat: Chat) -> None:
    """A cooperative whose name and product were typed without diacritics."""
    await chat.start()
    await chat.click("Tiếng Việt")
    await chat.click("Đồng ý")
    await chat.send("Hop tac xa Sen Thap Muoi")
    await chat.click("Hợp tác xã")
    await chat.send("cao lanh")
    await chat.click("Phường Cao Lãnh")
    await chat.click("Thực phẩm")
    await chat.send("Hat sen say")
    await chat.share_phone("0912 345 678")


async def user_row(app: App, user_id: str = "u1") -> tuple[User, Profile | None]:
    async with app.sessions() as session:
        user = (await session.execute(select(User).where(User.channel_user_id == user_id))).scalar_one()
        return user, await session.get(Profile, user.id)


async def stored_answers(app: App) -> dict:
    user, _ = await user_row(app)
    async with app.sessions() as session:
        return await form_answers(session, user.id)


def attachments(replies: list[Outgoing]) -> dict[str, bytes]:
    return {r.attachment.name: r.attachment.data for r in replies if r.attachment is not None}


async def walk_part_i(chat: Chat) -> None:
    """From "Fill in Mẫu 01, 02": fixes both names, answers the representative, skips the registration number."""
    await chat.press("dossier:open")
    await chat.click("Điền Mẫu 01, 02")
    assert "«Hop tac xa Sen Thap Muoi»" in chat.text and "không dấu" in chat.text
    await chat.send("Hợp tác xã Sen Tháp Mười")
    assert "«Hat sen say»" in chat.text
    await chat.send("Hạt sen sấy")
    assert "Phần I" in chat.text and "người đại diện theo pháp luật" in chat.text
    await chat.send("Nguyen Van Ba")
    assert "«Nguyen Van Ba»" in chat.text  # the representative's name too
    await chat.click("Giữ nguyên")
    await chat.send("Giám đốc")
    await chat.click("Nam")
    await chat.click("Kinh")
    await chat.send("Ấp 3, xã Mỹ Hòa")
    await chat.send("15/03/2015")
    await chat.click("Bỏ qua")  # registration number


async def test_forms_walk_resumes_and_renders_every_part(app: App, chat: Chat) -> None:
    await onboard_plain(chat)
    await start_assessment(chat)
    await answer(chat, all_top(sheet_of(app)))
    assert "Tổng điểm" in chat.text or "sao" in chat.text
    await walk_part_i(chat)
    assert "lần đăng ký" in chat.text.lower()
    await chat.click("Đăng ký lần đầu")
    await chat.send("menu")  # paused: everything so far is stored
    assert (await stored_answers(app))["rep_name"] == "Nguyen Van Ba"
    _, profile = await user_row(app)
    assert profile is not None and profile.org_name == "Hợp tác xã Sen Tháp Mười"
    await chat.press("forms:open")  # resumes at the first unanswered question, earlier answers kept
    assert "Mô tả sản phẩm" in chat.text
    await chat.send("Hạt sen sấy giòn, hộp 500 g")
    await chat.send("TCCS 01:2024/HTXSTM")
    await chat.click("✅ Có")  # business registration
    await chat.click("✅ Có")  # quality declared
    await chat.click("Chưa có")  # food safety
    await chat.click("✅ Có")  # trademark
    await chat.send("Thành lập năm 2015 từ tổ hợp tác sen.")
    await chat.send("Ban giám đốc 3 người, 25 thành viên.")
    assert "Phần II" in chat.text
    await chat.send("Vùng sen 20 ha, sấy lạnh.")
    await chat.send("Bao bì mới năm 2024.")
    await chat.send("Siêu thị, chợ Sa Đéc.")
    await chat.send("12 tấn")
    await chat.send("hai tỷ")  # refused politely, nothing stored
    assert "Chưa hiểu số tiền" in chat.text
    await chat.send("1.250.000.000")
    await chat.send("300 triệu")
    assert "Phần IV" in chat.text
    await chat.send("Thêm sản phẩm trà tim sen.")
    await chat.click("Bỏ qua")
    await chat.send("Mở rộng sang TP.HCM.")
    assert "Phần I" in chat.text and "câu đã trả lời" in chat.text  # the summary
    answers = await stored_answers(app)
    assert answers["year_revenue"] == 1_250_000_000 and answers["year_profit"] == 300_000_000
    assert answers["plan_production"] == "" and answers["founded_on"] == "2015-03-15"

    await chat.click("Sửa câu trả lời")  # change one answer later
    assert "Nguyen Van Ba" in chat.text
    number = next(line.split(".")[0] for line in chat.text.splitlines() if line.split(". ", 1)[-1].startswith("Chức vụ"))
    await chat.send(number)
    assert "Câu trả lời hiện tại: Giám đốc" in chat.text
    await chat.send("Chủ tịch Hội đồng quản trị")
    assert "Đã lưu" in chat.text

    await chat.click("Nhận Mẫu 01, 02")
    files = attachments(chat.replies)
    names = sorted(files)
    assert [n.rsplit(".", 1)[1] for n in names] == ["docx", "pdf", "docx", "pdf"]
    assert all("_htx-sen-thap-muoi_hat-sen-say_" in n for n in names), names  # the fixed names, dated locally
    mau02 = next(v for k, v in files.items() if k.startswith("Mau02") and k.endswith(".docx"))
    text = docx_text(mau02)
    assert in_order(text, "Phần I", "Hợp tác xã Sen Tháp Mười", "Nguyen Van Ba", "Phần II",
                    "Vùng sen 20 ha", "Phần III", "TỔNG CỘNG", "Phần IV", "Thêm sản phẩm trà tim sen")
    assert docx_line(mau02, "a) Giấy đăng ký kinh doanh: ").endswith("☒")
    assert docx_line(mau02, "- Giấy chứng nhận cơ sở đủ điều kiện vệ sinh an toàn thực phẩm").endswith("□")
    assert docx_line(mau02, "+ Giấy chứng nhận đăng ký nhãn hiệu: ").endswith("☒")
    sheet = sheet_of(app)
    assert f"{sheet.max}" in text  # Phần III: every criterion at its top points sums to the sheet's maximum
    mau01 = next(v for k, v in files.items() if k.startswith("Mau01") and k.endswith(".pdf"))
    assert "Hạt sen sấy" in pdf_flat(mau01) and "Đồng Tháp" in pdf_flat(mau01)
    mau01_docx = next(v for k, v in files.items() if k.startswith("Mau01") and k.endswith(".docx"))
    assert "Chủ tịch Hội đồng quản trị" in docx_text(mau01_docx)  # the changed answer


async def test_zip_on_the_console_holds_both_forms(app: App, chat: Chat) -> None:
    await onboard_plain(chat)
    await chat.press("forms:zip")
    files = attachments(chat.replies)
    assert len(files) == 1
    name, data = next(iter(files.items()))
    assert name.startswith("HoSoOCOP_") and name.endswith(".zip")
    inside = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert sorted(n.split("_")[0] for n in inside) == ["00", "Mau01", "Mau01", "Mau02", "Mau02"]


async def test_forms_need_consent_and_stale_buttons_change_nothing(app: App, chat: Chat) -> None:
    await chat.start()
    await chat.click("Tiếng Việt")
    await chat.click("Không, cảm ơn")
    await chat.press("forms:open")
    assert "cần anh/chị đồng ý" in chat.text
    await chat.press("forms:ans:rep_gender:Nam")
    user, _ = await user_row(app)
    async with app.sessions() as session:
        assert await form_answers(session, user.id) == {}


async def test_an_english_user_is_told_the_forms_stay_vietnamese(app: App, chat: Chat) -> None:
    await chat.start()
    await chat.click("English")
    await chat.click("I agree")
    await chat.send("Lotus Coop")
    await chat.press("forms:open")
    assert "Part I" in chat.text and "legal representative" in chat.text
    await chat.send("Trần Thị Lan")
    assert "position" in chat.text
    await chat.press("forms:docs")
    assert "official Vietnamese forms" in chat.replies[0].text
    assert all(r.text.isascii() or "Mẫu 0" in r.text for r in chat.replies)  # English, but the forms' own names
    mau02 = next(v for k, v in attachments(chat.replies).items() if k.startswith("Mau02") and k.endswith(".docx"))
    assert in_order(docx_text(mau02), "BÁO CÁO TỰ ĐÁNH GIÁ VỀ SẢN PHẨM", "Lotus Coop", "Trần Thị Lan", "Phần IV")


async def test_an_english_user_reads_the_evidence_items_in_english(app: App, chat: Chat) -> None:
    """The rows of Mẫu 02's guidance table and the score-sheet items, in English on the evidence screens; the
    form's own words (its requirement, the DOCX) stay Vietnamese."""
    from bot.forms import EVIDENCE_TOPICS
    from db.models import Assessment

    await chat.start()
    await chat.click("English")
    await chat.click("I agree")
    await chat.send("Lotus Coop")
    user, _ = await user_row(app)
    async with app.sessions() as session, session.begin():  # a finished self-assessment: its items are listed too
        session.add(Assessment(user_id=user.id, rule_set="qd26-2026", product_set="I.3.c", answers=all_top(sheet_of(app)),
                               status="done", total=100, stars=5, part_points={}))
    screens = []
    for page in range(6):
        await chat.press(f"evidence:list:{page}")
        screens.append(chat.text)
    shown = "\n".join(screens)
    en = app.i18n.translator("en")
    for topic in EVIDENCE_TOPICS:
        label = en.content(topic.content)
        assert label != topic.content and label in shown, topic.key
        assert topic.content not in shown, topic.key
    assert "Business registration certificate" in shown and "1.1. Raw material source" in shown
    await chat.press("evidence:item:t:dang-ky-kinh-doanh")
    assert "📎 Business registration certificate" in chat.text
    assert "Required (as the form says): Bản sao chứng minh hoạt động kinh doanh" in chat.text
    await chat.press("forms:docs")
    mau02 = next(v for k, v in attachments(chat.replies).items() if k.startswith("Mau02") and k.endswith(".docx"))
    assert "Giấy đăng ký kinh doanh" in docx_text(mau02) and "Business registration" not in docx_text(mau02)
