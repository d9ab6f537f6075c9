"""Typed answers on every screen, as transcripts on the real engine (console channel), in Vietnamese and
English: part of a label without diacritics, yes/no words, ambiguous parts asked back, the numbers a paged
list shows, and digit-like text that is never a press nor an error."""

from __future__ import annotations

from bot.app import App
from tests.assessment_helpers import answer, assessments_of, question_code, start_assessment
from tests.test_journeys_eligibility import start_food_check, stored_check
from tests.test_onboarding import onboard, profile_of
from tests.transcript import Chat


async def open_checklist(chat: Chat) -> None:
    await chat.press("dossier:open")
    await chat.send("dang ky lan dau")  # "Đăng ký lần đầu", typed loosely
    assert "Hồ sơ Đăng ký lần đầu" in chat.text and "Trang 1/3" in chat.text, chat.text


async def test_a_half_typed_label_presses_its_button(app: App, chat: Chat) -> None:
    await onboard(chat)
    await start_assessment(chat)
    await answer(chat, {"1.1": 3, "1.2": 1})
    await chat.send("menu")
    await chat.send("tu danh gia")  # "📝 Tự đánh giá" from the menu, no diacritics
    assert "đã trả lời 2/32 câu" in chat.text
    await chat.send("tiep tuc")  # "▶️ Tiếp tục bài đang làm"
    assert "Câu 3/32" in chat.text and question_code(chat) == "1.3"
    await chat.send("che bien sau")  # the start of one label ("Chế biến sâu, từ vùng…") among "Chế biến…" ones
    assert question_code(chat) == "1.4"
    await chat.send("quy mo")  # three options start so ("Quy mô sản xuất nhỏ / trung bình / lớn"): asked which
    assert "Bạn muốn chọn mục nào" in chat.text and len(chat.labels()) == 3
    await chat.send("quy mo san xuat trung binh")  # … "Quy mô sản xuất trung bình" among those
    assert question_code(chat) == "1.5"
    [row] = await assessments_of(app)
    assert (row.answers["1.3"], row.answers["1.4"]) == (2, 1)


async def test_yes_and_no_words_answer_yes_no_screens(app: App, chat: Chat) -> None:
    await chat.start()
    await chat.send("tieng viet")
    await chat.send("ok")  # consent: "✅ Đồng ý"
    assert "Câu 1/6" in chat.text
    await chat.send("HTX Sen Vàng")
    await chat.send("hop tac")  # "Hợp tác xã"
    await chat.send("cao lanh")
    await chat.send("1")
    await chat.send("thuc pham")  # "Thực phẩm"
    await chat.send("Xoài sấy dẻo")
    await chat.send("khong")  # the phone question's "Bỏ qua"
    assert "Hồ sơ của bạn đã được lưu" in chat.text
    _, profile = await profile_of(app)
    assert profile is not None and profile.producer_type == "htx" and profile.phone == ""
    await chat.press("eligibility:start")
    await chat.send("không")  # "Theo hồ sơ: Hợp tác xã — đúng không?" → "✏️ Đổi"
    assert "Cơ sở sản xuất của anh/chị thuộc loại nào?" in chat.text
    await chat.send("hop tac xa")
    await chat.send("bo so 7")
    assert "Câu 1/9" in chat.text
    for typed in ("tro len", "cua co so", "co", "đã có", "co roi", "rồi", "có", "da duoc cap", "chưa"):
        await chat.send(typed)
    assert "Kết quả" in chat.text, chat.text
    check = await stored_check(app)
    assert check is not None and check.answers["raw_material"] == "trong-tinh"
    assert (check.answers["sales_outside"], check.answers["food_safety_certificate"]) == ("co", "co")
    assert (check.answers["lab_test"], check.answers["label"], check.answers["story"]) == ("co", "dung", "chua")


async def test_an_ambiguous_part_is_asked_back_with_the_candidates(chat: Chat) -> None:
    await onboard(chat)
    await start_food_check(chat)
    await chat.send("toan bo")  # "Toàn bộ từ tỉnh khác…" and "Toàn bộ nhập khẩu…"
    assert "Bạn muốn chọn mục nào" in chat.text
    assert chat.labels() == ["Toàn bộ từ tỉnh khác trong nước", "Toàn bộ nhập khẩu từ nước ngoài"]
    await chat.send("2")  # the numbers of the question asked back
    assert "Câu 2/9" in chat.text
    await chat.click("Quay lại")
    assert "↩ Giữ câu trả lời trước: Toàn bộ nhập khẩu từ nước ngoài" in chat.labels()


async def test_paged_checklist_numbers_are_the_item_numbers(chat: Chat) -> None:
    await onboard(chat)
    await open_checklist(chat)
    await chat.send("5")  # item 5 on page 1
    assert "Hồ sơ công bố chất lượng sản phẩm" in chat.text
    await chat.send("co roi")  # "✅ Đã có"
    assert "1/18 sẵn sàng" in chat.text and "✅ 5. Hồ sơ công bố" in chat.text
    await chat.send("trang sau")  # "Trang sau ▶"
    assert "Trang 2/3" in chat.text
    await chat.send("9")  # item 9 (the first button of page 2), never "◀ Trang trước"
    assert "Danh sách lao động địa phương" in chat.text and "Trang" not in chat.text
    await chat.send("chua")  # "❌ Chưa có"
    assert "Đã ghi nhận: chưa có" in chat.text
    await chat.send("còn thiếu")  # "📌 Còn thiếu": only the items not ready, numbered as in the whole list
    assert "⬜ 4. Giấy chứng nhận cơ sở" in chat.text and "5. Hồ sơ công bố" not in chat.text
    await chat.send("4")  # item 4 (the third button here)
    assert "an toàn thực phẩm" in chat.text and "✅ Đã có" in chat.labels()
    back = chat.labels().index("◀ Danh sách") + 1  # after the two marks and "send a photo/file for this item"
    assert back == 4
    await chat.send(str(back))  # an item's screen numbers its buttons by position
    assert "Trang 1/3" in chat.text


async def test_typed_answers_in_english(app: App, chat: Chat) -> None:
    await chat.start()
    await chat.send("english")
    await chat.send("yes")  # "✅ I agree"
    assert "Question 1/6" in chat.text
    await chat.send("Lotus Coop")
    await chat.send("cooperative")
    await chat.send("sa dec")
    await chat.send("1")
    await chat.send("food")
    await chat.send("Dried mango")
    await chat.send("no")  # skip the phone
    assert "Settings" in " ".join(chat.labels())
    await chat.send("dossier")  # "📂 Dossier checklist"
    await chat.send("first")  # "First registration"
    await chat.send("next")  # "Next ▶"
    await chat.send("10")  # item 10 on page 2
    await chat.send("have")  # "✅ Have it"
    assert "Noted: you have it." in chat.text
    await chat.send("menu")
    await chat.send("eligibility")
    await chat.send("yes")  # "According to your profile: Cooperative — right?"
    await chat.send("other")  # "🔤 Other: type the name again"
    await chat.send("xoai say")  # a product name: searched
    await chat.send("set 7")  # part of a suggested set's label: pressed
    assert "Question 1/9" in chat.text
    await chat.send("50% or more")  # "50% or more from the province"
    assert "Question 2/9" in chat.text
    _, profile = await profile_of(app)
    assert profile is not None and profile.phone == "" and profile.commune_code == "phuong-sa-dec"


async def test_digit_like_text_never_presses_a_button_nor_fails(chat: Chat) -> None:
    await onboard(chat)
    await start_food_check(chat)
    error = "Xin lỗi, đã có lỗi"
    for odd in ("²", "①", "١", "٣", "１", "-1", "1.5", "9" * 5000, "0", "99"):
        await chat.send(odd)
        assert error not in chat.text and "Câu 1/9" in chat.text and "bấm một nút" in chat.text, odd
    await chat.send("01")  # an ASCII number with a leading zero is that number: the first option
    assert "Câu 2/9" in chat.text
    await chat.send("menu")
    for odd in ("²", "١", "9" * 5000, "dossier:list:lan-dau:²", "assessment:ans:²:1.1:0", "eligibility:ans:x:²"):
        await chat.send(odd)
        assert chat.replies and error not in chat.text, odd
